import type { TimeChart, TimePanel } from "./section.ts";
import { escapeXml } from "./svg-bar-chart.ts";

const WIDTH = 820;
const MARGIN = 16;
const TITLE_HEIGHT = 36;
const PANEL_TITLE_HEIGHT = 22;
const PLOT_HEIGHT = 110;
const AXIS_LABEL_WIDTH = 56;
const TIME_LABEL_HEIGHT = 20;
const PANEL_GAP = 14;
const PLOT_LEFT = MARGIN + AXIS_LABEL_WIDTH;
const PLOT_RIGHT = WIDTH - MARGIN - 8;
const COLORS = {
  line: "#2f6fde",
  grid: "#e4e7eb",
  marker: "#9aa5b1",
  text: "#1f2933",
  muted: "#52606d",
};
/** Candidate spacings of the time ticks, in seconds; the first giving at most 10 ticks is used. */
const TIME_STEPS = [5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * Line charts over time as a standalone SVG document: the panels are stacked
 * and share one time axis (labelled under the last), each on its own linear
 * scale from zero, so a slow climb shows as a slope against its own size
 * rather than being magnified by a scale that starts near the values.
 * Markers (the end of warm-up) cross every panel. Like svgBarChart, nothing
 * is fetched: it renders the same in a browser and on GitHub.
 */
export function svgLineChart(chart: Omit<TimeChart, "file">): string {
  const end = Math.max(
    0,
    ...chart.panels.flatMap((panel) => panel.points.map((p) => p.seconds)),
    ...chart.markers.map((m) => m.seconds),
  );
  const x = (seconds: number) =>
    end > 0 ? PLOT_LEFT + (seconds / end) * (PLOT_RIGHT - PLOT_LEFT) : PLOT_LEFT;
  const step = TIME_STEPS.find((s) => end / s <= 10) ?? (TIME_STEPS.at(-1) as number);
  const ticks: number[] = [];
  for (let t = 0; t <= end; t += step) ticks.push(t);

  const parts: string[] = [text(MARGIN, MARGIN + 20, chart.title, { size: 18, weight: "bold" })];
  let y = MARGIN + TITLE_HEIGHT;
  for (const [index, panel] of chart.panels.entries()) {
    parts.push(
      text(MARGIN, y + 15, `${panel.title} (${panel.unit})`, { size: 14, weight: "bold" }),
    );
    y += PANEL_TITLE_HEIGHT;
    parts.push(...plot(panel, y, x, ticks));
    for (const marker of chart.markers) {
      const at = round(x(marker.seconds));
      parts.push(
        `<line x1="${at}" y1="${y}" x2="${at}" y2="${y + PLOT_HEIGHT}" stroke="${COLORS.marker}" stroke-dasharray="4 3"/>`,
      );
      // Labelled once, in the first panel, where it does not cover a line's start.
      if (index === 0) {
        parts.push(text(at + 4, y + 12, marker.label, { size: 11, color: COLORS.muted }));
      }
    }
    y += PLOT_HEIGHT;
    if (index === chart.panels.length - 1) {
      for (const tick of ticks) {
        parts.push(
          text(x(tick), y + 15, formatTime(tick), {
            size: 11,
            anchor: "middle",
            color: COLORS.muted,
          }),
        );
      }
      y += TIME_LABEL_HEIGHT;
    }
    y += PANEL_GAP;
  }
  const height = round(y + MARGIN - PANEL_GAP);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" role="img" aria-label="${escapeXml(chart.title)}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

/** One panel's grid, value labels and line, its plot area starting at `top`. */
function plot(
  panel: TimePanel,
  top: number,
  x: (seconds: number) => number,
  ticks: number[],
): string[] {
  const max = niceCeiling(Math.max(0, ...panel.points.map((p) => p.value)));
  const y = (value: number) => top + PLOT_HEIGHT - (value / max) * PLOT_HEIGHT;
  const parts: string[] = [];
  for (const value of [0, max / 2, max]) {
    const at = round(y(value));
    parts.push(
      `<line x1="${PLOT_LEFT}" y1="${at}" x2="${PLOT_RIGHT}" y2="${at}" stroke="${COLORS.grid}"/>`,
      text(PLOT_LEFT - 6, at + 4, formatValue(value), {
        size: 11,
        anchor: "end",
        color: COLORS.muted,
      }),
    );
  }
  for (const tick of ticks) {
    const at = round(x(tick));
    parts.push(
      `<line x1="${at}" y1="${top}" x2="${at}" y2="${top + PLOT_HEIGHT}" stroke="${COLORS.grid}"/>`,
    );
  }
  if (panel.points.length > 0) {
    const points = panel.points.map((p) => `${round(x(p.seconds))},${round(y(p.value))}`);
    parts.push(
      `<polyline points="${points.join(" ")}" fill="none" stroke="${COLORS.line}" stroke-width="1.5" stroke-linejoin="round"/>`,
    );
  }
  return parts;
}

/** The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value`: a scale top with round gridline labels. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const factor = [1, 2, 2.5, 5, 10].find((f) => f * power >= value) ?? 10;
  return factor * power;
}

/** Seconds as "m:ss" from the start. */
function formatTime(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function formatValue(value: number): string {
  if (value >= 100 || value === 0) return Math.round(value).toLocaleString("en-US");
  if (value >= 10) return value.toFixed(1).replace(/\.0$/, "");
  return value.toFixed(2).replace(/\.?0+$/, "");
}

interface TextStyle {
  size: number;
  weight?: "bold";
  anchor?: "middle" | "end";
  color?: string;
}

function text(x: number, y: number, content: string, style: TextStyle): string {
  const attributes = [
    `x="${round(x)}"`,
    `y="${round(y)}"`,
    `font-size="${style.size}"`,
    `fill="${style.color ?? COLORS.text}"`,
    style.weight ? `font-weight="${style.weight}"` : "",
    style.anchor ? `text-anchor="${style.anchor}"` : "",
  ].filter(Boolean);
  return `<text ${attributes.join(" ")}>${escapeXml(content)}</text>`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
