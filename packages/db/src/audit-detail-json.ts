import { type AuditDetail, auditDetailSchema } from "@sesame/auth";

/**
 * An audit event's detail as its `detail` column holds it, on both backends:
 * JSON with the keys in a fixed (sorted) order and nothing undefined, so two
 * equal details are equal text and a fold can compare them in SQL. No detail,
 * or an empty one, is NULL.
 */
export function encodeAuditDetail(detail: AuditDetail | undefined): string | null {
  if (detail === undefined) return null;
  const fields = Object.entries(detail)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return fields.length === 0 ? null : JSON.stringify(Object.fromEntries(fields));
}

/**
 * The detail a column holds, or undefined for NULL. Read through the wire
 * schema, so a row written by a later version with fields this one does not
 * know answers the fields it does, and a damaged one answers none rather
 * than failing the whole page of the audit log.
 */
export function decodeAuditDetail(column: string | null): AuditDetail | undefined {
  if (column === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(column);
  } catch {
    return undefined;
  }
  const detail = auditDetailSchema.safeParse(parsed);
  return detail.success ? detail.data : undefined;
}
