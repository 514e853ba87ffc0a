/**
 * @sesame/trpc/keys — where signing keys and secrets live: the key file (with
 * its lock), an inline set, the ring in the database sealed under the
 * key-encryption secret, and the loaded, watched set the server signs with.
 * The standalone server's `keys` command is built on these.
 */
export { DatabaseKeySetSource } from "./database-key-set-source.ts";
export { FileKeySetSource } from "./file-key-set-source.ts";
export { generatedFiles } from "./generated-files.ts";
export { initialKeys } from "./initial-keys.ts";
export { InlineKeySetSource } from "./inline-key-set-source.ts";
export { parseKeySet, readKeyFile, writeKeyFile } from "./key-file.ts";
export { type KeyFileLockOptions, withKeyFileLock } from "./key-file-lock.ts";
export type { KeySetSource, ReadKeySet } from "./key-set-source.ts";
export { keySetSourceFor } from "./key-set-source-for.ts";
export { SealedKeySet } from "./sealed-key-set.ts";
export {
  decodeSecret,
  loadServerSecret,
  serverSecretFromKeyEncryptionSecret,
} from "./server-secret.ts";
export { SigningKeys, type SigningKeysOptions } from "./signing-keys.ts";
