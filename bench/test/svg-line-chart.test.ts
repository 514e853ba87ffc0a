import { describe, expect, it } from "vitest";
import type { TimePanel } from "../src/report/section.ts";
import { niceCeiling, svgLineChart } from "../src/report/svg-line-chart.ts";

const viewBox = (svg: string) => {
  const [, , width, height] = (/viewBox="([^"]+)"/.exec(svg)?.[1] ?? "").split(" ").map(Number);
  return { width: width ?? 0, height: height ?? 0 };
};

const polylines = (svg: string) =>
  [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) =>
    (m[1] ?? "").split(" ").map((pair) => {
      const [x, y] = pair.split(",").map(Number);
      return { x: x ?? Number.NaN, y: y ?? Number.NaN };
    }),
  );

/** The y of each horizontal gridline, in drawing order. */
const gridlines = (svg: string) =>
  [...svg.matchAll(/<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/g)]
    .filter((m) => m[2] === m[4] && m[1] !== m[3])
    .map((m) => Number(m[2]));

const series = (values: number[], every = 5): TimePanel["points"] =>
  values.map((value, i) => ({ seconds: (i + 1) * every, value }));

describe("svgLineChart", () => {
  const chart = {
    title: "Soak",
    markers: [{ seconds: 10, label: "warm-up ends" }],
    panels: [
      { title: "RSS", unit: "MB", points: series([80, 90, 100, 100]) },
      { title: "p99", unit: "ms", points: series([2, 4, 3, 1]) },
    ],
  };

  it("draws one line per panel, every point inside the viewBox, time running left to right", () => {
    const svg = svgLineChart(chart);
    const { width, height } = viewBox(svg);
    const lines = polylines(svg);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toHaveLength(4);
      for (const { x, y } of line) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(width);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(height);
      }
      const xs = line.map((p) => p.x);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
    }
    // The panels share the time axis: the same seconds land on the same x.
    expect(lines[0]?.map((p) => p.x)).toEqual(lines[1]?.map((p) => p.x));
  });

  it("scales each panel from zero to its own top, higher values drawn higher", () => {
    const [rss = [], p99 = []] = polylines(svgLineChart(chart));
    const [first, second, third, fourth] = rss.map((p) => p.y);
    // SVG's y grows downwards: 80 < 90 < 100 MB means each point is above the one before.
    expect(second).toBeLessThan(first ?? 0);
    expect(third).toBeLessThan(second ?? 0);
    expect(fourth).toBe(third);
    // From zero: the first panel's gridlines are at 0, half and the top (100 MB).
    const [zero = 0, , top = 0] = gridlines(svgLineChart(chart));
    expect((zero - (first ?? 0)) / (zero - top)).toBeCloseTo(0.8, 2);
    expect(third).toBeCloseTo(top, 1);
    // The second panel has a scale of its own (0–5 ms), lower on the page.
    expect(Math.min(...p99.map((p) => p.y))).toBeGreaterThan(Math.max(...rss.map((p) => p.y)));
  });

  it("labels the panels, the time axis and the markers", () => {
    const svg = svgLineChart(chart);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain(">RSS (MB)</text>");
    expect(svg).toContain(">p99 (ms)</text>");
    expect(svg).toContain(">warm-up ends</text>");
    expect(svg).toContain(">0:00</text>");
    expect(svg).toContain(">0:20</text>");
    expect(svg).toContain(">100</text>");
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
  });

  it("labels a ten-minute run in whole minutes", () => {
    const svg = svgLineChart({
      title: "T",
      markers: [],
      panels: [{ title: "P", unit: "u", points: series(Array(120).fill(1)) }],
    });
    expect(svg).toContain(">10:00</text>");
    expect(svg).toContain(">1:00</text>");
    expect(svg).not.toContain(">0:30</text>");
  });

  it("escapes text, so a title cannot break the markup", () => {
    const svg = svgLineChart({
      title: 'a <b> & "c"',
      markers: [{ seconds: 1, label: "<m>" }],
      panels: [{ title: "x<y", unit: "&", points: series([1]) }],
    });
    expect(svg).toContain('aria-label="a &lt;b&gt; &amp; &quot;c&quot;"');
    expect(svg).toContain(">x&lt;y (&amp;)</text>");
    expect(svg).toContain(">&lt;m&gt;</text>");
    expect(svg).not.toMatch(/<b>|<m>/);
  });

  it("draws an empty or all-zero panel without dividing by zero", () => {
    const svg = svgLineChart({
      title: "T",
      markers: [],
      panels: [
        { title: "none", unit: "u", points: [] },
        { title: "zero", unit: "u", points: series([0, 0]) },
      ],
    });
    expect(polylines(svg)).toHaveLength(1);
    expect(svg).not.toContain("NaN");
    expect(svg).not.toContain("Infinity");
  });
});

describe("niceCeiling", () => {
  it("rounds a scale's top up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect(niceCeiling(80)).toBe(100);
    expect(niceCeiling(100)).toBe(100);
    expect(niceCeiling(101)).toBe(200);
    expect(niceCeiling(2.2)).toBe(2.5);
    expect(niceCeiling(0.04)).toBe(0.05);
    expect(niceCeiling(0)).toBe(1);
  });
});
