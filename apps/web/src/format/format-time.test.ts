import { describe, expect, it } from "vitest";
import { formatDateTimeSpan } from "./format-time.ts";

/** An ISO time from local wall-clock parts, as the formatter reads it back. */
const local = (day: number, hour: number, minute: number) =>
  new Date(2026, 0, day, hour, minute).toISOString();

describe("formatDateTimeSpan", () => {
  it("gives the date once when both ends fall on one day", () => {
    expect(formatDateTimeSpan(local(3, 10, 2), local(3, 22, 31))).toEqual({
      from: "Jan 3, 2026, 10:02 AM",
      to: "10:31 PM",
    });
  });

  it("gives both dates across midnight", () => {
    expect(formatDateTimeSpan(local(3, 23, 50), local(4, 0, 10))).toEqual({
      from: "Jan 3, 2026, 11:50 PM",
      to: "Jan 4, 2026, 12:10 AM",
    });
  });

  it("has no second end when both read the same", () => {
    expect(formatDateTimeSpan(local(3, 10, 2), local(3, 10, 2))).toEqual({
      from: "Jan 3, 2026, 10:02 AM",
    });
  });
});
