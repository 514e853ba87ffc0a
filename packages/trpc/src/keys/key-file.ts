import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { SIGNING_ALGORITHMS, type SigningKeyRecord } from "@sesame/auth";
import { z } from "zod";

const keyRecordSchema = z.object({
  kid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  alg: z.enum(SIGNING_ALGORITHMS),
  status: z.enum(["next", "current", "retired"]),
  createdAt: z.number(),
  activatedAt: z.number().optional(),
  retiredAt: z.number().optional(),
  privateJwk: z.looseObject({ kty: z.string() }),
});

export const keySetSchema = z.object({ keys: z.array(keyRecordSchema).min(1) });

/** Parses the key set JSON (the key file's content, or the SIGNING_KEYS variable). */
export function parseKeySet(json: string, source: string): SigningKeyRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new Error(`${source} is not valid JSON.`);
  }
  const parsed = keySetSchema.safeParse(data);
  if (!parsed.success) throw new Error(`${source} is not a valid key set: ${parsed.error.message}`);
  return parsed.data.keys as SigningKeyRecord[];
}

export function readKeyFile(path: string): SigningKeyRecord[] {
  return parseKeySet(readFileSync(path, "utf8"), path);
}

/**
 * Writes the key file readable by its owner only (0600), atomically: written
 * beside and renamed over, so a server reloading it never reads half a file.
 */
export function writeKeyFile(path: string, keys: SigningKeyRecord[]): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}
