import type { AuditEventType, Role } from "./contracts/outputs.ts";

/**
 * What the auth core needs from a database. `@sesame/db` implements it on
 * SQLite; a PostgreSQL implementation would slot in without touching the core.
 * All times are epoch milliseconds.
 */
export interface AuthStorage {
  users: UserStore;
  sessions: SessionStore;
  throttle: ThrottleStore;
  audit: AuditStore;
}

export interface UserRecord {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
  disabledAt: number | null;
}

export interface UserStore {
  /** Inserts the user, or answers `"email_taken"` when the normalized email exists. */
  create(user: UserRecord): Promise<"created" | "email_taken">;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  findById(id: string): Promise<UserRecord | undefined>;
  updatePasswordHash(userId: string, passwordHash: string, now: number): Promise<void>;
  setDisabled(userId: string, disabledAt: number | null, now: number): Promise<void>;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  lastUsedAt: number;
  idleExpiresAt: number;
  absoluteExpiresAt: number;
  revokedAt: number | null;
  revokeReason: RevokeReason | null;
  userAgent: string | null;
  ip: string | null;
}

export type RevokeReason =
  | "logout"
  | "logout_all"
  | "revoked_by_user"
  | "password_changed"
  | "refresh_reused"
  | "account_disabled";

/** A refresh token as stored: never the token itself, only its SHA-256. */
export interface StoredRefreshToken {
  tokenHash: string;
  sessionId: string;
  parentHash: string | null;
  issuedAt: number;
  expiresAt: number;
}

export interface RotationRequest {
  presentedHash: string;
  /** The successor, minted before the transaction; used only if the presented token is current. */
  successor: StoredRefreshToken & {
    /** The successor token sealed under a key only the presented token derives (see successor-seal). */
    sealedForParent: string;
  };
  now: number;
  graceMs: number;
  /** New idle expiry of the session if it rotates (already capped by the absolute expiry). */
  idleExpiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

/** The outcome of one atomic rotation step; see DESIGN.md "Tokens". */
export type RotationOutcome =
  | { kind: "rotated"; session: SessionRecord }
  | {
      kind: "grace";
      session: SessionRecord;
      sealedSuccessor: string;
      successorExpiresAt: number;
    }
  | { kind: "reused"; session: SessionRecord }
  | { kind: "unknown" }
  | { kind: "revoked"; session: SessionRecord }
  | { kind: "expired"; session: SessionRecord };

export interface SessionStore {
  /** Creates the session together with its first refresh token, atomically. */
  create(session: SessionRecord, firstToken: StoredRefreshToken): Promise<void>;
  findById(id: string): Promise<SessionRecord | undefined>;
  /** Sessions neither revoked nor expired at `now`, newest first. */
  listActive(userId: string, now: number): Promise<SessionRecord[]>;
  /** Marks one session revoked; answers false when it was not live or not the user's. */
  revoke(sessionId: string, userId: string, reason: RevokeReason, now: number): Promise<boolean>;
  /** Revokes all the user's live sessions but `exceptSessionId`; answers the ids revoked. */
  revokeAllForUser(
    userId: string,
    reason: RevokeReason,
    now: number,
    exceptSessionId?: string,
  ): Promise<string[]>;
  /**
   * One atomic step that a concurrent request cannot split: decides the
   * presented token's fate and, when it is current, rotates it. Reuse revokes
   * the session inside the same step.
   */
  rotate(request: RotationRequest): Promise<RotationOutcome>;
  /** Finds the session a refresh token belongs to (for logout by refresh token). */
  findByRefreshTokenHash(tokenHash: string): Promise<SessionRecord | undefined>;
  /**
   * Session revocations committed after `cursor`, by this or any other process
   * sharing the database. Synchronous and cheap when nothing changed, because
   * it runs on every authenticated request; answers undefined then.
   */
  pollRevocations(cursor: number): RevocationBatch | undefined;
  /** Deletes sessions dead for longer than `retainMs`, with their tokens. */
  purgeDead(now: number, retainMs: number): Promise<number>;
}

export interface RevocationBatch {
  cursor: number;
  revocations: Array<{ sessionId: string; revokedAt: number }>;
}

export interface ThrottleCounter {
  key: string;
  failures: number;
  windowStartedAt: number;
  lastFailureAt: number;
}

/** A counter that starts again from zero `expireAfterMs` after its window opened or its last failure. */
export interface ThrottleKey {
  key: string;
  expireAfterMs: number;
  anchor: "window_start" | "last_failure";
}

export interface ThrottleStore {
  /** The counters for `keys`; a missing or expired one reads as zero failures. */
  read(keys: ThrottleKey[], now: number): Promise<ThrottleCounter[]>;
  /** Adds one failure to each key, atomically across processes (an expired counter restarts at one). */
  recordFailure(keys: ThrottleKey[], now: number): Promise<void>;
  /** Forgets the key's failures (a successful login resets its account). */
  clear(key: string): Promise<void>;
  /** Deletes counters whose window opened and last failure happened before `before`; answers how many. */
  purgeIdleBefore(before: number): Promise<number>;
}

export interface AuditRecord {
  type: AuditEventType;
  at: number;
  userId: string | null;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditStore {
  append(event: AuditRecord): Promise<void>;
  listForUser(userId: string, limit: number): Promise<Array<AuditRecord & { id: number }>>;
  /** Deletes events older than `before`; answers how many. */
  purgeBefore(before: number): Promise<number>;
}
