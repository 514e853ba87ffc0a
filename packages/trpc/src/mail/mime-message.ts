import { randomUUID } from "node:crypto";
import type { MailMessage } from "@sesame/auth";
import type { SendMailOptions } from "nodemailer/lib/mailer";
import { type Mailbox, parseMailbox } from "./mailbox.ts";

/**
 * The nodemailer message for one of the core's mails, the same for every
 * transport so the dev outbox holds exactly what SMTP would have sent: both
 * parts (multipart/alternative, text first, so a client that cannot show HTML
 * shows the text), and a Message-ID and Date set here rather than left to
 * whichever layer adds them, so both are known and the same on every copy.
 */
export function mimeMessage(
  message: MailMessage,
  from: Mailbox,
  now = new Date(),
): SendMailOptions & { to: Mailbox } {
  const to = parseMailbox(message.to);
  if (!to) {
    // The core sends each mail to one account's address; a list here would leak a sign-in link.
    throw new Error(
      `A mail goes to exactly one address; ${JSON.stringify(message.to)} is not one.`,
    );
  }
  const domain = from.address.slice(from.address.lastIndexOf("@") + 1);
  return {
    from,
    to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    // The sender's domain, as RFC 5322 suggests, makes the id unique beyond this server.
    messageId: `<${randomUUID()}@${domain}>`,
    date: now,
  };
}
