import { retiredKeyDropsAt, type SigningKeyRecord } from "@sesame/auth";

/** What may be shown about a key: its id, algorithm and life, never key material. */
export interface KeySummary {
  kid: string;
  alg: string;
  status: string;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  /** When a retired key leaves the JWKS (its last token has expired by then). */
  dropsAt: string | null;
}

const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString();

/** Summaries of a key set. Built field by field, so no private member can slip through. */
export function summarizeKeys(
  records: readonly SigningKeyRecord[],
  retentionSeconds: number,
): KeySummary[] {
  return records.map((record) => ({
    kid: record.kid,
    alg: record.alg,
    status: record.status,
    createdAt: iso(record.createdAt) ?? "",
    activatedAt: iso(record.activatedAt),
    retiredAt: iso(record.retiredAt),
    dropsAt: iso(retiredKeyDropsAt(record, retentionSeconds)),
  }));
}

/** The summaries as an aligned text table. */
export function formatKeyTable(summaries: readonly KeySummary[]): string {
  const header = ["STATUS", "ALG", "KID", "CREATED", "ACTIVATED", "RETIRED", "DROPPED AFTER"];
  const rows = summaries.map((s) => [
    s.status,
    s.alg,
    s.kid,
    s.createdAt,
    s.activatedAt ?? "-",
    s.retiredAt ?? "-",
    s.dropsAt ?? "-",
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
