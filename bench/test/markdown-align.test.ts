import { describe, expect, it } from "vitest";
import { markdownTable } from "../src/report/text-table.ts";

describe("markdownTable alignment", () => {
  it("left-aligns as many leading text columns as asked", () => {
    const rule = markdownTable({ columns: ["a", "b", "c"], rows: [], textColumns: 2 }).split(
      "\n",
    )[1];
    expect(rule).toBe("| --- | --- | ---: |");
  });
});
