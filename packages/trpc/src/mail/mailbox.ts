import addressparser from "nodemailer/lib/addressparser";

/** One address as nodemailer takes it: it encodes a non-ASCII name itself. */
export interface Mailbox {
  name: string;
  address: string;
}

/**
 * Reads `value` as exactly one mailbox (`Name <local@domain>` or a bare
 * `local@domain`), with nodemailer's own parser, so what is accepted here is
 * what nodemailer will write into the header; undefined for anything else. A
 * list or a group is refused: a sign-in link must reach one recipient, and a
 * sender is one address.
 */
export function parseMailbox(value: string): Mailbox | undefined {
  const entries = addressparser(value);
  if (entries.length !== 1) return undefined;
  const [entry] = entries;
  // addressparser is lenient: `nobody` comes back as a name with an empty address.
  if (!entry || entry.group || !/^[^\s@<>]+@[^\s@<>]+$/.test(entry.address)) return undefined;
  return { name: entry.name, address: entry.address };
}

/** Like {@link parseMailbox}, for a sender from the configuration: one sentence if it is not one. */
export function senderMailbox(value: string, setting = "MAIL_FROM"): Mailbox {
  const mailbox = parseMailbox(value);
  if (!mailbox) {
    throw new Error(
      `${setting} must be one e-mail address, optionally with a name, e.g. "Sesame <no-reply@example.com>"; got ${JSON.stringify(value)}.`,
    );
  }
  return mailbox;
}
