import { describe, expect, it } from "vitest";
import { parseOptions } from "../src/options.ts";

describe("parseOptions", () => {
  it("writes the docs after a full run only, unless told otherwise", () => {
    expect(parseOptions([]).write).toBe(true);
    expect(parseOptions(["--", "--quick"]).write).toBe(false);
    expect(parseOptions(["--quick", "--write"]).write).toBe(true);
    expect(parseOptions(["--no-write"]).write).toBe(false);
    expect(parseOptions(["--only=http,login"])).toMatchObject({
      only: ["http", "login"],
      write: false,
    });
  });

  it("refuses what it does not know", () => {
    expect(() => parseOptions(["--fast"])).toThrow(/Unknown option --fast/);
    expect(() => parseOptions(["--only=http,nope"])).toThrow(/Unknown section nope/);
  });
});
