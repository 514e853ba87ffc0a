import type { AuthDeps } from "../auth-deps.ts";
import { AuthError } from "../contracts/auth-error.ts";
import type { ChangePasswordInput, LoginInput, RegisterInput } from "../contracts/inputs.ts";
import type { User } from "../contracts/outputs.ts";
import { checkPasswordLength } from "../contracts/password-length.ts";
import { assertAcceptablePassword } from "../passwords/password-policy.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { IssuedTokens } from "../sessions/issued-tokens.ts";
import { startSession } from "../sessions/start-session.ts";
import { normalizeEmail } from "./normalize-email.ts";
import { toUser } from "./to-wire.ts";

/** Sign-up, sign-in and password changes. */
export class Accounts {
  constructor(private readonly deps: AuthDeps) {}

  async register(input: RegisterInput, meta: RequestMeta): Promise<IssuedTokens> {
    assertAcceptablePassword(input.password);
    const { clock, ids, storage } = this.deps;
    const now = clock.now();
    const user = {
      id: ids.id(),
      email: normalizeEmail(input.email),
      name: input.name ?? null,
      role: "user" as const,
      passwordHash: await this.deps.hasher.hash(input.password),
      createdAt: now,
      updatedAt: now,
      disabledAt: null,
    };
    if ((await storage.users.create(user)) === "email_taken") throw new AuthError("EMAIL_TAKEN");
    return startSession(this.deps, user, meta, "register");
  }

  /**
   * Unknown email and wrong password take the same path, the same time (a
   * dummy argon2 verify) and give the same answer, so nobody learns which
   * accounts exist (OWASP authentication cheat sheet).
   */
  async login(input: LoginInput, meta: RequestMeta): Promise<IssuedTokens> {
    const email = normalizeEmail(input.email);
    const { user, passed } = await this.throttled(email, meta, async () => {
      const user = await this.deps.storage.users.findByEmail(email);
      return { user, passed: await this.checkPassword(user?.passwordHash, input.password) };
    });
    if (!user || !passed) {
      await this.deps.audit.record("login_failed", { userId: user?.id ?? null }, meta);
      throw new AuthError("INVALID_CREDENTIALS");
    }
    // Said only to someone who proved the password.
    if (user.disabledAt !== null) throw new AuthError("ACCOUNT_DISABLED");
    return startSession(this.deps, user, meta, "login_succeeded");
  }

  async me(userId: string): Promise<User> {
    const user = await this.deps.storage.users.findById(userId);
    if (!user || user.disabledAt !== null) throw new AuthError("SESSION_REVOKED");
    return toUser(user);
  }

  /**
   * Requires the current password (throttled like a login, so a stolen access
   * token cannot be used to guess it) and ends every other session of the user.
   */
  async changePassword(
    userId: string,
    sessionId: string,
    input: ChangePasswordInput,
    meta: RequestMeta,
  ): Promise<void> {
    const { storage, clock } = this.deps;
    const user = await storage.users.findById(userId);
    if (!user || user.disabledAt !== null) throw new AuthError("SESSION_REVOKED");
    const { passed } = await this.throttled(user.email, meta, async () => ({
      passed: await this.checkPassword(user.passwordHash, input.currentPassword),
    }));
    if (!passed) throw new AuthError("INVALID_CREDENTIALS");
    assertAcceptablePassword(input.newPassword);
    const now = clock.now();
    await storage.users.updatePasswordHash(
      userId,
      await this.deps.hasher.hash(input.newPassword),
      now,
    );
    await storage.sessions.revokeAllForUser(userId, "password_changed", now, sessionId);
    await this.deps.audit.record("password_changed", { userId, sessionId }, meta);
  }

  /** An operator's switch: a disabled account cannot sign in and all its sessions die at once. */
  async setDisabled(userId: string, disabled: boolean, meta: RequestMeta): Promise<void> {
    const { storage, clock } = this.deps;
    const now = clock.now();
    await storage.users.setDisabled(userId, disabled ? now : null, now);
    if (!disabled) return;
    await storage.sessions.revokeAllForUser(userId, "account_disabled", now);
    await this.deps.audit.record("account_disabled", { userId }, meta);
  }

  /** A password check under the login throttle; a refusal by the throttle itself is audited. */
  private async throttled<T extends { passed: boolean }>(
    email: string,
    meta: RequestMeta,
    check: () => Promise<T>,
  ): Promise<T> {
    try {
      return await this.deps.throttle.guard(email, meta.ip, check);
    } catch (error) {
      if (error instanceof AuthError && error.code === "RATE_LIMITED") {
        // Filed under the account when it exists, so its owner sees that someone is trying.
        const user = await this.deps.storage.users.findByEmail(email);
        await this.deps.audit.record("login_throttled", { userId: user?.id ?? null }, meta);
      }
      throw error;
    }
  }

  /** An over-long password is refused without hashing it; it cannot be anyone's password. */
  private async checkPassword(
    passwordHash: string | undefined,
    password: string,
  ): Promise<boolean> {
    if (checkPasswordLength(password) === "too_long") return false;
    if (passwordHash === undefined) return this.deps.hasher.verifyDummy(password);
    return this.deps.hasher.verify(passwordHash, password);
  }
}
