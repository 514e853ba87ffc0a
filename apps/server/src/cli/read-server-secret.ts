import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { AuthStorage } from "@sesame/auth";
import { decodeSecret, serverSecretFromKeyEncryptionSecret } from "@sesame/trpc/keys";
import type { Env } from "../env.ts";
import { keyEncryptionSecretFile, serverSecretFile } from "./server-files.ts";

/**
 * The server secret the server started with this environment uses (the
 * choice `createSesame` makes: on PostgreSQL with the key ring in the
 * database, derived from KEY_ENCRYPTION_SECRET unless SERVER_SECRET is set;
 * else SERVER_SECRET, or its file beside the database). Read, never
 * generated: a command that made a fresh secret would seal under a key no
 * server has.
 */
export function readServerSecret(env: Env, storage: AuthStorage): Uint8Array {
  const keyEncryptionSecret =
    env.KEY_ENCRYPTION_SECRET !== undefined
      ? decodeSecret(env.KEY_ENCRYPTION_SECRET, "KEY_ENCRYPTION_SECRET")
      : storage.keyRing && !env.SIGNING_KEYS
        ? readSecretFile(resolve(keyEncryptionSecretFile(env)), "KEY_ENCRYPTION_SECRET")
        : undefined;
  if (storage.keyRing && keyEncryptionSecret && !env.SERVER_SECRET) {
    return serverSecretFromKeyEncryptionSecret(keyEncryptionSecret);
  }
  if (env.SERVER_SECRET) return decodeSecret(env.SERVER_SECRET, "SERVER_SECRET");
  return readSecretFile(resolve(serverSecretFile(env)), "SERVER_SECRET");
}

function readSecretFile(file: string, name: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new Error(
      `No ${name} here: ${file} does not exist. Run the command with the server's environment, from where the server runs.`,
    );
  }
  return decodeSecret(text.trim(), file);
}
