import { randomBytes } from "node:crypto";
import { AuthError } from "@sesame/contracts";
import type { Clock } from "../clock.ts";
import type { MfaTicketRecord, MfaTicketStore, UserRecord } from "../storage.ts";
import { hashToken } from "../tokens/token-hash.ts";

/** How long the second step of a sign-in may take. */
export const MFA_TICKET_TTL_MS = 5 * 60 * 1000;

/**
 * The `mfaToken` of MFA_REQUIRED: proof that the first factor passed,
 * for one account, for five minutes, usable once. Wrong codes leave it
 * alive (a typo is not a new sign-in); the throttle counts them instead.
 */
export class MfaTickets {
  constructor(
    private readonly store: MfaTicketStore,
    private readonly clock: Clock,
  ) {}

  async issue(user: UserRecord, amr: string[]): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    const now = this.clock.now();
    await this.store.issue({
      ticketHash: hashToken(token),
      userId: user.id,
      credentialVersion: user.credentialVersion,
      amr,
      createdAt: now,
      expiresAt: now + MFA_TICKET_TTL_MS,
    });
    return token;
  }

  /** The live ticket behind `token`, or `MFA_TOKEN_INVALID`. */
  async find(token: string): Promise<MfaTicketRecord> {
    const ticket = await this.store.find(hashToken(token));
    if (!ticket || ticket.expiresAt <= this.clock.now()) throw new AuthError("MFA_TOKEN_INVALID");
    return ticket;
  }

  /** Spends the ticket; `MFA_TOKEN_INVALID` for every caller but the one that did. */
  async consume(token: string): Promise<void> {
    if (!(await this.store.consume(hashToken(token)))) throw new AuthError("MFA_TOKEN_INVALID");
  }
}
