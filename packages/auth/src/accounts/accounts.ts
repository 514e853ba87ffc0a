import type { ChangePasswordInput, LoginInput, RegisterInput, User } from "@sesame/contracts";
import { AuthError } from "@sesame/contracts";
import type { AuthDeps } from "../auth-deps.ts";
import { requireSecondFactorIfEnrolled } from "../mfa/mfa-challenge.ts";
import { assertAcceptablePassword } from "../passwords/password-policy.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { IssuedTokens } from "../sessions/issued-tokens.ts";
import { dpopThumbprint, startSession } from "../sessions/start-session.ts";
import type { UserRecord } from "../storage.ts";
import type { AttemptSubject } from "../throttle/login-throttle.ts";
import { normalizeEmail } from "./normalize-email.ts";
import { checkPassword, throttledCheck, verifyCurrentPassword } from "./password-check.ts";
import { toUser } from "./to-wire.ts";

/**
 * Sign-up, sign-in and password changes. Every new account is mailed a
 * verification link; with `requireEmailVerification`, an account signs in
 * only once its address is verified (a sign-in link verifies it too).
 */
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
      emailVerifiedAt: null,
    };
    if ((await storage.users.create(user)) === "email_taken") throw new AuthError("EMAIL_TAKEN");
    if (this.deps.config.requireEmailVerification) {
      await this.deps.audit.record("register", { userId: user.id }, meta);
      this.mailVerificationLink(user, meta);
      throw new AuthError("EMAIL_NOT_VERIFIED");
    }
    const issued = await startSession(this.deps, user, meta, {
      event: "register",
      dpopJkt,
      amr: ["pwd"],
    });
    // After the sign-up's own event, so the account's history reads in order.
    this.mailVerificationLink(user, meta);
    return issued;
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
    const { passed } = await throttledCheck(
      this.deps,
      subject,
      user?.id ?? null,
      meta,
      async () => ({
        passed: await checkPassword(this.deps, user?.passwordHash, input.password),
      }),
    );
    if (!user || !passed) {
      await this.deps.audit.record("login_failed", { userId: user?.id ?? null }, meta);
      throw new AuthError("INVALID_CREDENTIALS");
    }
    // Said only to someone who proved the password.
    if (user.disabledAt !== null) throw new AuthError("ACCOUNT_DISABLED");
    if (this.deps.config.requireEmailVerification && user.emailVerifiedAt === null) {
      // A fresh link, within the address's mail budget (past it, the earlier links stand).
      if (await this.deps.mailBudget.trySpend(user.email)) this.mailVerificationLink(user, meta);
      throw new AuthError("EMAIL_NOT_VERIFIED");
    }
    await requireSecondFactorIfEnrolled(this.deps, user, ["pwd"]);
    return startSession(this.deps, user, meta, {
      event: "login_succeeded",
      dpopJkt,
      amr: ["pwd"],
      deviceToken: deviceId ? deviceToken : undefined,
    });
  }

  async me(userId: string): Promise<User> {
    const user = await this.deps.storage.users.findById(userId);
    if (!user || user.disabledAt !== null) throw new AuthError("SESSION_REVOKED");
    return toUser(user);
  }

  /**
   * Requires the current password (verifyCurrentPassword). The new hash and
   * the end of every other session commit as one unit.
   */
  async changePassword(
    userId: string,
    sessionId: string,
    input: ChangePasswordInput,
    meta: RequestMeta,
  ): Promise<void> {
    const { storage, clock } = this.deps;
    await verifyCurrentPassword(this.deps, userId, sessionId, input.currentPassword, meta);
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

  private mailVerificationLink(user: UserRecord, meta: RequestMeta): void {
    this.deps.links.send("verify_email", async () => ({ userId: user.id, to: user.email }), meta);
  }
}

const who = (meta: RequestMeta) => ({ ip: meta.ip, userAgent: meta.userAgent });
