import { describe, expect, it } from "vitest";
import { benchCommand, parseOptions } from "../src/options.ts";

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

  it("runs the soak alone with --soak, and a full run without it", () => {
    expect(parseOptions([]).soak).toBe(false);
    expect(parseOptions([]).only).toContain("http");
    expect(parseOptions(["--", "--soak"])).toMatchObject({ soak: true, only: [], write: true });
    expect(parseOptions(["--soak", "--quick"])).toMatchObject({
      soak: true,
      quick: true,
      only: [],
      write: false,
    });
    expect(parseOptions(["--soak", "--quick", "--write"]).write).toBe(true);
    expect(() => parseOptions(["--soak", "--only=http"])).toThrow(/does not combine with --only/);
  });

  it("names the command a run was started with", () => {
    expect(benchCommand(parseOptions([]))).toBe("pnpm bench");
    expect(benchCommand(parseOptions(["--quick"]))).toBe("pnpm bench -- --quick");
    expect(benchCommand(parseOptions(["--", "--soak"]))).toBe("pnpm bench -- --soak");
    expect(benchCommand(parseOptions(["--quick", "--soak"]))).toBe("pnpm bench -- --soak --quick");
  });

  it("refuses what it does not know", () => {
    expect(() => parseOptions(["--fast"])).toThrow(/Unknown option --fast/);
    expect(() => parseOptions(["--only=http,nope"])).toThrow(/Unknown section nope/);
  });
});
