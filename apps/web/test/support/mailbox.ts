import {
  type ReceivedMail,
  type SmtpInbox,
  startSmtpInbox,
} from "../../../server/test/support/smtp-inbox.ts";

/** The subjects of the mails that carry a link. */
export const SUBJECT = {
  verify: "Confirm your email address",
  reset: "Reset your password",
  signIn: "Your sign-in link",
  change: "Confirm your new email address",
} as const;

const LINK_SHAPE = /^\/(verify-email|reset-password|confirm-email|sign-in-link)#token=[\w-]+$/;

/**
 * The mail a test's Sesame sent over SMTP, to the server tests' in-process
 * SMTP server, read as a person reads it: the next mail to an address with
 * a subject, and the one link in it.
 */
export class Mailbox {
  private readonly read = new Set<ReceivedMail>();

  private constructor(
    readonly inbox: SmtpInbox,
    private readonly origin: string,
  ) {}

  /** An inbox listening, and a Sesame started with `start(smtpUrl)` sending to it. */
  static async open<T extends { server: { issuer: string } }>(
    start: (smtpUrl: string) => Promise<T>,
  ): Promise<{ app: T; mailbox: Mailbox }> {
    const inbox = await startSmtpInbox();
    try {
      const app = await start(inbox.url);
      return { app, mailbox: new Mailbox(inbox, app.server.issuer) };
    } catch (error) {
      await inbox.close();
      throw error;
    }
  }

  /** How many mails with `subject` reached `to` so far. */
  count(to: string, subject: string): number {
    return this.inbox.messages.filter((mail) => mail.to.includes(to) && mail.subject === subject)
      .length;
  }

  /**
   * The link in the next mail to `to` titled `subject` not read before (so
   * a second request's mail is told from the first's), as a path in the app:
   * `/reset-password#token=…`. The server names itself `http://localhost:PORT`
   * in links (it has no PUBLIC_URL: its port is picked at start), while the
   * browser is at 127.0.0.1; the path and the fragment are what the page reads.
   */
  async nextLink(to: string, subject: string): Promise<string> {
    const mail = await this.inbox.waitFor(
      (m) => m.to.includes(to) && m.subject === subject && !this.read.has(m),
      { timeoutMs: 10_000 },
    );
    this.read.add(mail);
    const link = new URL(this.inbox.linkIn(mail));
    const path = `${link.pathname}${link.hash}`;
    if (link.origin !== this.origin || link.search !== "" || !LINK_SHAPE.test(path)) {
      throw new Error(`Not a link of the documented form <PUBLIC_URL>/<page>#token=…: ${link}`);
    }
    return path;
  }

  close(): Promise<void> {
    return this.inbox.close();
  }
}
