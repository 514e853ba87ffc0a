import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { KeySetError, rotateKeySet, type SigningKeyRecord } from "@sesame/auth";
import type { Env } from "../env.ts";
import { initialKeys } from "../keys/initial-keys.ts";
import { parseKeySet, readKeyFile, writeKeyFile } from "../keys/key-file.ts";
import { withKeyFileLock } from "../keys/key-file-lock.ts";
import { retentionFromEnv } from "../keys/retention-from-env.ts";
import { formatKeyTable, summarizeKeys } from "./describe-keys.ts";

export interface KeysCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => number;
}

export const KEYS_USAGE = `Usage: pnpm keys <command> [options]

Commands:
  list [--json]      Show the signing keys: kid, algorithm, status, dates. Never key material.
  rotate [--force]   next -> current, current -> retired, generate a fresh next key,
                     drop retired keys whose last token has expired. A running server
                     picks the new file up within 2 seconds.
                     --force also rotates when the next key was published too recently
                     for cached key sets to hold it (use it for a compromised key).
  init               Create the key file (a current and a next key) if it does not exist.

Options:
  --file <path>      The key file (default: SIGNING_KEYS_FILE, ./data/signing-keys.json).

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
  if (!command || rest.length > 0 || !["list", "rotate", "init"].includes(command)) {
    io.err(KEYS_USAGE);
    return 2;
  }
  const file = resolve(values.file ?? env.SIGNING_KEYS_FILE);
  const inline = values.file ? undefined : env.SIGNING_KEYS;
  const retention = retentionFromEnv(env);

  try {
    if (command === "list") {
      const records = inline ? parseKeySet(inline, "SIGNING_KEYS") : readExisting(file);
      const summaries = summarizeKeys(records, retention);
      io.out(values.json ? JSON.stringify(summaries, null, 2) : formatKeyTable(summaries));
      return 0;
    }
    if (inline) {
      io.err(
        "The keys come from SIGNING_KEYS, which this command cannot write. Put that JSON in a file, run this command with --file <path>, and store the file's new content in SIGNING_KEYS.",
      );
      return 1;
    }
    // Read, change and write under the lock: two commands at once would otherwise each
    // rotate the same set, and the later write would drop the key the other promoted.
    if (command === "init") {
      const keys = await withKeyFileLock(file, async () => {
        if (existsSync(file)) return undefined;
        const created = await initialKeys(env.SIGNING_ALG, io.now());
        writeKeyFile(file, created);
        return created;
      });
      if (keys === undefined) {
        io.err(`${file} already exists; nothing changed.`);
        return 1;
      }
      io.out(`Created ${file} (mode 0600) with a current and a next ${env.SIGNING_ALG} key.`);
      io.out(formatKeyTable(summarizeKeys(keys, retention)));
      return 0;
    }
    requireKeyFile(file); // before the lock, which would create a missing folder
    const rotation = await withKeyFileLock(file, async () => {
      const rotated = await rotateKeySet(readExisting(file), {
        now: io.now(),
        alg: env.SIGNING_ALG,
        retentionSeconds: retention,
        force: values.force ?? false,
      });
      writeKeyFile(file, rotated.keys);
      return rotated;
    });
    io.out(`Rotated ${file}: ${rotation.promoted} now signs, ${rotation.retired} is retired.`);
    const fresh = rotation.generated.filter((kid) => kid !== rotation.promoted);
    io.out(
      `New next key: ${fresh.join(", ") || "none"}. Pruned: ${rotation.pruned.join(", ") || "none"}.`,
    );
    io.out(formatKeyTable(summarizeKeys(rotation.keys, retention)));
    return 0;
  } catch (error) {
    io.err(
      error instanceof KeySetError ? `${error.code}: ${error.message}` : (error as Error).message,
    );
    return 1;
  }
}

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

function readExisting(file: string): SigningKeyRecord[] {
  requireKeyFile(file);
  return readKeyFile(file);
}

function requireKeyFile(file: string): void {
  if (!existsSync(file)) {
    throw new Error(`No key file at ${file}. Start the server once, or run \`pnpm keys init\`.`);
  }
}
