import type { AddressInfo } from "node:net";
import { type AddressObject, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";

/** One received mail, as a test reads it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  date: Date | undefined;
  messageId: string | undefined;
  /** The SMTP user the client authenticated as, if it did. */
  user: string | undefined;
  /** The message as it came over the wire. */
  raw: Buffer;
}

/** The credentials a client presented to `AUTH`. */
export interface SmtpLogin {
  username: string;
  password: string;
}

export interface SmtpInbox {
  /** `smtp://tester:secret@127.0.0.1:PORT`: credentials are accepted, whatever they are. */
  url: string;
  port: number;
  messages: ReceivedMail[];
  logins: SmtpLogin[];
  /** SMTP sessions opened so far: a pooled client opens one for many mails. */
  readonly connections: number;
  /** The first mail, already here or still to come, that `predicate` accepts. */
  waitFor(
    predicate?: (mail: ReceivedMail) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<ReceivedMail>;
  /** The one http(s) link in the text part; throws unless there is exactly one. */
  linkIn(mail: ReceivedMail): string;
  /** The next `n` deliveries end with 451, a temporary failure, as a busy server would answer. */
  failNext(n: number): void;
  close(): Promise<void>;
}

function addresses(header: AddressObject | AddressObject[] | undefined): string[] {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return objects.flatMap((object) => object.value.flatMap((entry) => entry.address ?? []));
}

/** A raw RFC 5322 message, parsed the way a mail client would (also for the outbox's files). */
export async function parseMail(raw: Buffer, user?: string): Promise<ReceivedMail> {
  const parsed = await simpleParser(raw);
  return {
    from: parsed.from?.text ?? "",
    to: addresses(parsed.to),
    subject: parsed.subject ?? "",
    text: parsed.text ?? "",
    html: parsed.html || "",
    date: parsed.date,
    messageId: parsed.messageId,
    user,
    raw,
  };
}

const LINK = /https?:\/\/[^\s<>"']+/g;

export function linkIn(mail: ReceivedMail): string {
  // A link closing a sentence keeps its URL, not the full stop after it.
  const links = [...mail.text.matchAll(LINK)].map(([link]) => link.replace(/[.,;:!?)\]]+$/, ""));
  if (links.length !== 1) {
    throw new Error(
      `Expected exactly one link in the text of "${mail.subject}", found ${links.length}: ${JSON.stringify(links)}`,
    );
  }
  return links[0] as string;
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A real SMTP server on 127.0.0.1 and a free port, so a transport is tested
 * over the wire (greeting, EHLO, AUTH, DATA) rather than against a mock.
 * Plain SMTP only: STARTTLS is disabled, it would need a certificate, and
 * nodemailer then stays in plain to a loopback host.
 */
export async function startSmtpInbox(): Promise<SmtpInbox> {
  const messages: ReceivedMail[] = [];
  const logins: SmtpLogin[] = [];
  const waiters = new Set<() => void>();
  let failures = 0;
  let connections = 0;

  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    // AUTH is offered and any credentials pass, but a client may also skip it.
    authOptional: true,
    // Without TLS, smtp-server refuses AUTH unless told this is fine.
    allowInsecureAuth: true,
    logger: false,
    // A client still connected at close() (a pool not closed) costs a second, not thirty.
    closeTimeout: 1_000,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      logins.push({ username: auth.username ?? "", password: auth.password ?? "" });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      readAll(stream).then(
        async (raw) => {
          if (failures > 0) {
            failures -= 1;
            const error = Object.assign(new Error("Try again later (failNext)"), {
              responseCode: 451,
            });
            callback(error);
            return;
          }
          const user = typeof session.user === "string" ? session.user : undefined;
          messages.push(await parseMail(raw, user));
          callback();
          for (const wake of waiters) wake();
        },
        (error: Error) => callback(error),
      );
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // An error after listening (a client misbehaving) must not crash the test run.
  server.on("error", () => {});
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://tester:secret@127.0.0.1:${port}`,
    port,
    messages,
    logins,
    get connections() {
      return connections;
    },
    waitFor(predicate = () => true, { timeoutMs = 5_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const arrived = messages.map((mail) => `to ${mail.to.join(", ")}: "${mail.subject}"`);
          reject(
            new Error(
              `No matching mail within ${timeoutMs} ms; ${messages.length} arrived${arrived.length ? `: ${arrived.join("; ")}` : ""}.`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    linkIn,
    failNext(n) {
      failures = n;
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
