import type { AuditRecord, MailboxTakeover } from "@sesame/auth";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { identities, passkeys } from "../schema.ts";

/**
 * Removes the ways in a mailbox takeover names (MailboxTakeover): every
 * passkey of the user, and every identity but those whose provider verified
 * the proven address, each with its audit event. Call inside the write job
 * of the password change, so they commit as one.
 */
export function applyMailboxTakeover(
  db: Db,
  insertAudit: (event: AuditRecord) => void,
  userId: string,
  takeover: MailboxTakeover,
): void {
  const removedIdentities = db
    .delete(identities)
    .where(
      and(
        eq(identities.userId, userId),
        // `IS`: an identity without an address vouches for none.
        sql`NOT (${identities.email} IS ${takeover.email} AND ${identities.emailVerified} = 1)`,
      ),
    )
    .returning({ provider: identities.provider })
    .all();
  for (const { provider } of removedIdentities) {
    insertAudit({ ...takeover.identityAudit, detail: { provider } });
  }
  const removedPasskeys = db
    .delete(passkeys)
    .where(eq(passkeys.userId, userId))
    .returning({ id: passkeys.id })
    .all();
  for (const _ of removedPasskeys) insertAudit(takeover.passkeyAudit);
}
