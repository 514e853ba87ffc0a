import type { AuthStorage } from "@sesame/auth";
import { DatabaseKeySetSource } from "./database-key-set-source.ts";
import { FileKeySetSource } from "./file-key-set-source.ts";
import { InlineKeySetSource } from "./inline-key-set-source.ts";
import type { KeySetSource } from "./key-set-source.ts";
import { SealedKeySet } from "./sealed-key-set.ts";

/**
 * Where this deployment keeps its signing keys: an inline set (SIGNING_KEYS) wins; else a
 * database that keeps rings (PostgreSQL) keeps one for every node, sealed
 * under KEY_ENCRYPTION_SECRET; else the key file beside the database.
 */
export function keySetSourceFor(
  where: { inline?: string; file: string },
  storage: Pick<AuthStorage, "keyRing">,
  keyEncryptionSecret: Uint8Array | undefined,
): KeySetSource {
  if (where.inline) return new InlineKeySetSource(where.inline);
  if (storage.keyRing) {
    if (!keyEncryptionSecret) {
      throw new Error(
        "On PostgreSQL the signing keys live in the database, sealed under KEY_ENCRYPTION_SECRET: set it (at least 32 random bytes, base64url, the same on every node), or set SIGNING_KEYS.",
      );
    }
    return new DatabaseKeySetSource(storage.keyRing, new SealedKeySet(keyEncryptionSecret));
  }
  return new FileKeySetSource(where.file);
}
