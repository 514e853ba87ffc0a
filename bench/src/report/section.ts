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
  /** A chart over time, in a file of its own next to the doc (the soak's), linked from the section. */
  timeChart?: TimeChart;
  /**
   * Set on a section measured by a command of its own (the soak, `--soak`)
   * rather than by the run the doc describes: each kind of run keeps the
   * other's last sections when it rewrites the docs.
   */
  measuredApart?: { command: string; date: string; seconds: number };
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

/** Stacked panels over one shared time axis, each on its own scale from zero. */
export interface TimeChart {
  /** File name in docs/, e.g. "benchmarks-soak.svg". */
  file: string;
  title: string;
  /** Vertical lines across every panel, e.g. where the warm-up ends. */
  markers: TimeMarker[];
  panels: TimePanel[];
}

export interface TimeMarker {
  /** Seconds from the start of the run. */
  seconds: number;
  label: string;
}

export interface TimePanel {
  title: string;
  /** Unit of the values ("MB", "ms"). */
  unit: string;
  points: TimePoint[];
}

export interface TimePoint {
  /** Seconds from the start of the run. */
  seconds: number;
  value: number;
}
