import type { MailboxTakeover } from "@sesame/auth";
import type { PgTx } from "../pg-client.ts";
import { insertAudit } from "./pg-audit-insert.ts";

/**
 * Removes the ways in a mailbox takeover names (MailboxTakeover): every
 * passkey of the user, and every identity but those whose provider verified
 * the proven address, each with its audit event, in the transaction of the
 * password change, after it took the user's row lock. Each delete reads what
 * was committed when it ran.
 */
export async function applyMailboxTakeover(
  tx: PgTx,
  userId: string,
  takeover: MailboxTakeover,
): Promise<void> {
  const removedIdentities = await tx<{ provider: string }[]>`
    DELETE FROM identities
    WHERE user_id = ${userId}
      AND NOT (email IS NOT DISTINCT FROM ${takeover.email} AND email_verified)
    RETURNING provider`;
  for (const { provider } of removedIdentities) {
    await insertAudit(tx, { ...takeover.identityAudit, detail: { provider } });
  }
  const removedPasskeys = await tx`DELETE FROM passkeys WHERE user_id = ${userId} RETURNING id`;
  for (const _ of removedPasskeys) await insertAudit(tx, takeover.passkeyAudit);
}
