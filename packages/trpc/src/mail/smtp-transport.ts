import type { MailTransport } from "@sesame/auth";
import { createTransport } from "nodemailer";
import type { SMTPPoolOptions } from "nodemailer/lib/smtp-pool";
import { senderMailbox } from "./mailbox.ts";
import { mimeMessage } from "./mime-message.ts";

/**
 * How long each step of talking to the SMTP server may take. A dead or
 * wedged server must fail a send (the core's queue then retries it later)
 * rather than hold it forever: nodemailer's own defaults are minutes long.
 */
export interface SmtpTimeouts {
  /** Opening the TCP (or TLS) connection, DNS included. */
  connectMs: number;
  /** From connected to the server's 220 greeting. */
  greetingMs: number;
  /** Silence on an open connection, e.g. a server that stops answering mid-DATA. */
  socketMs: number;
  /**
   * The whole send, queueing in the pool included: a server that trickles
   * its replies byte by byte never trips the socket timeout, this catches it.
   */
  sendMs: number;
}

export const SMTP_TIMEOUTS: SmtpTimeouts = {
  connectMs: 10_000,
  greetingMs: 10_000,
  socketMs: 10_000,
  sendMs: 60_000,
};

const URL_SHAPE =
  "SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465 (credentials optional, nothing after the port).";

/** Hosts on this machine: nothing on the way to them can read or strip anything. */
function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The nodemailer pool options for an `smtp://` or `smtps://` URL; throws one
 * sentence for any other. The URL is parsed here, not by nodemailer, so that
 * what is accepted is exactly what is documented (nodemailer would also take
 * `direct:` and options in the query string), and the error never repeats the
 * URL, which holds the password.
 */
export function smtpPoolOptions(
  url: string,
  timeouts: SmtpTimeouts = SMTP_TIMEOUTS,
): SMTPPoolOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(URL_SHAPE);
  }
  const secure = parsed.protocol === "smtps:";
  if (
    (parsed.protocol !== "smtp:" && !secure) ||
    !parsed.hostname ||
    (parsed.pathname !== "" && parsed.pathname !== "/") ||
    parsed.search ||
    parsed.hash
  ) {
    throw new Error(URL_SHAPE);
  }
  // `[::1]` in a URL, `::1` to a socket.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  // URL keeps userinfo percent-encoded: a password with `@` or `:` is written %40 / %3A.
  let user: string;
  let pass: string;
  try {
    user = decodeURIComponent(parsed.username);
    pass = decodeURIComponent(parsed.password);
  } catch {
    throw new Error(URL_SHAPE);
  }
  const auth = user || pass ? { user, pass } : undefined;

  return {
    pool: true,
    host,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    // smtps:// is TLS from the first byte. smtp:// starts plain and nodemailer
    // upgrades with STARTTLS whenever the server offers it (never ignoreTLS:
    // that would send in clear to a server that can encrypt).
    secure,
    // STARTTLS is only offered, so someone on the path can strip the offer and
    // read the password and every sign-in link. With credentials to another
    // machine, the upgrade is required instead; a local relay (or the test
    // inbox, which offers no STARTTLS) stays usable in plain.
    requireTLS: !secure && auth !== undefined && !isLoopback(host),
    ...(auth ? { auth } : {}),
    connectionTimeout: timeouts.connectMs,
    dnsTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    // An idle pooled connection would otherwise outlive the socket timeout and
    // end as a timeout error; closing it first ends it with a polite QUIT.
    idleTimeout: Math.floor(timeouts.socketMs / 2),
    // One attempt per send: a connection lost mid-delivery fails the send, and
    // the core's queue decides when to try again (nodemailer would otherwise
    // requeue up to 5 times inside a promise the caller is waiting on).
    maxRequeues: 0,
  };
}

/**
 * A MailTransport over SMTP: one pool of connections for the process (a
 * handshake, TLS and AUTH per mail would cost more than the mail), closed
 * by `close()` at shutdown.
 */
export function smtpTransport(options: {
  url: string;
  from: string;
  timeouts?: Partial<SmtpTimeouts>;
}): MailTransport {
  const timeouts = { ...SMTP_TIMEOUTS, ...options.timeouts };
  const from = senderMailbox(options.from);
  const transporter = createTransport(smtpPoolOptions(options.url, timeouts));

  return {
    async send(message) {
      const info = await transporter.sendMail({
        ...mimeMessage(message, from),
        signal: AbortSignal.timeout(timeouts.sendMs),
      });
      // With one recipient nodemailer fails the send itself when it is refused;
      // this keeps "resolved" meaning "accepted for the recipient" regardless.
      if (info.rejected.length > 0) {
        throw new Error(`The SMTP server refused the recipient: ${info.response}`);
      }
    },
    async close() {
      transporter.close();
    },
  };
}
