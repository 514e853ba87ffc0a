import { hkdfSync, randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const MIN_BYTES = 32;

/**
 * The server secret (SERVER_SECRET, or the file SERVER_SECRET_FILE, made on
 * first start): grace-window seals and device tokens derive their keys from
 * it, so it must never be in the database and must be the same for every
 * process that shares one. Processes starting together on an empty folder
 * agree on one: the secret is written beside and hard-linked into place,
 * which fails for all but the first.
 */
export function loadServerSecret(
  inline: string | undefined,
  file: string,
  log: (message: string) => void,
  name = "SERVER_SECRET",
): Uint8Array {
  if (inline) return decode(inline, name);
  try {
    return decode(readFileSync(file, "utf8").trim(), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${randomBytes(MIN_BYTES).toString("base64url")}\n`, { mode: 0o600 });
  try {
    linkSync(temporary, file);
    log(
      name === "SERVER_SECRET"
        ? `Generated a server secret in ${file} (mode 0600). Every process sharing the database needs the same one.`
        : `Generated ${name} into ${file} (mode 0600). Every node of this database needs the same one: copy the file, or set ${name} on each.`,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return decode(readFileSync(file, "utf8").trim(), file);
}

/** A secret from configuration: at least 32 bytes, base64url. */
export function decodeSecret(value: string, source: string): Uint8Array {
  return decode(value, source);
}

/**
 * The server secret of nodes that share no folder (PostgreSQL): derived from
 * KEY_ENCRYPTION_SECRET, which every node has, under its own label.
 */
export function serverSecretFromKeyEncryptionSecret(keyEncryptionSecret: Uint8Array): Uint8Array {
  return Buffer.from(
    hkdfSync("sha256", keyEncryptionSecret, new Uint8Array(0), "sesame/server-secret/v1", 32),
  );
}

function decode(value: string, source: string): Uint8Array {
  const bytes = Buffer.from(value, "base64url");
  if (bytes.length < MIN_BYTES || bytes.toString("base64url") !== value.replace(/=+$/, "")) {
    throw new Error(`${source} must be at least ${MIN_BYTES} random bytes, base64url-encoded.`);
  }
  return bytes;
}
