import type { MfaStatus, RecoveryCodes, TotpEnrolment, VerifyMfaInput } from "@sesame/contracts";
import { AuthError } from "@sesame/contracts";
import { throttledCheck, verifyCurrentPassword } from "../accounts/password-check.ts";
import type { AuthDeps } from "../auth-deps.ts";
import { secondFactorNotice } from "../email/mail-messages.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { IssuedTokens } from "../sessions/issued-tokens.ts";
import { dpopThumbprint, startSession } from "../sessions/start-session.ts";
import type { TotpFactorRecord, UserRecord } from "../storage.ts";
import type { AttemptSubject } from "../throttle/login-throttle.ts";
import { hashRecoveryCode, newRecoveryCodes } from "./recovery-codes.ts";
import { newTotpSecret, otpauthUri, totpStepOf } from "./totp.ts";
import { describeUnopenedSecret } from "./unopened-secret-message.ts";

/** The `amr` a second factor adds to the first one's (RFC 8176: a one-time code, and more than one factor). */
const SECOND_FACTOR_AMR = ["otp", "mfa"];

/**
 * TOTP (RFC 6238) and recovery codes. Enrolment needs the current password;
 * the secret is sealed at rest (TotpSecretBox) and active only once a code
 * confirms it. A code's time step is accepted at most once per account, in
 * one guarded write shared by every process, so the confirming code cannot
 * be replayed as a first sign-in code, nor any code twice. Wrong codes at
 * sign-in count in the same throttle as wrong passwords.
 */
export class SecondFactors {
  constructor(private readonly deps: AuthDeps) {}

  async status(userId: string): Promise<MfaStatus> {
    const { secondFactors } = this.deps.storage;
    const factor = await secondFactors.findTotp(userId);
    return {
      totp: factor?.confirmedAt != null,
      passkeys: (await this.deps.storage.passkeys.listForUser(userId)).length,
      recoveryCodesLeft: await secondFactors.countRecoveryCodes(userId),
    };
  }

  /** A new secret, shown once; it takes effect when `confirmTotp` gets a code made from it. */
  async beginTotp(
    userId: string,
    sessionId: string,
    currentPassword: string,
    meta: RequestMeta,
  ): Promise<TotpEnrolment> {
    const user = await verifyCurrentPassword(this.deps, userId, sessionId, currentPassword, meta);
    const { storage, clock, config, totpSecrets } = this.deps;
    const secret = newTotpSecret();
    const stored = await storage.secondFactors.beginTotp({
      userId,
      sealedSecret: totpSecrets.seal(userId, secret),
      createdAt: clock.now(),
      confirmedAt: null,
      lastUsedStep: null,
    });
    if (stored === "confirmed_exists") throw new AuthError("MFA_ALREADY_ENABLED");
    await this.deps.audit.record("totp_added", { userId, sessionId }, meta);
    return { secret, otpauthUri: otpauthUri(secret, issuerName(config.issuer), user.email) };
  }

  /** Turns TOTP on with a first code, and answers the recovery codes, shown once. */
  async confirmTotp(
    userId: string,
    sessionId: string,
    code: string,
    meta: RequestMeta,
  ): Promise<RecoveryCodes> {
    const { storage, clock } = this.deps;
    const factor = await storage.secondFactors.findTotp(userId);
    if (!factor) throw new AuthError("MFA_NOT_ENABLED");
    if (factor.confirmedAt !== null) throw new AuthError("MFA_ALREADY_ENABLED");
    const now = clock.now();
    const opened = this.openSecret(factor);
    const step = totpStepOf(opened.secret, code, now);
    if (step === undefined) throw new AuthError("MFA_CODE_INVALID");
    const recoveryCodes = newRecoveryCodes();
    const confirmed = await storage.secondFactors.confirmTotp({
      userId,
      now,
      step,
      recoveryCodeHashes: recoveryCodes.map(hashRecoveryCode),
      audit: { type: "totp_enabled", at: now, userId, sessionId, ...who(meta) },
    });
    if (!confirmed) throw new AuthError("MFA_CODE_INVALID");
    await this.resealIfStale(factor, opened);
    await this.notify(userId, { kind: "totp_enabled" }, meta);
    return { recoveryCodes };
  }

  /** Needs the password and a current code; ends every other session of the account. */
  async disableTotp(
    userId: string,
    sessionId: string,
    input: { currentPassword: string; code: string },
    meta: RequestMeta,
  ): Promise<void> {
    await this.verifyPasswordAndCode(userId, sessionId, input, meta);
    const now = this.deps.clock.now();
    const revoked = await this.deps.storage.secondFactors.removeTotp({
      userId,
      now,
      exceptSessionId: sessionId,
      reason: "second_factor_removed",
      audit: { type: "totp_disabled", at: now, userId, sessionId, ...who(meta) },
    });
    for (const id of revoked) this.deps.revoked.add(id, now);
    await this.notify(userId, { kind: "totp_disabled" }, meta);
  }

  /** A new set of recovery codes (the old set is void), behind the password and a current code. */
  async regenerateRecoveryCodes(
    userId: string,
    sessionId: string,
    input: { currentPassword: string; code: string },
    meta: RequestMeta,
  ): Promise<RecoveryCodes> {
    await this.verifyPasswordAndCode(userId, sessionId, input, meta);
    const now = this.deps.clock.now();
    const recoveryCodes = newRecoveryCodes();
    await this.deps.storage.secondFactors.replaceRecoveryCodes({
      userId,
      now,
      hashes: recoveryCodes.map(hashRecoveryCode),
      audit: { type: "recovery_codes_regenerated", at: now, userId, sessionId, ...who(meta) },
    });
    await this.notify(userId, { kind: "recovery_codes_regenerated" }, meta);
    return { recoveryCodes };
  }

  /**
   * The second step of a sign-in: the ticket of MFA_REQUIRED and a TOTP code
   * or a recovery code. A wrong code is `MFA_CODE_INVALID` and leaves the
   * ticket for another try, within the throttle that counts wrong passwords;
   * a right one spends the ticket and opens the session.
   */
  async verify(
    input: VerifyMfaInput,
    meta: RequestMeta,
    deviceToken?: string,
  ): Promise<IssuedTokens> {
    const dpopJkt = await dpopThumbprint(this.deps, meta);
    const { storage, mfaTickets, devices, clock, audit } = this.deps;
    const ticket = await mfaTickets.find(input.mfaToken);
    const user = await storage.users.findById(ticket.userId);
    if (!user || user.credentialVersion !== ticket.credentialVersion) {
      throw new AuthError("MFA_TOKEN_INVALID");
    }
    if (user.disabledAt !== null) throw new AuthError("ACCOUNT_DISABLED");
    const factor = await storage.secondFactors.findTotp(user.id);
    if (factor?.confirmedAt == null) throw new AuthError("MFA_TOKEN_INVALID");
    const deviceId = devices.deviceOf(deviceToken, user.id);
    const subject: AttemptSubject = deviceId
      ? { kind: "device", deviceId }
      : { kind: "account", email: user.email };
    // Opened before the throttle: a secret the server cannot open is its
    // operator's to fix, and must not count against the owner as a wrong code.
    const opened = input.code === undefined ? undefined : this.openSecret(factor);
    let recoveryCodesLeft: number | undefined;
    const { passed } = await throttledCheck(this.deps, subject, user.id, meta, async () => {
      if (opened !== undefined && input.code !== undefined) {
        const step = totpStepOf(opened.secret, input.code, clock.now());
        return {
          passed:
            step !== undefined && (await storage.secondFactors.useTotpStep(user.id, step, true)),
        };
      }
      const code = hashRecoveryCode(input.recoveryCode ?? "");
      recoveryCodesLeft = await storage.secondFactors.useRecoveryCode(user.id, code);
      return { passed: recoveryCodesLeft !== undefined };
    });
    if (!passed) {
      await audit.record("mfa_failed", { userId: user.id }, meta);
      throw new AuthError("MFA_CODE_INVALID");
    }
    await mfaTickets.consume(input.mfaToken);
    if (opened !== undefined) await this.resealIfStale(factor, opened);
    if (recoveryCodesLeft !== undefined) {
      await audit.record("recovery_code_used", { userId: user.id }, meta, {
        remaining: recoveryCodesLeft,
      });
      await this.notify(user.id, { kind: "recovery_code_used", left: recoveryCodesLeft }, meta);
    }
    return startSession(this.deps, { ...user, credentialVersion: ticket.credentialVersion }, meta, {
      event: "login_succeeded",
      dpopJkt,
      amr: [...ticket.amr, ...SECOND_FACTOR_AMR],
      deviceToken: deviceId ? deviceToken : undefined,
    });
  }

  /** The password (throttled on the session) and a current, never-used code of the confirmed factor. */
  private async verifyPasswordAndCode(
    userId: string,
    sessionId: string,
    input: { currentPassword: string; code: string },
    meta: RequestMeta,
  ): Promise<UserRecord> {
    const user = await verifyCurrentPassword(
      this.deps,
      userId,
      sessionId,
      input.currentPassword,
      meta,
    );
    const { storage, clock } = this.deps;
    const factor = await storage.secondFactors.findTotp(userId);
    if (factor?.confirmedAt == null) throw new AuthError("MFA_NOT_ENABLED");
    const opened = this.openSecret(factor);
    const step = totpStepOf(opened.secret, input.code, clock.now());
    if (step === undefined || !(await storage.secondFactors.useTotpStep(userId, step, true))) {
      throw new AuthError("MFA_CODE_INVALID");
    }
    await this.resealIfStale(factor, opened);
    return user;
  }

  /**
   * The factor's secret. One under a key that is not configured is logged
   * for the operator, naming the key, and answers `MFA_UNAVAILABLE`: the
   * owner cannot fix it and a recovery code still works. One its own key
   * does not open (altered, or moved from another account) cannot pass.
   */
  private openSecret(factor: TotpFactorRecord): { secret: string; stale: boolean } {
    const opened = this.deps.totpSecrets.open(factor.userId, factor.sealedSecret);
    if (opened.kind === "opened") return opened;
    this.deps.log(describeUnopenedSecret(factor.userId, opened));
    if (opened.kind === "key_missing") throw new AuthError("MFA_UNAVAILABLE");
    throw new AuthError("MFA_CODE_INVALID");
  }

  /**
   * After a code from it passed, a secret under a previous key is sealed
   * again under the current one, so the previous key can in time be
   * dropped. Compare-and-set: a factor begun again meanwhile is left alone.
   */
  private async resealIfStale(
    factor: TotpFactorRecord,
    opened: { secret: string; stale: boolean },
  ): Promise<void> {
    if (!opened.stale) return;
    const resealed = this.deps.totpSecrets.seal(factor.userId, opened.secret);
    await this.deps.storage.secondFactors.resealTotp(factor.userId, factor.sealedSecret, resealed);
  }

  private async notify(
    userId: string,
    change: Parameters<typeof secondFactorNotice>[1],
    meta: RequestMeta,
  ): Promise<void> {
    const user = await this.deps.storage.users.findById(userId);
    if (user) this.deps.links.notify(userId, secondFactorNotice(user.email, change), meta);
  }
}

/** The name authenticator apps show for the account: the issuer's host. */
function issuerName(issuer: string): string {
  try {
    return new URL(issuer).host;
  } catch {
    return issuer;
  }
}

const who = (meta: RequestMeta) => ({ ip: meta.ip, userAgent: meta.userAgent });
