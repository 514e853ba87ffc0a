import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatMs, formatRatio } from "../src/report/format.ts";
import { markdownTable, plainTable } from "../src/report/text-table.ts";

const table = {
  columns: ["variant", "req/s"],
  rows: [
    ["raw", "12,345"],
    ["a|b", "9"],
  ],
};

describe("markdownTable", () => {
  it("right-aligns every column but the first and escapes pipes", () => {
    expect(markdownTable(table)).toBe(
      ["| variant | req/s |", "| --- | ---: |", "| raw | 12,345 |", "| a\\|b | 9 |"].join("\n"),
    );
  });
});

describe("plainTable", () => {
  it("pads the first column on the right and numbers on the left", () => {
    const lines = plainTable(table).split("\n");
    expect(lines[0]).toBe("variant   req/s");
    expect(lines[2]).toBe("raw      12,345");
    expect(lines[3]).toBe("a|b           9");
  });

  it("underlines each column as wide as its widest cell", () => {
    const lines = plainTable({ columns: ["µs/op", "×"], rows: [["node:crypto", "1.00×"]] }).split(
      "\n",
    );
    expect(lines[1]).toBe(`${"─".repeat(11)}  ${"─".repeat(5)}`);
    expect(lines[0]).toBe("µs/op            ×");
  });
});

describe("formats", () => {
  it("gives counts, latencies, ratios and sizes the precision a reader needs", () => {
    expect(formatCount(9123.6)).toBe("9,124");
    expect(formatMs(0.423)).toBe("0.42");
    expect(formatMs(3.14)).toBe("3.1");
    expect(formatMs(57.4)).toBe("57");
    expect(formatRatio(0.934)).toBe("0.93×");
    expect(formatRatio(16.66)).toBe("16.7×");
    expect(formatRatio(Number.NaN)).toBe("–");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(48_300_000)).toBe("48.3 MB");
    expect(formatBytes(1_020_000_000)).toBe("1.02 GB");
  });
});
