import { onTestFinished } from "vitest";
import { type ReceivedMail, type SmtpInbox, startSmtpInbox } from "./smtp-inbox.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

export interface MailTestServer {
  server: TestServer;
  inbox: SmtpInbox;
  /**
   * The next mail to `to` whose subject is `subject`, not handed out before
   * (so a second request's mail is told from the first's), with its link
   * and the link's token as a person would read them.
   */
  nextMail(to: string, subject: string): Promise<OpenedMail>;
  /** Mails to `to` received so far. */
  mailsTo(to: string): ReceivedMail[];
}

export interface OpenedMail {
  mail: ReceivedMail;
  link: string;
  token: string;
}

/** The subjects the server's mails carry. */
export const SUBJECT = {
  verify: "Confirm your email address",
  reset: "Reset your password",
  resetNotice: "Your password was reset",
  signIn: "Your sign-in link",
  change: "Confirm your new email address",
  changeNotice: "Your email address is about to change",
} as const;

/**
 * A test server that sends its mail over real SMTP to a real SMTP server in
 * this process (smtp-inbox.ts), retrying failed sends after 50 ms: the tests
 * read links out of received mail like a person would.
 */
export async function startMailTestServer(
  env: Record<string, string> = {},
): Promise<MailTestServer> {
  const inbox = await startSmtpInbox();
  const server = await startTestServer(
    { SMTP_URL: inbox.url, MAIL_FROM: "Sesame <no-reply@sesame.test>", ...env },
    "test",
    { mailRetryDelaysMs: [50, 50, 50] },
  );
  // After the test's afterEach hooks, so after the server has closed (which waits for mail in flight).
  onTestFinished(() => inbox.close());
  const handedOut = new Set<ReceivedMail>();
  return {
    server,
    inbox,
    mailsTo: (to) => inbox.messages.filter((mail) => mail.to.includes(to)),
    async nextMail(to, subject) {
      const mail = await inbox.waitFor(
        (m) => m.to.includes(to) && m.subject === subject && !handedOut.has(m),
        { timeoutMs: 5_000 },
      );
      handedOut.add(mail);
      const link = inbox.linkIn(mail);
      return { mail, link, token: tokenOf(link) };
    },
  };
}

/** The token in a link's `#token=` fragment. */
export function tokenOf(link: string): string {
  const hash = new URL(link).hash;
  if (!hash.startsWith("#token=")) throw new Error(`No #token= in ${link}`);
  return hash.slice("#token=".length);
}
