import type { AuthDeps } from "../auth-deps.ts";
import { AuthError } from "../contracts/auth-error.ts";
import type { ChangePasswordInput, LoginInput, RegisterInput } from "../contracts/inputs.ts";
import type { User } from "../contracts/outputs.ts";
import { checkPasswordLength } from "../contracts/password-length.ts";
import { assertAcceptablePassword } from "../passwords/password-policy.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { IssuedTokens } from "../sessions/issued-tokens.ts";
import { dpopThumbprint, startSession } from "../sessions/start-session.ts";
import type { AttemptSubject } from "../throttle/login-throttle.ts";
import { normalizeEmail } from "./normalize-email.ts";
import { toUser } from "./to-wire.ts";

/** Sign-up, sign-in and password changes. */
export class Accounts {
  constructor(private readonly deps: AuthDeps) {}

  async register(input: RegisterInput, meta: RequestMeta): Promise<IssuedTokens> {
    assertAcceptablePassword(input.password);
    const dpopJkt = await dpopThumbprint(this.deps, meta);
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
      credentialVersion: 0,
    };
    if ((await storage.users.create(user)) === "email_taken") throw new AuthError("EMAIL_TAKEN");
    return startSession(this.deps, user, meta, { event: "register", dpopJkt });
  }

  /**
   * Unknown email and wrong password take the same path, the same time (a
   * dummy argon2 verify) and give the same answer, so nobody learns which
   * accounts exist (OWASP authentication cheat sheet). A client holding a
   * device token of the account is throttled on that device alone.
   */
  async login(input: LoginInput, meta: RequestMeta, deviceToken?: string): Promise<IssuedTokens> {
    const email = normalizeEmail(input.email);
    const dpopJkt = await dpopThumbprint(this.deps, meta);
    const user = await this.deps.storage.users.findByEmail(email);
    const deviceId = user && this.deps.devices.deviceOf(deviceToken, user.id);
    const subject: AttemptSubject = deviceId
      ? { kind: "device", deviceId }
      : { kind: "account", email };
    const { passed } = await this.throttled(subject, user?.id ?? null, meta, async () => ({
      passed: await this.checkPassword(user?.passwordHash, input.password),
    }));
    if (!user || !passed) {
      await this.deps.audit.record("login_failed", { userId: user?.id ?? null }, meta);
      throw new AuthError("INVALID_CREDENTIALS");
    }
    // Said only to someone who proved the password.
    if (user.disabledAt !== null) throw new AuthError("ACCOUNT_DISABLED");
    return startSession(this.deps, user, meta, {
      event: "login_succeeded",
      dpopJkt,
      deviceToken: deviceId ? deviceToken : undefined,
    });
  }

  async me(userId: string): Promise<User> {
    const user = await this.deps.storage.users.findById(userId);
    if (!user || user.disabledAt !== null) throw new AuthError("SESSION_REVOKED");
    return toUser(user);
  }

  /**
   * Requires the current password, throttled on the calling session (so a
   * stolen access token cannot be used to guess it, and anonymous failures
   * against the account never block its signed-in owner). The new hash and
   * the end of every other session commit as one unit.
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
    const { passed } = await this.throttled(
      { kind: "session", sessionId },
      userId,
      meta,
      async () => ({
        passed: await this.checkPassword(user.passwordHash, input.currentPassword),
      }),
    );
    if (!passed) throw new AuthError("INVALID_CREDENTIALS");
    assertAcceptablePassword(input.newPassword);
    const passwordHash = await this.deps.hasher.hash(input.newPassword);
    const now = clock.now();
    const revoked = await storage.users.replacePassword({
      userId,
      passwordHash,
      now,
      exceptSessionId: sessionId,
      reason: "password_changed",
      audit: { type: "password_changed", at: now, userId, sessionId, ...who(meta) },
    });
    for (const id of revoked) this.deps.revoked.add(id, now);
  }

  /**
   * An operator's switch: a disabled account cannot sign in, and the disable
   * and the end of all its sessions commit as one unit. Enabling revives no
   * session: a login in flight during the disable created none.
   */
  async setDisabled(userId: string, disabled: boolean, meta: RequestMeta): Promise<void> {
    const { storage, clock } = this.deps;
    const now = clock.now();
    if (!disabled) return storage.users.enable(userId, now);
    const revoked = await storage.users.disable({
      userId,
      now,
      reason: "account_disabled",
      audit: { type: "account_disabled", at: now, userId, sessionId: null, ...who(meta) },
    });
    for (const id of revoked) this.deps.revoked.add(id, now);
  }

  /** A password check under the login throttle; a refusal by the throttle itself is audited. */
  private async throttled<T extends { passed: boolean }>(
    subject: AttemptSubject,
    userId: string | null,
    meta: RequestMeta,
    check: () => Promise<T>,
  ): Promise<T> {
    try {
      return await this.deps.throttle.guard(subject, meta.ip, check);
    } catch (error) {
      if (error instanceof AuthError && error.code === "RATE_LIMITED") {
        // Filed under the account when it exists, so its owner sees that someone is trying.
        await this.deps.audit.record("login_throttled", { userId }, meta);
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

const who = (meta: RequestMeta) => ({ ip: meta.ip, userAgent: meta.userAgent });
