import { randomBytes } from "node:crypto";
import type { AuditEventType } from "@sesame/contracts";
import { AuthError } from "@sesame/contracts";
import type { AuditTrail } from "../audit/audit-trail.ts";
import type { AuthConfig } from "../auth-config.ts";
import type { Clock } from "../clock.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { AuthStorage, EmailTokenPurpose, EmailTokenRecord } from "../storage.ts";
import { hashToken } from "../tokens/token-hash.ts";
import { type LinkPage, linkTo, mailMessages } from "./mail-messages.ts";
import type { MailQueue } from "./mail-queue.ts";
import type { MailMessage } from "./mail-transport.ts";

/** The page each kind of link opens. */
const PAGE: Record<EmailTokenPurpose, LinkPage> = {
  verify_email: "verify-email",
  reset_password: "reset-password",
  change_email: "confirm-email",
  sign_in: "sign-in-link",
};

/** The audit event of each kind of link being issued. */
const REQUESTED: Record<EmailTokenPurpose, AuditEventType> = {
  verify_email: "email_verification_requested",
  reset_password: "password_reset_requested",
  change_email: "email_change_requested",
  sign_in: "sign_in_link_requested",
};

const TEMPLATE: Record<EmailTokenPurpose, (to: string, link: string, ttl: number) => MailMessage> =
  {
    verify_email: mailMessages.verifyEmail,
    reset_password: mailMessages.resetPassword,
    change_email: mailMessages.confirmEmailChange,
    sign_in: mailMessages.signInLink,
  };

/** Who a link goes to: the account, and the address it is mailed to. */
export interface LinkRecipient {
  userId: string;
  to: string;
  /** The session that asked, for the audit event (none for a public request). */
  sessionId?: string | null;
}

/**
 * One-time links by mail. A token is 32 random bytes (256 bits; the
 * contract asks for 128 at least); only its SHA-256 is stored, so a copy of
 * the database opens nothing. A newer link of the same purpose voids the
 * older ones, and a token is consumed by one atomic delete, so of two
 * simultaneous uses exactly one gets through.
 */
export class EmailLinks {
  constructor(
    private readonly deps: {
      storage: AuthStorage;
      clock: Clock;
      config: AuthConfig;
      audit: AuditTrail;
      mail: MailQueue;
    },
  ) {}

  /**
   * Mails a link off the request path: `find` names the recipient (or
   * nobody, for an address with no account), then the token is stored, the
   * request audited and the mail sent — all after the request has answered,
   * so its time says nothing about whether the account exists.
   */
  send(
    purpose: EmailTokenPurpose,
    find: () => Promise<LinkRecipient | undefined>,
    meta: RequestMeta,
  ): void {
    const { storage, clock, config, audit } = this.deps;
    this.deps.mail.enqueue({
      label: `a ${purpose.replace("_", " ")} link`,
      meta,
      compose: async () => {
        const recipient = await find();
        if (!recipient) return undefined;
        const token = randomBytes(32).toString("base64url");
        const ttl = lifetimeOf(config, purpose);
        const now = clock.now();
        await storage.emailTokens.issue({
          tokenHash: hashToken(token),
          purpose,
          userId: recipient.userId,
          email: recipient.to,
          createdAt: now,
          expiresAt: now + ttl * 1000,
        });
        await audit.record(REQUESTED[purpose], recipient, meta);
        const link = linkTo(config.appUrl ?? config.issuer, PAGE[purpose], token);
        return { userId: recipient.userId, message: TEMPLATE[purpose](recipient.to, link, ttl) };
      },
    });
  }

  /** Mails a notice that carries no link (a password reset, an address about to change). */
  notify(userId: string, message: MailMessage, meta: RequestMeta): void {
    this.deps.mail.enqueue({
      label: `a notice (${message.subject})`,
      meta,
      compose: async () => ({ userId, message }),
    });
  }

  /**
   * Consumes the token: `LINK_INVALID` if it is unknown, used, voided by a
   * newer link or of another purpose; `LINK_EXPIRED` (audited) if it is past
   * its time — consumed either way, so no token is tried twice.
   */
  async redeem(
    token: string,
    purpose: EmailTokenPurpose,
    meta: RequestMeta,
  ): Promise<EmailTokenRecord> {
    const { storage, clock, audit } = this.deps;
    const record = await storage.emailTokens.consume(hashToken(token), purpose);
    if (!record) throw new AuthError("LINK_INVALID");
    if (record.expiresAt <= clock.now()) {
      await audit.record("email_link_expired", { userId: record.userId }, meta);
      throw new AuthError("LINK_EXPIRED", { email: record.email });
    }
    return record;
  }
}

function lifetimeOf(config: AuthConfig, purpose: EmailTokenPurpose): number {
  const links = config.emailLinks;
  switch (purpose) {
    case "verify_email":
      return links.verifyEmailTtl;
    case "reset_password":
      return links.resetPasswordTtl;
    case "change_email":
      return links.changeEmailTtl;
    case "sign_in":
      return links.signInTtl;
  }
}
