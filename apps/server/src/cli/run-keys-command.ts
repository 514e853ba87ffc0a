import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { KeySetError, rotateKeySet } from "@sesame/auth";
import { isPostgresUrl, openStorage } from "@sesame/db";
import {
  decodeSecret,
  FileKeySetSource,
  InlineKeySetSource,
  initialKeys,
  type KeySetSource,
  keySetSourceFor,
  loadServerSecret,
} from "@sesame/trpc/keys";
import type { Env } from "../env.ts";
import { formatKeyTable, summarizeKeys } from "./describe-keys.ts";
import type { KeysCommandIo } from "./keys-command-io.ts";
import { retentionFromEnv } from "./retention-from-env.ts";
import { runTotpReseal } from "./run-totp-reseal.ts";
import { keyEncryptionSecretFile, signingKeysFile } from "./server-files.ts";

export const KEYS_USAGE = `Usage: pnpm keys <command> [options]

Commands:
  list [--json]      Show the signing keys: kid, algorithm, status, dates. Never key material.
  rotate [--force]   next -> current, current -> retired, generate a fresh next key,
                     drop retired keys whose last token has expired. Running servers
                     pick the change up within 2 seconds (on PostgreSQL, every node).
                     --force also rotates when the next key was published too recently
                     for cached key sets to hold it (use it for a compromised key).
  init               Create the key file (a current and a next key) if it does not exist.
  totp-reseal        Seal every TOTP secret still under a key of TOTP_ENCRYPTION_KEYS_PREVIOUS
                     again under the current one (TOTP_ENCRYPTION_KEY), beside running
                     servers; once none is left, the previous keys can be dropped.

Options:
  --file <path>      The key file (default: SIGNING_KEYS_FILE, ./data/signing-keys.json;
                     on PostgreSQL the keys live in the database, sealed under
                     KEY_ENCRYPTION_SECRET).

The algorithm of new keys is SIGNING_ALG; retention follows ACCESS_TOKEN_TTL,
SESSION_IDLE_TTL, SESSION_ABSOLUTE_TTL and CLOCK_TOLERANCE, as on the server.`;

/**
 * `pnpm keys …`: lists, rotates or creates the server's signing keys in the
 * key file (mode 0600, written atomically, changed only under `<file>.lock`).
 * Output names keys by kid only; no private member is ever printed or
 * logged. Answers the exit code.
 */
export async function runKeysCommand(
  argv: readonly string[],
  env: Env,
  io: KeysCommandIo,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${KEYS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === "help") {
    io.out(KEYS_USAGE);
    return 0;
  }
  if (!command || rest.length > 0 || !["list", "rotate", "init", "totp-reseal"].includes(command)) {
    io.err(KEYS_USAGE);
    return 2;
  }
  // TOTP encryption keys come from the environment only: nothing here writes them.
  if (command === "totp-reseal") return runTotpReseal(env, io);
  const retention = retentionFromEnv(env);
  let opened: Awaited<ReturnType<typeof keySetSourceForCommand>> | undefined;
  try {
    opened = await keySetSourceForCommand(env, values.file);
    const { source } = opened;
    if (command === "list") {
      const read = await source.read();
      if (!read) throw noKeys(source);
      const summaries = summarizeKeys(read.records, retention);
      io.out(values.json ? JSON.stringify(summaries, null, 2) : formatKeyTable(summaries));
      return 0;
    }
    if (command === "init") {
      const created = await initialKeys(env.SIGNING_ALG, io.now());
      if ((await source.read()) || !(await source.write(created, undefined))) {
        io.err(`${capitalize(source.description)} already holds keys; nothing changed.`);
        return 1;
      }
      io.out(
        `Created ${source.description}${source instanceof FileKeySetSource ? " (mode 0600)" : ""} with a current and a next ${env.SIGNING_ALG} key.`,
      );
      io.out(formatKeyTable(summarizeKeys(created, retention)));
      return 0;
    }
    // Compare-and-set, retried: two rotations at once never both promote from the same set
    // (one would silently drop the key the other promoted); the later one rotates the result.
    for (let attempt = 0; attempt < MAX_ROTATE_ATTEMPTS; attempt++) {
      const read = await source.read();
      if (!read) throw noKeys(source);
      const rotation = await rotateKeySet(read.records, {
        now: io.now(),
        alg: env.SIGNING_ALG,
        retentionSeconds: retention,
        force: values.force ?? false,
      });
      if (!(await source.write(rotation.keys, read))) continue;
      io.out(
        `Rotated ${source.description}: ${rotation.promoted} now signs, ${rotation.retired} is retired.`,
      );
      const fresh = rotation.generated.filter((kid) => kid !== rotation.promoted);
      io.out(
        `New next key: ${fresh.join(", ") || "none"}. Pruned: ${rotation.pruned.join(", ") || "none"}.`,
      );
      io.out(formatKeyTable(summarizeKeys(rotation.keys, retention)));
      return 0;
    }
    throw new Error(`${capitalize(source.description)} kept changing; try again.`);
  } catch (error) {
    io.err(
      error instanceof KeySetError ? `${error.code}: ${error.message}` : (error as Error).message,
    );
    return 1;
  } finally {
    await opened?.close();
  }
}

const MAX_ROTATE_ATTEMPTS = 20;

/** The keys this command works on: `--file`, else where the server would find them. */
async function keySetSourceForCommand(env: Env, file: string | undefined) {
  if (file) return { source: new FileKeySetSource(resolve(file)), close: async () => {} };
  if (env.SIGNING_KEYS) {
    return { source: new InlineKeySetSource(env.SIGNING_KEYS), close: async () => {} };
  }
  if (isPostgresUrl(env.DATABASE_URL)) {
    // The ring every node reads; each picks the change up within seconds, no restart.
    const storage = await openStorage(env.DATABASE_URL, { poolSize: 1 });
    try {
      const secret = env.KEY_ENCRYPTION_SECRET
        ? decodeSecret(env.KEY_ENCRYPTION_SECRET, "KEY_ENCRYPTION_SECRET")
        : loadServerSecret(
            undefined,
            resolve(keyEncryptionSecretFile(env)),
            () => {},
            "KEY_ENCRYPTION_SECRET",
          );
      return {
        source: keySetSourceFor(
          { inline: env.SIGNING_KEYS, file: signingKeysFile(env) },
          storage,
          secret,
        ),
        close: () => storage.close(),
      };
    } catch (error) {
      await storage.close();
      throw error;
    }
  }
  return { source: new FileKeySetSource(resolve(signingKeysFile(env))), close: async () => {} };
}

function noKeys(source: KeySetSource): Error {
  return new Error(
    `No keys in ${source.description}. Start the server once, or run \`pnpm keys init\`.`,
  );
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      file: { type: "string" },
      force: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
