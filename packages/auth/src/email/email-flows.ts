import type { ChangeEmailInput } from "@sesame/contracts";
import { AuthError } from "@sesame/contracts";
import { normalizeEmail } from "../accounts/normalize-email.ts";
import { verifyCurrentPassword } from "../accounts/password-check.ts";
import type { AuthDeps } from "../auth-deps.ts";
import { requireSecondFactorIfEnrolled } from "../mfa/mfa-challenge.ts";
import { assertAcceptablePassword } from "../passwords/password-policy.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { IssuedTokens } from "../sessions/issued-tokens.ts";
import { dpopThumbprint, startSession } from "../sessions/start-session.ts";
import type { UserRecord } from "../storage.ts";
import { mailMessages } from "./mail-messages.ts";

/** RFC 8176 registers no method for a link mailed to the account's address; this one names it. */
const LINK_AMR = "email";

/**
 * The flows that go through the user's mailbox: verifying the address,
 * resetting a forgotten password, changing the address, signing in with a
 * link. Every decision is made here, once, for every storage backend: what
 * a token may do, when it has expired, which sessions end.
 *
 * The public requests (a reset, a sign-in link) answer the same body after
 * the same work whether or not the address has an account: both spend the
 * same budgets, and finding the account, storing the token and sending the
 * mail happen after the answer (EmailLinks.send). Their limits are kept per
 * address and per IP in the database, and never lock the account.
 */
export class EmailFlows {
  constructor(private readonly deps: AuthDeps) {}

  /** Mails the signed-in user a new verification link (nothing to do once verified). */
  async requestEmailVerification(
    userId: string,
    sessionId: string,
    meta: RequestMeta,
  ): Promise<void> {
    const user = await this.liveUser(userId);
    if (user.emailVerifiedAt !== null) return;
    await this.deps.mailBudget.spend(user.email, meta);
    this.deps.links.send("verify_email", async () => ({ userId, to: user.email, sessionId }), meta);
  }

  /** Marks the address verified, if it is still the account's address. */
  async verifyEmail(token: string, meta: RequestMeta): Promise<void> {
    const record = await this.deps.links.redeem(token, "verify_email", meta);
    const now = this.deps.clock.now();
    if (!(await this.deps.storage.users.markEmailVerified(record.userId, record.email, now))) {
      // The account moved to another address since the link was sent.
      throw new AuthError("LINK_INVALID");
    }
    await this.deps.audit.record("email_verified", { userId: record.userId }, meta);
  }

  async requestPasswordReset(email: string, meta: RequestMeta): Promise<void> {
    const address = normalizeEmail(email);
    await this.deps.mailBudget.spend(address, meta);
    this.deps.links.send("reset_password", () => this.enabledAccountAt(address), meta);
  }

  /**
   * Sets the new password (the sign-up policy, checked before the link is
   * spent so a refused password leaves it usable), ends every session of the
   * account at once, voids the other reset and sign-in links, lifts a
   * lockout and mails a notice. It signs nobody in: whoever reset the
   * password signs in with it, like everyone else. An account whose address
   * was never verified before goes to the owner the link proved, alone (its
   * passkeys, and identities not vouching for the address, are removed).
   */
  async resetPassword(token: string, newPassword: string, meta: RequestMeta): Promise<void> {
    assertAcceptablePassword(newPassword);
    const { storage, clock, hasher, links } = this.deps;
    const passwordHash = await hasher.hash(newPassword);
    const record = await links.redeem(token, "reset_password", meta);
    const user = await storage.users.findById(record.userId);
    if (!user || user.email !== record.email) throw new AuthError("LINK_INVALID");
    if (user.disabledAt !== null) throw new AuthError("ACCOUNT_DISABLED");
    const now = clock.now();
    const event = { at: now, userId: user.id, sessionId: null, ...who(meta) };
    const revoked = await storage.users.replacePassword({
      userId: user.id,
      passwordHash,
      now,
      reason: "password_reset",
      audit: { type: "password_reset", ...event },
      // Until now nobody had proven they read this address: whoever set up
      // the account's other ways in may not be its owner (someone who signed
      // up with the address first, at a provider that does not vouch for it
      // or with a password, and added a passkey). The owner the link proved
      // takes the account alone: only an identity whose provider verified
      // this very address stays. A second factor stays too: a reset never
      // bypasses one.
      takeover:
        user.emailVerifiedAt === null
          ? {
              email: user.email,
              identityAudit: { type: "identity_unlinked", ...event },
              passkeyAudit: { type: "passkey_removed", ...event },
            }
          : undefined,
    });
    for (const id of revoked) this.deps.revoked.add(id, now);
    await storage.emailTokens.voidForUser(user.id, ["reset_password", "sign_in"]);
    // The link proved the mailbox: the address is verified, and the lockout
    // someone caused by guessing the old password no longer stands.
    await storage.users.markEmailVerified(user.id, user.email, now);
    await this.deps.throttle.forgetAccount(user.email);
    links.notify(user.id, mailMessages.passwordResetNotice(user.email), meta);
  }

  /**
   * Needs the current password (throttled on the calling session). The
   * address changes only when the link mailed to the new one is opened; the
   * old one is told at once, with no link in the mail.
   */
  async changeEmail(
    userId: string,
    sessionId: string,
    input: ChangeEmailInput,
    meta: RequestMeta,
  ): Promise<void> {
    const user = await verifyCurrentPassword(
      this.deps,
      userId,
      sessionId,
      input.currentPassword,
      meta,
    );
    const newEmail = normalizeEmail(input.newEmail);
    if (newEmail === user.email) return;
    // Said only to the signed-in owner who just proved the password.
    if (await this.deps.storage.users.findByEmail(newEmail)) throw new AuthError("EMAIL_TAKEN");
    await this.deps.mailBudget.spend(newEmail, meta);
    const { links } = this.deps;
    links.send("change_email", async () => ({ userId, to: newEmail, sessionId }), meta);
    links.notify(userId, mailMessages.emailChangeNotice(user.email, newEmail), meta);
  }

  async confirmEmailChange(token: string, meta: RequestMeta): Promise<void> {
    const { storage, clock, links } = this.deps;
    const record = await links.redeem(token, "change_email", meta);
    const user = await storage.users.findById(record.userId);
    if (!user || user.disabledAt !== null) throw new AuthError("LINK_INVALID");
    const now = clock.now();
    const outcome = await storage.users.changeEmail({
      userId: user.id,
      fromEmail: user.email,
      toEmail: record.email,
      now,
      audit: { type: "email_changed", at: now, userId: user.id, sessionId: null, ...who(meta) },
    });
    if (outcome === "email_taken") throw new AuthError("EMAIL_TAKEN");
    if (outcome === "stale") throw new AuthError("LINK_INVALID");
    // Links mailed to the old address must not act on the account any more.
    await storage.emailTokens.voidForUser(user.id, ["verify_email", "reset_password", "sign_in"]);
  }

  async requestSignInLink(email: string, meta: RequestMeta): Promise<void> {
    const address = normalizeEmail(email);
    await this.deps.mailBudget.spend(address, meta);
    this.deps.links.send("sign_in", () => this.enabledAccountAt(address), meta);
  }

  /** A new session, as a password sign-in makes; the link also proves the address. */
  async signInWithLink(
    token: string,
    meta: RequestMeta,
    deviceToken?: string,
  ): Promise<IssuedTokens> {
    // The proof is checked before the link is spent: a refused one leaves it usable.
    const dpopJkt = await dpopThumbprint(this.deps, meta);
    const { storage, clock, devices, links } = this.deps;
    const record = await links.redeem(token, "sign_in", meta);
    const user = await storage.users.findById(record.userId);
    if (!user || user.email !== record.email) throw new AuthError("LINK_INVALID");
    if (user.disabledAt !== null) throw new AuthError("ACCOUNT_DISABLED");
    const now = clock.now();
    await storage.users.markEmailVerified(user.id, user.email, now);
    // The mailbox is one factor: an account with a second factor still needs it.
    await requireSecondFactorIfEnrolled(this.deps, user, [LINK_AMR]);
    const deviceId = devices.deviceOf(deviceToken, user.id);
    return startSession(
      this.deps,
      { ...user, emailVerifiedAt: user.emailVerifiedAt ?? now },
      meta,
      {
        event: "sign_in_link_used",
        dpopJkt,
        amr: [LINK_AMR],
        deviceToken: deviceId ? deviceToken : undefined,
      },
    );
  }

  /** The recipient of a public request: an enabled account at the address, or nobody. */
  private async enabledAccountAt(address: string) {
    const user = await this.deps.storage.users.findByEmail(address);
    return user && user.disabledAt === null ? { userId: user.id, to: user.email } : undefined;
  }

  private async liveUser(userId: string): Promise<UserRecord> {
    const user = await this.deps.storage.users.findById(userId);
    if (!user || user.disabledAt !== null) throw new AuthError("SESSION_REVOKED");
    return user;
  }
}

const who = (meta: RequestMeta) => ({ ip: meta.ip, userAgent: meta.userAgent });
