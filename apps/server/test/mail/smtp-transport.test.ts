import { createServer, type Server, type Socket } from "node:net";
import type { MailMessage, MailTransport } from "@sesame/auth";
import { smtpPoolOptions, smtpTransport } from "@sesame/trpc/mail";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SmtpInbox, startSmtpInbox } from "../support/smtp-inbox.ts";

const FROM = "Sesame <no-reply@sesame.test>";

function signInMail(to = "alice@example.com"): MailMessage {
  return {
    to,
    subject: "Sign in to Sesame",
    text: "Open this link to sign in: https://app.example.com/sign-in#token=t0k3n-abc\n",
    html: '<p><a href="https://app.example.com/sign-in#token=t0k3n-abc">Sign in</a></p>',
  };
}

/** The error `promise` rejects with, and how long it took. */
async function failure(promise: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error: error as Error, ms: performance.now() - started };
  }
  throw new Error("Expected the send to fail, but it succeeded.");
}

/** A port with nothing listening on it: taken from the OS, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts connections and never says a word: a wedged SMTP server. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("smtpTransport against a real SMTP server", () => {
  let inbox: SmtpInbox;
  const transports: MailTransport[] = [];
  const open = (options: Parameters<typeof smtpTransport>[0]) => {
    const transport = smtpTransport(options);
    transports.push(transport);
    return transport;
  };

  beforeEach(async () => {
    inbox = await startSmtpInbox();
  });
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((transport) => transport.close?.()));
    await inbox.close();
  });

  it("delivers both parts with subject, sender, Message-ID and Date, logged in with the URL's credentials", async () => {
    const before = Date.now();
    await open({ url: inbox.url, from: FROM }).send(signInMail());

    const mail = await inbox.waitFor((received) => received.to.includes("alice@example.com"));
    expect(mail.subject).toBe("Sign in to Sesame");
    expect(mail.from).toBe('"Sesame" <no-reply@sesame.test>');
    expect(mail.to).toEqual(["alice@example.com"]);
    expect(mail.text.trim()).toBe(signInMail().text.trim());
    expect(mail.html).toBe(signInMail().html);
    expect(mail.raw.toString()).toMatch(/Content-Type: multipart\/alternative/i);
    expect(mail.messageId).toMatch(/^<[0-9a-f-]{36}@sesame\.test>$/);
    // The Date header has whole seconds.
    expect(mail.date?.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(mail.date?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(inbox.logins).toEqual([{ username: "tester", password: "secret" }]);
    expect(mail.user).toBe("tester");
    expect(inbox.linkIn(mail)).toBe("https://app.example.com/sign-in#token=t0k3n-abc");
  });

  it("URL-decodes the credentials, so a password may hold @, : and /", async () => {
    const url = `smtp://us%40er:p%3As%40s%2Fw@127.0.0.1:${inbox.port}`;
    await open({ url, from: FROM }).send(signInMail());
    await inbox.waitFor();
    expect(inbox.logins).toEqual([{ username: "us@er", password: "p:s@s/w" }]);
  });

  it("sends without AUTH when the URL has no credentials", async () => {
    await open({ url: `smtp://127.0.0.1:${inbox.port}`, from: FROM }).send(signInMail());
    const mail = await inbox.waitFor();
    expect(inbox.logins).toEqual([]);
    expect(mail.user).toBeUndefined();
  });

  it("keeps one pooled connection for consecutive mails", async () => {
    const transport = open({ url: inbox.url, from: FROM });
    await transport.send(signInMail("a@example.com"));
    await transport.send(signInMail("b@example.com"));
    await transport.send(signInMail("c@example.com"));
    expect(inbox.messages.map((mail) => mail.to[0])).toEqual([
      "a@example.com",
      "b@example.com",
      "c@example.com",
    ]);
    expect(inbox.connections).toBe(1);
    // Each mail has its own id.
    expect(new Set(inbox.messages.map((mail) => mail.messageId)).size).toBe(3);
  });

  it("rejects on a 451 and does not retry it itself; the next send goes through", async () => {
    const transport = open({ url: inbox.url, from: FROM });
    inbox.failNext(1);
    const { error } = await failure(transport.send(signInMail()));
    expect((error as Error & { responseCode?: number }).responseCode).toBe(451);
    expect(inbox.messages).toHaveLength(0);

    await transport.send(signInMail());
    expect(inbox.messages).toHaveLength(1);
  });

  it("refuses a list of recipients: a sign-in link goes to one address", async () => {
    const transport = open({ url: inbox.url, from: FROM });
    const { error } = await failure(transport.send(signInMail("a@example.com, b@example.com")));
    expect(error.message).toMatch(/exactly one address/);
    expect(inbox.messages).toHaveLength(0);
  });

  it("rejects sends after close()", async () => {
    const transport = smtpTransport({ url: inbox.url, from: FROM });
    await transport.send(signInMail());
    await transport.close?.();
    await failure(transport.send(signInMail()));
    expect(inbox.messages).toHaveLength(1);
  });
});

describe("smtpTransport against a dead server", () => {
  const timeouts = { connectMs: 300, greetingMs: 300, socketMs: 300, sendMs: 2_000 };

  it("rejects at once when nothing listens on the port", async () => {
    const port = await closedPort();
    const transport = smtpTransport({ url: `smtp://127.0.0.1:${port}`, from: FROM, timeouts });
    try {
      const { error, ms } = await failure(transport.send(signInMail()));
      expect(error.message).toMatch(/ECONNREFUSED/);
      expect(ms).toBeLessThan(2_000);
    } finally {
      await transport.close?.();
    }
  });

  it("rejects after the greeting timeout when the server accepts but never answers", async () => {
    const silent = await silentServer();
    const transport = smtpTransport({
      url: `smtp://127.0.0.1:${silent.port}`,
      from: FROM,
      timeouts,
    });
    try {
      const { error, ms } = await failure(transport.send(signInMail()));
      expect((error as NodeJS.ErrnoException).code).toBe("ETIMEDOUT");
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(3_000);
    } finally {
      await transport.close?.();
      await silent.close();
    }
  });

  it("rejects by the send deadline whatever step hangs", async () => {
    const silent = await silentServer();
    const transport = smtpTransport({
      url: `smtp://127.0.0.1:${silent.port}`,
      from: FROM,
      timeouts: { connectMs: 60_000, greetingMs: 60_000, socketMs: 60_000, sendMs: 300 },
    });
    try {
      const { error, ms } = await failure(transport.send(signInMail()));
      expect(error.name).toBe("AbortError");
      expect(ms).toBeLessThan(3_000);
    } finally {
      await transport.close?.();
      await silent.close();
    }
  });
});

describe("smtpPoolOptions", () => {
  function refusal(url: string): string {
    try {
      smtpPoolOptions(url);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`Expected ${url} to be refused.`);
  }

  it("reads smtp:// as plain with STARTTLS when offered, on 587 by default", () => {
    const options = smtpPoolOptions("smtp://relay.internal");
    expect(options).toMatchObject({ pool: true, host: "relay.internal", port: 587, secure: false });
    expect(options.ignoreTLS).toBeUndefined();
    expect(options.requireTLS).toBe(false);
    expect(options.auth).toBeUndefined();
  });

  it("reads smtps:// as TLS from the start, on 465 by default", () => {
    const options = smtpPoolOptions("smtps://user:pass@smtp.example.com");
    expect(options).toMatchObject({ host: "smtp.example.com", port: 465, secure: true });
    expect(options.auth).toEqual({ user: "user", pass: "pass" });
  });

  it("requires STARTTLS before sending credentials over smtp:// to another machine, not to this one", () => {
    expect(smtpPoolOptions("smtp://user:pass@smtp.example.com:587").requireTLS).toBe(true);
    expect(smtpPoolOptions("smtp://user:pass@127.0.0.1:2525").requireTLS).toBe(false);
    expect(smtpPoolOptions("smtp://user:pass@localhost:2525").requireTLS).toBe(false);
    const ipv6 = smtpPoolOptions("smtp://user:pass@[::1]:2525");
    expect(ipv6).toMatchObject({ host: "::1", port: 2525, requireTLS: false });
  });

  it("bounds every step of a delivery and leaves retrying to the caller", () => {
    const options = smtpPoolOptions("smtp://relay.internal");
    expect(options).toMatchObject({
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 10_000,
      maxRequeues: 0,
    });
  });

  it("refuses anything but smtp:// and smtps:// with a host, in one sentence that hides the password", () => {
    for (const url of [
      "http://x",
      "smtp://",
      "not a url",
      "smtp://host:25/path",
      "smtp://host:25?requireTLS=false",
      "direct://host",
      "https://user:hunter2@smtp.example.com",
    ]) {
      const message = refusal(url);
      expect(message).toMatch(/^SMTP_URL must look like smtp:\/\/.*\.$/);
      expect(message).not.toContain("\n");
      expect(message).not.toContain("hunter2");
    }
  });
});
