import type { ChartPanel } from "./section.ts";

const WIDTH = 820;
const MARGIN = 16;
const LABEL_WIDTH = 300;
const VALUE_WIDTH = 130;
const BAR_AREA = WIDTH - 2 * MARGIN - LABEL_WIDTH - VALUE_WIDTH;
const BAR_HEIGHT = 18;
const BAR_GAP = 6;
const TITLE_HEIGHT = 36;
const PANEL_TITLE_HEIGHT = 26;
const PANEL_GAP = 14;
const COLORS = { bar: "#9aa5b1", highlight: "#2f6fde", text: "#1f2933", muted: "#52606d" };

/**
 * A horizontal bar chart as a standalone SVG document: one panel per group,
 * each on its own linear scale from zero (so a bar's length compares only
 * with the bars beside it), the value printed after each bar. No fonts or
 * scripts are fetched; it renders the same in a browser and on GitHub.
 */
export function svgBarChart(title: string, panels: ChartPanel[]): string {
  const parts: string[] = [];
  let y = MARGIN + TITLE_HEIGHT;
  parts.push(text(MARGIN, MARGIN + 20, title, { size: 18, weight: "bold" }));
  for (const panel of panels) {
    parts.push(
      text(MARGIN, y + 17, `${panel.title} (${panel.unit})`, { size: 14, weight: "bold" }),
    );
    y += PANEL_TITLE_HEIGHT;
    const max = Math.max(0, ...panel.bars.map((bar) => bar.value));
    for (const bar of panel.bars) {
      const length = max > 0 ? Math.max(1, (bar.value / max) * BAR_AREA) : 0;
      const middle = y + BAR_HEIGHT / 2 + 4;
      parts.push(
        text(MARGIN + LABEL_WIDTH - 8, middle, bar.label, { size: 12, anchor: "end" }),
        `<rect x="${MARGIN + LABEL_WIDTH}" y="${y}" width="${round(length)}" height="${BAR_HEIGHT}" rx="2" fill="${bar.highlight ? COLORS.highlight : COLORS.bar}"/>`,
        text(MARGIN + LABEL_WIDTH + length + 6, middle, formatValue(bar.value), {
          size: 12,
          color: COLORS.muted,
        }),
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += PANEL_GAP;
  }
  const height = round(y + MARGIN - PANEL_GAP);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" role="img" aria-label="${escapeXml(title)}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

interface TextStyle {
  size: number;
  weight?: "bold";
  anchor?: "end";
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

/** Values as a reader wants them next to a bar: "9,120", "48.2", "0.91". */
function formatValue(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString("en-US");
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export function escapeXml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}
