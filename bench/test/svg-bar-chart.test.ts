import { describe, expect, it } from "vitest";
import { escapeXml, svgBarChart } from "../src/report/svg-bar-chart.ts";

const widths = (svg: string) =>
  [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));

describe("svgBarChart", () => {
  it("draws one bar per value, each panel scaled to its own largest value", () => {
    const svg = svgBarChart("Title", [
      {
        title: "Requests",
        unit: "req/s",
        bars: [
          { label: "a", value: 100 },
          { label: "b", value: 50 },
        ],
      },
      {
        title: "Latency",
        unit: "µs",
        bars: [
          { label: "c", value: 2 },
          { label: "d", value: 8 },
        ],
      },
    ]);
    const [a, b, c, d] = widths(svg);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeCloseTo((a ?? 0) / 2, 0);
    expect(d).toBe(a);
    expect(c).toBeCloseTo((d ?? 0) / 4, 0);
  });

  it("is a standalone SVG document whose height fits its bars", () => {
    const one = svgBarChart("T", [{ title: "P", unit: "u", bars: [{ label: "a", value: 1 }] }]);
    const three = svgBarChart("T", [
      { title: "P", unit: "u", bars: [1, 2, 3].map((value) => ({ label: `${value}`, value })) },
    ]);
    expect(one.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(one.trimEnd().endsWith("</svg>")).toBe(true);
    const height = (svg: string) => Number(/height="(\d+(?:\.\d+)?)" viewBox/.exec(svg)?.[1]);
    expect(height(three) - height(one)).toBe(2 * 24);
  });

  it("marks the highlighted bar and prints values beside the bars", () => {
    const svg = svgBarChart("T", [
      {
        title: "P",
        unit: "req/s",
        bars: [
          { label: "peer", value: 550 },
          { label: "ours", value: 9120, highlight: true },
        ],
      },
    ]);
    expect(svg.match(/fill="#2f6fde"/g)).toHaveLength(1);
    expect(svg).toContain(">9,120</text>");
    expect(svg).toContain(">550</text>");
  });

  it("escapes labels, so a title cannot break the markup", () => {
    const svg = svgBarChart('a <b> & "c"', [
      { title: "x<y", unit: "u", bars: [{ label: "&", value: 1 }] },
    ]);
    expect(svg).toContain("a &lt;b&gt; &amp; &quot;c&quot;");
    expect(svg).toContain(">x&lt;y (u)</text>");
    expect(svg).not.toMatch(/<b>/);
    expect(escapeXml("<&>")).toBe("&lt;&amp;&gt;");
  });

  it("draws no bar length for an all-zero panel instead of dividing by zero", () => {
    const svg = svgBarChart("T", [{ title: "P", unit: "u", bars: [{ label: "z", value: 0 }] }]);
    expect(widths(svg)).toEqual([0]);
    expect(svg).not.toContain("NaN");
  });
});
