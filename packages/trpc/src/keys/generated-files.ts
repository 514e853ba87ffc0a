import { join } from "node:path";

/**
 * Where Sesame keeps what it generates when nothing is configured, inside its
 * data folder (beside a SQLite database by default): the signing keys, the
 * server secret, and on PostgreSQL the key-encryption secret. One list, so
 * the standalone server's commands find the very files a server wrote.
 */
export function generatedFiles(dataDir: string) {
  return {
    signingKeys: join(dataDir, "signing-keys.json"),
    serverSecret: join(dataDir, "server-secret"),
    keyEncryptionSecret: join(dataDir, "key-encryption-secret"),
  };
}
