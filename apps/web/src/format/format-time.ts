const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const absolute = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat("en", { dateStyle: "long" });
const clock = new Intl.DateTimeFormat("en", { timeStyle: "medium" });

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

/** "just now", "5 minutes ago", "in 3 days". */
export function formatRelative(iso: string, nowMs: number): string {
  const seconds = Math.round((new Date(iso).getTime() - nowMs) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(Math.round(seconds / 60), "minute");
}

export const formatDateTime = (iso: string): string => absolute.format(new Date(iso));

const timeOnly = new Intl.DateTimeFormat("en", { timeStyle: "short" });

/**
 * The ends of a span of time, for a row that stands for several events: the
 * last without its date when both fall on one day ("Jan 3, 2026, 10:02 AM" to
 * "10:31 AM"); `to` is undefined when both read the same.
 */
export function formatDateTimeSpan(fromIso: string, toIso: string): { from: string; to?: string } {
  const [from, to] = [new Date(fromIso), new Date(toIso)];
  const start = absolute.format(from);
  const end = from.toDateString() === to.toDateString() ? timeOnly.format(to) : absolute.format(to);
  return start === absolute.format(to) ? { from: start } : { from: start, to: end };
}
export const formatDate = (iso: string): string => dateOnly.format(new Date(iso));
export const formatClock = (epochSeconds: number): string =>
  clock.format(new Date(epochSeconds * 1000));

/** "1:05" for a countdown. */
export function formatCountdown(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}
