import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AuthError,
  type AuthService,
  type AuthStorage,
  createAuthService,
  generateSigningKey,
  KeyRing,
  type MailMessage,
  ManualClock,
  type PasswordHasher,
  staticKeyRing,
  type TotpEncryptionKeys,
} from "@sesame/auth";
import { afterEach } from "vitest";
import { openSqliteStorage, type SqliteStorage } from "../../src/index.ts";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** Runs `cleanup` after the test, before the cleanups registered earlier (a storage closes before its folder goes). */
export function afterThisTest(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** A fresh SQLite file with the real migrations; removed after the test. */
export function freshDatabaseFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "sesame-db-"));
  cleanups.unshift(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "sesame.db");
}

/** SQLite storage on `file`, closed after the test. */
export function openSqlite(file: string): SqliteStorage {
  const storage = openSqliteStorage(file);
  afterThisTest(() => storage.close());
  return storage;
}

const ring = generateSigningKey("EdDSA", "current", Date.now()).then((key) => new KeyRing([key]));
/** One server secret for every core of a test run, as processes sharing a database share one. */
const SECRET = randomBytes(32);

/** The test run's signing keys, for tests that mint a token as an older version of Sesame did. */
export const testKeyRing = () => ring;

/**
 * The real auth core on real storage, with a clock the test moves; its
 * revocation feed started. Mail (a sign-up's verification link) is kept in
 * `mails`; the storage tests do not read it, but its work (the token row, the
 * audit event) finishes before the storage closes.
 */
export async function authOn(
  storage: AuthStorage,
  clock = new ManualClock(Date.now()),
  options: {
    hasher?: PasswordHasher;
    /** Another server secret than the test run's. */
    secret?: Uint8Array;
    totpEncryptionKeys?: TotpEncryptionKeys;
    log?: (line: string) => void;
  } = {},
) {
  const mails: MailMessage[] = [];
  const auth: AuthService = createAuthService({
    storage,
    keys: staticKeyRing(await ring),
    clock,
    secret: options.secret ?? SECRET,
    config: { issuer: "https://id.example.test" },
    hasher: options.hasher,
    totpEncryptionKeys: options.totpEncryptionKeys,
    log: options.log,
    mail: { transport: { send: async (mail) => void mails.push(mail) }, retryDelaysMs: [] },
  });
  await auth.ready;
  afterThisTest(() => auth.drainMail());
  return { auth, clock, mails };
}

export const META = { ip: "203.0.113.7", userAgent: "vitest" };
export const PASSWORD = "correct horse battery staple";
let n = 0;
export const email = () => `person${++n}@example.com`;

/** The auth code a call failed with, or "ok". */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
  return "ok";
}
