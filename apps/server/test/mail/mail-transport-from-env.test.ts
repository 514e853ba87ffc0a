import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MailMessage, MailTransport } from "@sesame/auth";
import { mailTransportFromEnv } from "@sesame/trpc/mail";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseMail, type SmtpInbox, startSmtpInbox } from "../support/smtp-inbox.ts";

const mail: MailMessage = {
  to: "bob@example.com",
  subject: "Your sign-in link",
  text: "https://app.example.com/sign-in#token=abc\n",
  html: '<a href="https://app.example.com/sign-in#token=abc">Sign in</a>',
};

/** The error `mailTransportFromEnv` throws, or a failure if it accepted the settings. */
function refusal(env: { SMTP_URL?: string; MAIL_FROM?: string }, dataDir: string): string {
  try {
    mailTransportFromEnv(env, dataDir, () => {});
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`Expected ${JSON.stringify(env)} to be refused, but it was accepted.`);
}

describe("mailTransportFromEnv", () => {
  let dataDir: string;
  let inbox: SmtpInbox;
  let transport: MailTransport | undefined;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "sesame-mail-env-"));
    inbox = await startSmtpInbox();
  });
  afterEach(async () => {
    await transport?.close?.();
    transport = undefined;
    await inbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends over SMTP when SMTP_URL is set, from MAIL_FROM, and writes no outbox", async () => {
    const lines: string[] = [];
    transport = mailTransportFromEnv(
      { SMTP_URL: inbox.url, MAIL_FROM: "Sesame Auth <auth@sesame.test>" },
      dataDir,
      (line) => lines.push(line),
    );
    await transport.send(mail);
    const received = await inbox.waitFor();
    expect(received.to).toEqual(["bob@example.com"]);
    expect(received.from).toBe('"Sesame Auth" <auth@sesame.test>');
    expect(existsSync(join(dataDir, "outbox"))).toBe(false);
    expect(lines).toEqual([]);
  });

  it("writes to <dataDir>/outbox without SMTP_URL, from Sesame <no-reply@localhost> by default", async () => {
    const lines: string[] = [];
    transport = mailTransportFromEnv({}, dataDir, (line) => lines.push(line));
    await transport.send(mail);
    const outbox = join(dataDir, "outbox");
    const [name] = readdirSync(outbox);
    const parsed = await parseMail(readFileSync(join(outbox, name as string)));
    expect(parsed.from).toBe('"Sesame" <no-reply@localhost>');
    expect(parsed.subject).toBe("Your sign-in link");
    expect(lines).toHaveLength(1);
    expect(inbox.messages).toEqual([]);
  });

  it("counts an empty SMTP_URL or MAIL_FROM as unset", async () => {
    transport = mailTransportFromEnv({ SMTP_URL: "", MAIL_FROM: " " }, dataDir, () => {});
    await transport.send(mail);
    const outbox = join(dataDir, "outbox");
    const parsed = await parseMail(readFileSync(join(outbox, readdirSync(outbox)[0] as string)));
    expect(parsed.from).toBe('"Sesame" <no-reply@localhost>');
  });

  it("takes a bare address as MAIL_FROM", async () => {
    transport = mailTransportFromEnv(
      { SMTP_URL: inbox.url, MAIL_FROM: "no-reply@sesame.test" },
      dataDir,
      () => {},
    );
    await transport.send(mail);
    expect((await inbox.waitFor()).from).toBe("no-reply@sesame.test");
  });

  it("refuses an SMTP_URL that is not smtp:// or smtps:// in one sentence", () => {
    for (const SMTP_URL of ["http://x", "https://user:hunter2@smtp.example.com", "smtp://"]) {
      const message = refusal({ SMTP_URL }, dataDir);
      expect(message).toMatch(/^SMTP_URL must look like smtp:\/\/\S+ or smtps:\/\/\S+ \(.*\)\.$/);
      expect(message).not.toContain("hunter2");
    }
  });

  it("refuses a MAIL_FROM that is not one address, in one sentence, on either transport", () => {
    for (const MAIL_FROM of [
      "Sesame",
      "a@example.com, b@example.com",
      "Team: a@example.com;",
      "<>",
    ]) {
      for (const SMTP_URL of [undefined, inbox.url]) {
        const message = refusal({ SMTP_URL, MAIL_FROM }, dataDir);
        expect(message).toBe(
          `MAIL_FROM must be one e-mail address, optionally with a name, e.g. "Sesame <no-reply@example.com>"; got ${JSON.stringify(MAIL_FROM)}.`,
        );
      }
    }
    // Refused before anything was created.
    expect(existsSync(join(dataDir, "outbox"))).toBe(false);
  });
});
