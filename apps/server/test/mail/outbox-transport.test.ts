import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MailMessage } from "@sesame/auth";
import { outboxTransport } from "@sesame/trpc/mail";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { linkIn, parseMail } from "../support/smtp-inbox.ts";

const TOKEN = "s3cr3t-t0ken-f0r-al1ce";
const mail: MailMessage = {
  to: "alice@example.com",
  subject: "Sign in to Sesame",
  text: `Open this link to sign in: http://localhost:5173/sign-in#token=${TOKEN}\n`,
  html: `<p><a href="http://localhost:5173/sign-in#token=${TOKEN}">Sign in</a></p>`,
};

const mode = (path: string) => statSync(path).mode & 0o777;
const emls = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith(".eml"))
    .sort();

describe("outboxTransport", () => {
  let root: string;
  let dir: string;
  let lines: string[];
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "sesame-outbox-"));
    dir = join(root, "data", "outbox");
    lines = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const outbox = () =>
    outboxTransport({ dir, from: "Sesame <no-reply@localhost>", log: (line) => lines.push(line) });

  it("writes each mail as an .eml a mail client reads back: same recipient, subject, text and HTML", async () => {
    await outbox().send(mail);

    const [name, ...others] = emls(dir);
    expect(others).toEqual([]);
    const raw = readFileSync(join(dir, name as string));
    // RFC 5322 line ends and a real multipart message.
    expect(raw.toString()).toContain("\r\n");
    expect(raw.toString()).not.toMatch(/[^\r]\n/);
    expect(raw.toString()).toMatch(/Content-Type: multipart\/alternative/i);

    const parsed = await parseMail(raw);
    expect(parsed.to).toEqual(["alice@example.com"]);
    expect(parsed.from).toBe('"Sesame" <no-reply@localhost>');
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.text.trim()).toBe(mail.text.trim());
    expect(parsed.html).toBe(mail.html);
    expect(parsed.messageId).toMatch(/^<[0-9a-f-]{36}@localhost>$/);
    expect(parsed.date).toBeInstanceOf(Date);
    expect(linkIn(parsed)).toBe(`http://localhost:5173/sign-in#token=${TOKEN}`);
  });

  it("creates the folder 0700 and each file 0600: the mails hold live sign-in links", async () => {
    const transport = outbox();
    expect(mode(dir)).toBe(0o700);
    await transport.send(mail);
    const [name] = emls(dir);
    expect(mode(join(dir, name as string))).toBe(0o600);
  });

  it("tightens an existing folder that others could read", async () => {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    outbox();
    expect(mode(dir)).toBe(0o700);
  });

  it("logs one line per mail naming the file, the recipient and the subject, never the token", async () => {
    await outbox().send(mail);
    const [name] = emls(dir);
    expect(lines).toHaveLength(1);
    const [line] = lines as [string];
    expect(line).toContain(join(dir, name as string));
    expect(line).toContain("alice@example.com");
    expect(line).toContain("Sign in to Sesame");
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain("sign-in#");
  });

  it("names files so they sort by time and never collide", async () => {
    const transport = outbox();
    // Many in the same millisecond, which only the random part tells apart.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => transport.send({ ...mail, subject: `Mail ${i}` })),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    await transport.send({ ...mail, subject: "Last" });

    const names = emls(dir);
    expect(names).toHaveLength(21);
    for (const name of names) {
      expect(name).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-[0-9a-f]{12}\.eml$/);
    }
    // Nothing half-written is left beside them.
    expect(readdirSync(dir)).toHaveLength(21);
    const last = await parseMail(readFileSync(join(dir, names.at(-1) as string)));
    expect(last.subject).toBe("Last");
  });

  it("recreates the folder if it was removed while the server runs", async () => {
    const transport = outbox();
    rmSync(dir, { recursive: true });
    await transport.send(mail);
    expect(emls(dir)).toHaveLength(1);
    expect(mode(dir)).toBe(0o700);
  });

  it("refuses a list of recipients and writes nothing", async () => {
    await expect(outbox().send({ ...mail, to: "a@example.com, b@example.com" })).rejects.toThrow(
      /exactly one address/,
    );
    expect(readdirSync(dir)).toEqual([]);
    expect(lines).toEqual([]);
  });
});
