/**
 * @sesame/trpc/mail — how mail leaves: SMTP through nodemailer, or the
 * development outbox folder (one .eml file each).
 */
export { DEFAULT_MAIL_FROM, mailTransportFromEnv } from "./mail-transport-from-env.ts";
export { type Mailbox, parseMailbox, senderMailbox } from "./mailbox.ts";
export { outboxTransport } from "./outbox-transport.ts";
export {
  SMTP_TIMEOUTS,
  type SmtpTimeouts,
  smtpPoolOptions,
  smtpTransport,
} from "./smtp-transport.ts";
