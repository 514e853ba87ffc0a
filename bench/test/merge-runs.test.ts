import { describe, expect, it } from "vitest";
import type { RunFacts } from "../src/report/benchmarks-doc.ts";
import type { Section } from "../src/report/section.ts";
import { mergeRun, type SavedRun } from "../src/report/write-docs.ts";

const machine = {
  cpu: "cpu",
  cores: 2,
  memory: "1 GiB",
  node: "v20",
  openssl: "3",
  os: "linux",
};
const runOn = (date: string, command: string): RunFacts => ({
  machine,
  command,
  date,
  seconds: 100,
  othersCores: 0,
  quick: false,
});
const section = (number: string, title = `item ${number}`): Section => ({
  number,
  title,
  method: "",
  table: { columns: ["a"], rows: [] },
  targets: [],
  notes: [],
});

const fullRun = runOn("2026-12-01", "pnpm bench");
const soakRun = runOn("2026-12-02", "pnpm bench -- --soak");
const numbers = (saved: SavedRun) => saved.sections.map((s) => s.number);

describe("mergeRun", () => {
  it("a soak run adds its section and keeps every section and the facts of the last full run", () => {
    const previous: SavedRun = {
      run: fullRun,
      sections: [section("1–2"), section("6"), section("10")],
    };
    const merged = mergeRun(previous, soakRun, [section("11")], "apart");
    expect(merged.run).toBe(fullRun);
    expect(numbers(merged)).toEqual(["1–2", "6", "10", "11"]);
    expect(merged.sections.at(-1)?.measuredApart).toEqual({
      command: "pnpm bench -- --soak",
      date: "2026-12-02",
      seconds: 100,
    });
    expect(merged.sections[0]?.measuredApart).toBeUndefined();
  });

  it("a second soak run replaces the first soak's section, not the others", () => {
    const first = mergeRun(
      { run: fullRun, sections: [section("6")] },
      soakRun,
      [section("11", "old soak")],
      "apart",
    );
    const second = mergeRun(
      first,
      runOn("2026-12-03", "pnpm bench -- --soak"),
      [section("11", "new soak")],
      "apart",
    );
    expect(second.sections.map((s) => s.title)).toEqual(["item 6", "new soak"]);
    expect(second.sections[1]?.measuredApart?.date).toBe("2026-12-03");
  });

  it("a full run replaces the last full run's sections but keeps the last soak's", () => {
    const withSoak = mergeRun(
      { run: fullRun, sections: [section("6", "old refresh"), section("9")] },
      soakRun,
      [section("11")],
      "apart",
    );
    const next = runOn("2026-12-04", "pnpm bench");
    const merged = mergeRun(withSoak, next, [section("6", "new refresh"), section("7")], "suite");
    expect(merged.run).toBe(next);
    // Item 9 was not measured this time: a suite run's sections are its own, not left over.
    expect(merged.sections.map((s) => s.title)).toEqual(["new refresh", "item 7", "item 11"]);
    expect(merged.sections.at(-1)?.measuredApart?.date).toBe("2026-12-02");
  });

  it("starts from nothing when there is no saved run", () => {
    expect(mergeRun(undefined, soakRun, [section("11")], "apart").run).toBe(soakRun);
    expect(numbers(mergeRun(undefined, fullRun, [section("3")], "suite"))).toEqual(["3"]);
  });

  it("orders sections by the issue's item numbers, two-digit ones after 9, equals as they came", () => {
    const merged = mergeRun(
      undefined,
      fullRun,
      [
        section("10"),
        section("6", "first 6"),
        section("1–2"),
        section("6", "second 6"),
        section("9"),
      ],
      "suite",
    );
    expect(merged.sections.map((s) => s.title)).toEqual([
      "item 1–2",
      "first 6",
      "second 6",
      "item 9",
      "item 10",
    ]);
  });
});
