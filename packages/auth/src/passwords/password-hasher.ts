import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/** OWASP's argon2id minimum (m=19 MiB, t=2, p=1); raise, never lower. */
export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const ARGON2_DEFAULTS: Argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** @node-rs/argon2's `Algorithm.Argon2id` (a const enum, which isolated modules cannot import). */
const ARGON2ID = 2;

/**
 * Hashes and checks passwords with argon2id, each hash with its own random
 * salt, on libuv's thread pool so the event loop stays free. Passwords are
 * NFKC-normalized first (NIST SP 800-63B §5.1.1.2) and never truncated.
 */
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly params: Argon2Params = ARGON2_DEFAULTS) {}

  hash(password: string): Promise<string> {
    return hash(password.normalize("NFKC"), { algorithm: ARGON2ID, ...this.params });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password.normalize("NFKC"));
    } catch {
      return false;
    }
  }

  /**
   * Spends the same time as a real check, for a login whose email is unknown,
   * so response time does not tell whether an account exists.
   */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(16).toString("base64url"));
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
