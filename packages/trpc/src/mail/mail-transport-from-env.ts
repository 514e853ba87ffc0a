import { join } from "node:path";
import type { MailTransport } from "@sesame/auth";
import { senderMailbox } from "./mailbox.ts";
import { outboxTransport } from "./outbox-transport.ts";
import { smtpTransport } from "./smtp-transport.ts";

/** A sender that needs no configuration; the outbox never sends it anywhere. */
export const DEFAULT_MAIL_FROM = "Sesame <no-reply@localhost>";

/**
 * How this deployment sends mail: over SMTP when `SMTP_URL` is set, else
 * into the outbox folder (MAIL_OUTBOX_DIR, by default `outbox/` beside the
 * database), so a fresh checkout can sign in by opening the
 * mail from the folder. Both settings are checked here, at start, so a
 * mistake is one sentence at boot rather than a failed sign-in later.
 */
export function mailTransportFromEnv(
  env: { SMTP_URL?: string; MAIL_FROM?: string; MAIL_OUTBOX_DIR?: string },
  dataDir: string,
  log: (line: string) => void,
): MailTransport {
  // An empty variable (`SMTP_URL=` in a compose file) counts as unset, as elsewhere in env.ts.
  const url = env.SMTP_URL?.trim() || undefined;
  const from = env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
  senderMailbox(from);
  if (url) return smtpTransport({ url, from });
  return outboxTransport({ dir: env.MAIL_OUTBOX_DIR ?? join(dataDir, "outbox"), from, log });
}
