import type { Passkey, Session, User } from "@sesame/contracts";
import type { PasskeyRecord, SessionRecord, UserRecord } from "../storage.ts";

const iso = (ms: number): string => new Date(ms).toISOString();

export function toUser(record: UserRecord): User {
  return {
    id: record.id,
    email: record.email,
    name: record.name,
    role: record.role,
    createdAt: iso(record.createdAt),
    emailVerified: record.emailVerifiedAt !== null,
  };
}

/** A session as its owner sees it: a device, with the time it will lapse if left unused. */
export function toSession(record: SessionRecord, currentSessionId: string | undefined): Session {
  return {
    id: record.id,
    createdAt: iso(record.createdAt),
    // To the minute: to the millisecond it told a thief the instant the owner rotated (a cue to replay).
    lastUsedAt: iso(record.lastUsedAt - (record.lastUsedAt % 60_000)),
    expiresAt: iso(Math.min(record.idleExpiresAt, record.absoluteExpiresAt)),
    userAgent: record.userAgent,
    ip: record.ip,
    current: record.id === currentSessionId,
  };
}

/** A passkey as its owner sees it: never its key or counter. */
export function toPasskey(record: PasskeyRecord): Passkey {
  return {
    id: record.id,
    name: record.name,
    createdAt: iso(record.createdAt),
    lastUsedAt: record.lastUsedAt === null ? null : iso(record.lastUsedAt),
    deviceType: record.deviceType,
    backedUp: record.backedUp,
  };
}
