/** Thousands separated, no decimals: "12,345". */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** Milliseconds with the precision a latency deserves: "0.42", "3.1", "57". */
export function formatMs(value: number): string {
  if (value < 1) return value.toFixed(2);
  if (value < 10) return value.toFixed(1);
  return Math.round(value).toString();
}

/** Microseconds per operation: "0.84", "12.3", "181". */
export function formatMicros(value: number): string {
  return formatMs(value);
}

/** A ratio as "0.93×". */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)}×`;
}

/** Bytes as "512 KB", "48.3 MB", "1.02 GB" (decimal units, as `ls -h --si`). */
export function formatBytes(value: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1000 && unit < units.length - 1) {
    scaled /= 1000;
    unit++;
  }
  const digits = unit === 0 || scaled >= 100 ? 0 : scaled >= 10 ? 1 : 2;
  return `${scaled.toFixed(digits)} ${units[unit]}`;
}

/** A share as "87%". */
export function formatPercent(value: number): string {
  return `${Math.round(value * 100)}%`;
}
