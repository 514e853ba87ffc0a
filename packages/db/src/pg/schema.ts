import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/**
 * The auth database on PostgreSQL: table for table and column for column the
 * SQLite schema (../sqlite/schema.ts), so both backends hold the same facts
 * under the same names. All times are epoch milliseconds in `bigint` columns,
 * read as JavaScript numbers (exact up to 2^53 ms, the year 287396). One
 * table more: the signing-key ring, which SQLite's processes keep in the key
 * file beside the database but machines sharing only PostgreSQL cannot.
 */

/** Epoch milliseconds. */
const ms = (name: string) => bigint(name, { mode: "number" });

/** A 64-bit transaction id (never wraps around), as text: only SQL compares it. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  /** Normalized (trimmed, lowercased) so one address is one account. */
  email: text("email").notNull().unique(),
  name: text("name"),
  role: text("role", { enum: ["user", "admin"] })
    .notNull()
    .default("user"),
  /**
   * argon2id PHC string: algorithm, parameters and salt travel with the hash.
   * An empty string: no password (an account made by signing in with a
   * provider); the store reads it as null. NOT NULL as on SQLite, where
   * making it nullable would rebuild the table (and dropping `users` with
   * foreign keys on would cascade to every session, token and event).
   */
  passwordHash: text("password_hash").notNull(),
  createdAt: ms("created_at").notNull(),
  updatedAt: ms("updated_at").notNull(),
  disabledAt: ms("disabled_at"),
  /**
   * Bumped by every change that must end the sessions a credential opened (a
   * new password, disabling the account): a login creates its session only if
   * the version it verified against is still current, in the same transaction.
   */
  credentialVersion: integer("credential_version").notNull().default(0),
  /**
   * When the owner last proved they receive mail at `email` (used a link
   * mailed to it); null if never. Set only while `email` is the address the
   * link went to, and moved by an email change, which the new address's link confirms.
   */
  emailVerifiedAt: ms("email_verified_at"),
});

/**
 * A session ("device") and its refresh-token chain, in one row whatever the
 * number of rotations: only the SHA-256 of the current token and of its
 * parent are kept; any other well-signed token of the session is a spent one.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: ms("created_at").notNull(),
    lastUsedAt: ms("last_used_at").notNull(),
    /** Moves forward with each refresh, never past `absoluteExpiresAt`. */
    idleExpiresAt: ms("idle_expires_at").notNull(),
    absoluteExpiresAt: ms("absolute_expires_at").notNull(),
    revokedAt: ms("revoked_at"),
    revokeReason: text("revoke_reason"),
    userAgent: text("user_agent"),
    ip: text("ip"),
    /** RFC 7638 thumbprint of the DPoP key the session's refresh tokens are bound to (RFC 9449), if any. */
    dpopJkt: text("dpop_jkt"),
    /** SHA-256 of the current refresh token: the compare-and-set key of a rotation (set by every insert). */
    refreshHash: text("refresh_hash"),
    /** SHA-256 of the token the current one replaced, for the grace window. */
    parentHash: text("parent_hash"),
    /** When the parent was spent (the current token was issued). */
    rotatedAt: ms("rotated_at"),
    /** Who rotated the parent (a hash of its user agent and network): only that client gets the grace answer. */
    rotatedBy: text("rotated_by"),
    /**
     * How the session was signed in: its RFC 8176 `amr` values as a JSON
     * array (`["pwd"]`, `["pwd","otp","mfa"]`), carried by every access token
     * of the session. Set by the insert and never moved (a rotation leaves it
     * alone, and it is not indexed). Sessions opened before second factors
     * existed were all opened with a password or a link: they get `["pwd"]`.
     */
    amr: text("amr").notNull().default('["pwd"]'),
  },
  // Only the immutable user id is indexed: a rotation changes no indexed
  // column, so PostgreSQL can write it as a heap-only (HOT) update, in place,
  // adding no index entry (the purge of dead sessions reads the whole table,
  // rarely; the seals have a table of their own).
  (table) => [index("sessions_user_id_idx").on(table.userId)],
);

/**
 * The successor of a session's current token sealed for its parent
 * (successor-seal.ts in @sesame/auth), so the parent can yield the same
 * successor in the grace window: one row per session that rotated within the
 * last seconds, replaced by each rotation and erased by a sweep every few
 * seconds once the window has passed. Beside the session row rather than in
 * it, so the sweep needs no index on the sessions table.
 */
export const sessionSeals = pgTable("session_seals", {
  sessionId: text("session_id")
    .primaryKey()
    .references(() => sessions.id, { onDelete: "cascade" }),
  /** When the parent was spent: the seal is erased once the grace window after it has passed. */
  sealedAt: ms("sealed_at").notNull(),
  /** The current token, under a key derived from the parent token and a server secret. */
  seal: text("seal").notNull(),
});

/** The hashed `jti` of every DPoP proof accepted (RFC 9449 §11.1), until it could no longer pass the `iat` check. */
export const dpopProofs = pgTable(
  "dpop_proofs",
  {
    jtiHash: text("jti_hash").primaryKey(),
    expiresAt: ms("expires_at").notNull(),
  },
  (table) => [index("dpop_proofs_expires_at_idx").on(table.expiresAt)],
);

/**
 * An append-only feed of session revocations, read by every server process
 * (pg-revocation-feed.ts). `seq` orders rows but is no cursor: sequence
 * values are taken at insert and commit out of order, so a reader of
 * `seq > cursor` could pass over a row committed late. `xid` is the writing
 * transaction's id, which the reader compares with its snapshot's horizon instead.
 */
export const sessionRevocations = pgTable(
  "session_revocations",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    sessionId: text("session_id").notNull(),
    revokedAt: ms("revoked_at").notNull(),
    xid: xid8("xid").notNull().default(sql`pg_current_xact_id()`),
  },
  (table) => [index("session_revocations_xid_idx").on(table.xid)],
);

/** Failed-login and request counters per account and per IP, shared by every process. */
export const throttleCounters = pgTable("throttle_counters", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStartedAt: ms("window_started_at").notNull(),
  lastFailureAt: ms("last_failure_at").notNull(),
});

export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    type: text("type").notNull(),
    at: ms("at").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    sessionId: text("session_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** Repeated events (failed sign-ins, refreshes) are folded into one row: how many, and when the first was (`at` is the last). */
    count: integer("count").notNull().default(1),
    /** When the first event a row counts happened: set by the insert and never moved, so it can be indexed. */
    firstAt: ms("first_at").notNull(),
    /**
     * What the event says beyond its type, as canonical JSON (audit-detail-json.ts),
     * or null: compared as text when a fold decides whether a run goes on.
     */
    detail: text("detail"),
  },
  (table) => [
    // The fold lookups read a user's recent rows by when they started: a fold
    // moves only `count`, `at`, the client columns and the detail, none of them
    // indexed but the session (which a session's own run never changes), so on
    // PostgreSQL it is a heap-only update.
    index("audit_events_user_id_first_at_idx").on(table.userId, table.firstAt),
    // The cap counts an account's rows of the foldable types in the hour, and
    // past it a fold takes the latest row of the event's type: by type, they
    // read only those rows (at most the cap's), not every sign-in and
    // sign-out the account started in the hour.
    index("audit_events_user_id_type_first_at_idx").on(table.userId, table.type, table.firstAt),
    // A session's routine run (its refreshes) is found by the session alone,
    // newest first: one rotation reads one or two index entries, however many
    // sessions the account has.
    index("audit_events_session_id_id_idx").on(table.sessionId, table.id),
    // audit.list pages an account's events newest first by id.
    index("audit_events_user_id_id_idx").on(table.userId, table.id),
  ],
);

/**
 * One-time email links (verify an address, reset a password, confirm an
 * email change, sign in), as their token's SHA-256 only. A row is spent by
 * deleting it (DELETE ... RETURNING): of simultaneous uses, from any number
 * of nodes, PostgreSQL lets exactly one delete it.
 */
export const emailTokens = pgTable(
  "email_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    /** Each purpose is a namespace of its own: a link of one purpose is no token of another. */
    purpose: text("purpose", {
      enum: ["verify_email", "reset_password", "change_email", "sign_in"],
    }).notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The address the link was mailed to (for an email change, the new address). */
    email: text("email").notNull(),
    createdAt: ms("created_at").notNull(),
    expiresAt: ms("expires_at").notNull(),
  },
  (table) => [
    // A new link voids the user's older ones of its purpose, and a reset or
    // an email change voids the user's links of several purposes.
    index("email_tokens_user_id_purpose_idx").on(table.userId, table.purpose),
    // The purge of expired links.
    index("email_tokens_expires_at_idx").on(table.expiresAt),
  ],
);

/**
 * An account's TOTP factor (RFC 6238): at most one, so keyed by the user.
 * The secret is sealed by the auth core before it gets here, so a copy of
 * the database yields no codes. Unconfirmed until one valid code confirms
 * it; a new enrolment replaces an unconfirmed factor, never a confirmed one.
 */
export const totpFactors = pgTable("totp_factors", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  sealedSecret: text("sealed_secret").notNull(),
  createdAt: ms("created_at").notNull(),
  /** When a valid code confirmed it; null while it is not yet asked for at sign-in. */
  confirmedAt: ms("confirmed_at"),
  /**
   * The newest time step a code was accepted for: the guarded update that
   * accepts a code moves it only forward, so of simultaneous uses of a code,
   * from any number of nodes, PostgreSQL lets one pass (RFC 6238 §5.2).
   */
  lastUsedStep: bigint("last_used_step", { mode: "number" }),
});

/**
 * An account's recovery codes, as the SHA-256 of each (codes are random, so
 * the hash alone is a key). A code is spent by deleting its row: of
 * simultaneous uses, from any number of nodes, one deletes it. A new set
 * replaces the old one whole.
 */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: ms("created_at").notNull(),
  },
  // A use counts the user's codes left; a new set deletes the old one.
  (table) => [index("recovery_codes_user_id_idx").on(table.userId)],
);

/**
 * A sign-in whose password was right and whose second factor is still to
 * come, as the SHA-256 of its ticket: single use (spent by deleting the
 * row) and short-lived. It remembers what the password proved, so the
 * second step opens a session only for that credential.
 */
export const mfaTickets = pgTable(
  "mfa_tickets",
  {
    ticketHash: text("ticket_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The credential version the password was checked against: a change since voids the ticket. */
    credentialVersion: integer("credential_version").notNull(),
    /** How the first factor was proved: RFC 8176 `amr` values as a JSON array (`["pwd"]`). */
    amr: text("amr").notNull(),
    createdAt: ms("created_at").notNull(),
    expiresAt: ms("expires_at").notNull(),
  },
  // The purge of expired tickets.
  (table) => [index("mfa_tickets_expires_at_idx").on(table.expiresAt)],
);

/**
 * An account's passkeys (WebAuthn credentials), keyed by the credential id
 * the authenticator chose: at sign-in the browser presents it, and it alone
 * names the account. Only the public key is kept, so a copy of the database
 * signs nothing. A use is recorded by one guarded update that moves the
 * signature counter only forward: an assertion whose counter did not move
 * (a cloned authenticator's) is refused, and of simultaneous uses of one
 * assertion, from any number of nodes, PostgreSQL lets one record it.
 */
export const passkeys = pgTable(
  "passkeys",
  {
    /** The credential id, base64url: unique across accounts. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The COSE public key, base64url: it checks signatures, it makes none. */
    publicKey: text("public_key").notNull(),
    /**
     * The authenticator's signature counter as last seen: an unsigned 32-bit
     * number, past `integer`'s range, so a `bigint` read as a number. 0 for
     * authenticators that keep none (most synced passkeys): theirs stays 0,
     * and every use is one.
     */
    counter: bigint("counter", { mode: "number" }).notNull(),
    /** How the browser can reach the authenticator, as a JSON array (`["internal","hybrid"]`): handed back to it, never queried. */
    transports: text("transports").notNull(),
    /** `multiDevice`: a synced passkey; `singleDevice`: bound to one authenticator. */
    deviceType: text("device_type", { enum: ["singleDevice", "multiDevice"] }).notNull(),
    /** Whether it is backed up (synced), as its last use reported: a boolean here, SQLite's 0 or 1. */
    backedUp: boolean("backed_up").notNull(),
    /** The owner's name for it, if they gave one. */
    name: text("name"),
    createdAt: ms("created_at").notNull(),
    /** When a sign-in last used it; null if never. */
    lastUsedAt: ms("last_used_at"),
  },
  // An account's passkeys are listed by user, and go with the account. A use
  // moves only `counter`, `backed_up` and `last_used_at`, none indexed, so
  // PostgreSQL can write it as a heap-only update.
  (table) => [index("passkeys_user_id_idx").on(table.userId)],
);

/**
 * The WebAuthn challenges issued and not yet answered. A challenge is random
 * but no secret (the browser is handed it), so it is its own key. It is
 * spent by deleting its row (DELETE ... RETURNING): of simultaneous answers
 * to one challenge, from any number of nodes, PostgreSQL lets exactly one
 * delete it, so a signed answer is good once.
 */
export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    challenge: text("challenge").primaryKey(),
    /** A registration's challenge signs in nobody, and a sign-in's registers nothing. */
    purpose: text("purpose", { enum: ["registration", "authentication"] }).notNull(),
    /** For a registration, the account adding the passkey (its challenges go with it); null for a sign-in, whose passkey names its account. */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    expiresAt: ms("expires_at").notNull(),
  },
  // The purge of expired challenges.
  (table) => [index("webauthn_challenges_expires_at_idx").on(table.expiresAt)],
);

/**
 * An account's identities at sign-in providers (Google, GitHub, any OpenID
 * Connect provider). (provider, subject) names one person at one provider,
 * so it is the key, and it belongs to one account: the same person signing
 * in again finds the account, and no second account can claim them, even
 * from two nodes at once. At most one identity per provider per account (the
 * unique index), so unlinking a provider names one identity.
 */
export const identities = pgTable(
  "identities",
  {
    /** The configured provider id (`google`, `github`, or another OpenID Connect provider's). */
    provider: text("provider").notNull(),
    /** The provider's stable id for the person (`sub`; GitHub's numeric user id), never their address, which can change hands. */
    subject: text("subject").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The address the provider gave (normalized); null if it gave none. */
    email: text("email"),
    /** Whether the provider said it verified that address: a boolean here, SQLite's 0 or 1. */
    emailVerified: boolean("email_verified").notNull(),
    createdAt: ms("created_at").notNull(),
    /** When a sign-in last used it; null if never. */
    lastUsedAt: ms("last_used_at"),
  },
  (table) => [
    primaryKey({ columns: [table.provider, table.subject] }),
    // One identity per provider per account; it also lists an account's
    // identities and finds the one an unlink names. A sign-in moves only
    // `last_used_at`, not indexed, so it is a heap-only update.
    uniqueIndex("identities_user_id_provider_idx").on(table.userId, table.provider),
  ],
);

/**
 * The authorization requests sent to a provider and not yet answered, keyed
 * by the SHA-256 of their `state` parameter (the state itself travels only
 * through the browser, so a copy of the database answers no callback). A
 * state is spent by deleting its row (DELETE ... RETURNING): of simultaneous
 * callbacks with one state, from any number of nodes, PostgreSQL lets
 * exactly one delete it, so an authorization code is redeemed once.
 */
export const oauthStates = pgTable(
  "oauth_states",
  {
    stateHash: text("state_hash").primaryKey(),
    /** The provider the request went to: a callback is answered only by it. */
    provider: text("provider").notNull(),
    /** The PKCE verifier (RFC 7636), sent with the code: whoever holds only the code cannot redeem it. */
    codeVerifier: text("code_verifier").notNull(),
    /** The OpenID Connect nonce the ID token must carry, so a token minted for another request is refused. */
    nonce: text("nonce").notNull(),
    /** Where the browser goes afterwards: a same-origin path. */
    returnTo: text("return_to").notNull(),
    /** Native apps: the redirect URI the request used, sent again with the code; null for browsers. */
    redirectUri: text("redirect_uri"),
    /** Browsers: the SHA-256 of the cookie the start set, so only that browser can finish; null for native apps. */
    browserHash: text("browser_hash"),
    /** Set when a signed-in account is linking a provider: the request goes with the account. */
    linkUserId: text("link_user_id").references(() => users.id, { onDelete: "cascade" }),
    expiresAt: ms("expires_at").notNull(),
  },
  // The purge of expired states.
  (table) => [index("oauth_states_expires_at_idx").on(table.expiresAt)],
);

/**
 * The signing-key ring of every node (AuthStorage.keyRing): one row, the key
 * set sealed by the caller (private keys never reach the database in the
 * clear), and a version every write moves, the key of its compare-and-set.
 */
export const keyRing = pgTable(
  "key_ring",
  {
    id: integer("id").primaryKey(),
    version: integer("version").notNull(),
    sealed: text("sealed").notNull(),
  },
  (table) => [check("key_ring_one_row", sql`${table.id} = 1`)],
);
