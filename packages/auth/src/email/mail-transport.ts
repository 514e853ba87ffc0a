/** One mail as the core writes it: one recipient, a text part and an HTML part. */
export interface MailMessage {
  to: string;
  subject: string;
  /** The plain-text part; a mail that carries a link holds exactly one. */
  text: string;
  html: string;
}

/**
 * How mail leaves the process (SMTP in production, the dev outbox folder
 * without `SMTP_URL`): the server provides one. `send` resolves once the
 * transport has accepted the mail and rejects on any failure; retrying is
 * the caller's (email/mail-queue.ts).
 */
export interface MailTransport {
  send(message: MailMessage): Promise<void>;
  /** Releases connections; called once, at shutdown. */
  close?(): Promise<void>;
}
