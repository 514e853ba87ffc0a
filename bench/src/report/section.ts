/** One numbered item of the list, as the report shows it. */
export interface Section {
  /** "1–2", "3", … as numbered in the issue. */
  number: string;
  title: string;
  /** What is measured and how, in a sentence or two. */
  method: string;
  table: Table;
  targets: TargetResult[];
  /** What the numbers mean, what limits them, what was tried. */
  notes: string[];
  chart?: ChartPanel;
}

export interface Table {
  columns: string[];
  /** Leading columns that hold text (left-aligned); the rest hold numbers. Default 1. */
  textColumns?: number;
  /** Cells already formatted; one array per row, as long as `columns`. */
  rows: string[][];
}

export interface TargetResult {
  /** The target as the issue states it. */
  target: string;
  /** What this run measured, formatted. */
  measured: string;
  met: boolean;
}

/** A group of bars on one scale in the chart. */
export interface ChartPanel {
  title: string;
  /** Unit of the values, shown after each value ("req/s", "µs"). */
  unit: string;
  bars: ChartBar[];
}

export interface ChartBar {
  label: string;
  value: number;
  /** Drawn in the accent colour: Sesame's own figure. */
  highlight?: boolean;
}
