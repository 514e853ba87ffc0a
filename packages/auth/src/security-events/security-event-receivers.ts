import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * One service allowed to poll the revocation feed (SECURITY_EVENT_RECEIVERS):
 * its id is the `aud` of the events it receives; its secret, sent as a
 * bearer token, is how it proves it is that service.
 */
export const securityEventReceiverSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "1 to 64 letters, digits, '.', '_' or '-'"),
  secret: z
    .string()
    .min(32, "at least 32 characters: generate it (openssl rand -base64 32)")
    .max(512),
});
export type SecurityEventReceiver = z.infer<typeof securityEventReceiverSchema>;

export const securityEventReceiversSchema = z
  .array(securityEventReceiverSchema)
  .refine(
    (list) => new Set(list.map((r) => r.id)).size === list.length,
    "receiver ids must be unique",
  )
  .refine(
    (list) => new Set(list.map((r) => r.secret)).size === list.length,
    "each receiver needs its own secret",
  );

const digest = (value: string): Buffer => createHash("sha256").update(value).digest();

/**
 * Finds which receiver a bearer secret belongs to. Every configured secret
 * is compared, each in constant time (over SHA-256 digests, so lengths leak
 * nothing either), and the loop never stops early: the time taken says
 * nothing about how close a guess came or which receiver it aimed at.
 */
export class ReceiverCredentials {
  private readonly receivers: Array<{ id: string; digest: Buffer }>;

  constructor(receivers: readonly SecurityEventReceiver[]) {
    this.receivers = securityEventReceiversSchema
      .parse(receivers)
      .map((receiver) => ({ id: receiver.id, digest: digest(receiver.secret) }));
  }

  /** The receiver id the secret belongs to, or undefined. */
  authenticate(secret: string | undefined): string | undefined {
    if (secret === undefined) return undefined;
    const presented = digest(secret);
    let match: string | undefined;
    for (const receiver of this.receivers) {
      if (timingSafeEqual(receiver.digest, presented)) match = receiver.id;
    }
    return match;
  }

  get ids(): string[] {
    return this.receivers.map((receiver) => receiver.id);
  }
}
