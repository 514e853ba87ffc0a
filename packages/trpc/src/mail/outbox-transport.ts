import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MailTransport } from "@sesame/auth";
import { createTransport } from "nodemailer";
import { senderMailbox } from "./mailbox.ts";
import { mimeMessage } from "./mime-message.ts";

/**
 * The development transport, used when there is no `SMTP_URL`: every mail
 * becomes an `.eml` file in `dir` (any mail client opens one, and its sign-in
 * link works from there), plus one log line saying where it went.
 *
 * The folder is 0700 and the files 0600: a mail holds a live sign-in link,
 * as good as a password until it expires.
 */
export function outboxTransport(options: {
  dir: string;
  from: string;
  log: (line: string) => void;
}): MailTransport {
  const { dir, log } = options;
  const from = senderMailbox(options.from);
  // Built by nodemailer's own pipeline, as SMTP would send it, so the file is
  // the real MIME message (headers, multipart/alternative, encodings) and not
  // an imitation. CRLF line ends, as RFC 5322 writes a message.
  const composer = createTransport({ streamTransport: true, buffer: true, newline: "windows" });

  // At start, so a folder that cannot be created fails the start and not the
  // first sign-in; chmod too, since mkdir leaves an existing folder's mode alone.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);

  return {
    async send(message) {
      const mime = mimeMessage(message, from);
      const { message: eml } = await composer.sendMail(mime);
      // Sorts by time (ISO 8601, `:` is not allowed in Windows file names);
      // the random part keeps two mails in the same millisecond apart.
      const name = `${new Date().toISOString().replaceAll(":", "-")}-${randomBytes(6).toString("hex")}.eml`;
      const path = join(dir, name);
      const partial = join(dir, `.${name}.partial`);
      // Recreates a folder removed while the server runs; a no-op otherwise.
      await mkdir(dir, { recursive: true, mode: 0o700 });
      try {
        // Written aside and renamed, so whoever watches the folder for `*.eml`
        // (a developer, an end-to-end test) never reads half a mail; `wx`
        // refuses to follow or reuse anything already at that name.
        await writeFile(partial, eml, { flag: "wx", mode: 0o600 });
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      // The recipient and subject say which mail it is; the link stays in the file, out of the
      // logs. The address as parsed and the subject quoted, so neither can break the line in two.
      log(`Mail to ${mime.to.address} (${JSON.stringify(message.subject)}) written to ${path}`);
    },
  };
}
