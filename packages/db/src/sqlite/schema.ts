import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/**
 * The auth database. All times are epoch milliseconds (integers): cheap to
 * compare in SQL, converted to ISO strings only at the API boundary.
 */

export const users = sqliteTable("users", {
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
   * provider); the store reads it as null. Kept NOT NULL rather than made
   * nullable: on SQLite that change rebuilds the table, and dropping `users`
   * with foreign keys on would cascade to every session, token and event.
   */
  passwordHash: text("password_hash").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  disabledAt: integer("disabled_at"),
  /**
   * Bumped by every change that must end the sessions a credential opened (a
   * new password, disabling the account): a login creates its session only if
   * the version it verified against is still current, in the same atomic step.
   */
  credentialVersion: integer("credential_version").notNull().default(0),
  /**
   * When the owner last proved they receive mail at `email` (used a link
   * mailed to it); null if never. Set only while `email` is the address the
   * link went to, and moved by an email change, which the new address's link confirms.
   */
  emailVerifiedAt: integer("email_verified_at"),
});

/**
 * A session ("device") and its refresh-token chain, in one row whatever the
 * number of rotations. A refresh token is never stored, only the SHA-256 of
 * the current one and of its parent; any other well-signed token of the
 * session is a spent one (every token the session ever issued was signed for
 * it), so reuse is recognised without a row per spent token.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at").notNull(),
    /** Moves forward with each refresh, never past `absoluteExpiresAt`. */
    idleExpiresAt: integer("idle_expires_at").notNull(),
    absoluteExpiresAt: integer("absolute_expires_at").notNull(),
    revokedAt: integer("revoked_at"),
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
    rotatedAt: integer("rotated_at"),
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
export const sessionSeals = sqliteTable("session_seals", {
  sessionId: text("session_id")
    .primaryKey()
    .references(() => sessions.id, { onDelete: "cascade" }),
  /** When the parent was spent: the seal is erased once the grace window after it has passed. */
  sealedAt: integer("sealed_at").notNull(),
  /** The current token, under a key derived from the parent token and a server secret. */
  seal: text("seal").notNull(),
});

/**
 * The `jti` of every DPoP proof accepted (RFC 9449 §11.1), hashed, until it
 * could no longer pass the `iat` check: a proof is good for one request.
 */
export const dpopProofs = sqliteTable(
  "dpop_proofs",
  {
    jtiHash: text("jti_hash").primaryKey(),
    expiresAt: integer("expires_at").notNull(),
  },
  (table) => [index("dpop_proofs_expires_at_idx").on(table.expiresAt)],
);

/**
 * An append-only feed of session revocations. Every server process reads the
 * rows past its cursor to reject revoked sessions' access tokens at once.
 */
export const sessionRevocations = sqliteTable("session_revocations", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  sessionId: text("session_id").notNull(),
  revokedAt: integer("revoked_at").notNull(),
});

/** Failed-login counters per account and per IP, shared by every process. */
export const throttleCounters = sqliteTable("throttle_counters", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStartedAt: integer("window_started_at").notNull(),
  lastFailureAt: integer("last_failure_at").notNull(),
});

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    type: text("type").notNull(),
    at: integer("at").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    sessionId: text("session_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** Repeated events (failed sign-ins, refreshes) are folded into one row: how many, and when the first was (`at` is the last). */
    count: integer("count").notNull().default(1),
    /** When the first event a row counts happened: set by the insert and never moved, so it can be indexed. */
    firstAt: integer("first_at").notNull(),
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
 * email change, sign in). Only the SHA-256 of a link's token is kept, so a
 * copy of the database opens no account. A row is spent by deleting it,
 * which is what makes a link single-use: of simultaneous uses, one deletes it.
 */
export const emailTokens = sqliteTable(
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
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
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
export const totpFactors = sqliteTable("totp_factors", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  sealedSecret: text("sealed_secret").notNull(),
  createdAt: integer("created_at").notNull(),
  /** When a valid code confirmed it; null while it is not yet asked for at sign-in. */
  confirmedAt: integer("confirmed_at"),
  /**
   * The newest time step a code was accepted for: the guarded update that
   * accepts a code moves it only forward, so a code passes once (RFC 6238
   * §5.2), whichever process sees it first.
   */
  lastUsedStep: integer("last_used_step"),
});

/**
 * An account's recovery codes, as the SHA-256 of each (codes are random, so
 * the hash alone is a key). A code is spent by deleting its row: of
 * simultaneous uses, one deletes it. A new set replaces the old one whole.
 */
export const recoveryCodes = sqliteTable(
  "recovery_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
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
export const mfaTickets = sqliteTable(
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
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
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
 * assertion, whichever process sees them, one records it.
 */
export const passkeys = sqliteTable(
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
     * The authenticator's signature counter as last seen (an unsigned 32-bit
     * number; SQLite's integers hold it). 0 for authenticators that keep
     * none (most synced passkeys): theirs stays 0, and every use is one.
     */
    counter: integer("counter").notNull(),
    /** How the browser can reach the authenticator, as a JSON array (`["internal","hybrid"]`): handed back to it, never queried. */
    transports: text("transports").notNull(),
    /** `multiDevice`: a synced passkey; `singleDevice`: bound to one authenticator. */
    deviceType: text("device_type", { enum: ["singleDevice", "multiDevice"] }).notNull(),
    /** Whether it is backed up (synced), as its last use reported: SQLite has no boolean, so 0 or 1, read as one. */
    backedUp: integer("backed_up", { mode: "boolean" }).notNull(),
    /** The owner's name for it, if they gave one. */
    name: text("name"),
    createdAt: integer("created_at").notNull(),
    /** When a sign-in last used it; null if never. */
    lastUsedAt: integer("last_used_at"),
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
 * to one challenge, from any number of processes, one gets it, so a signed
 * answer is good once.
 */
export const webauthnChallenges = sqliteTable(
  "webauthn_challenges",
  {
    challenge: text("challenge").primaryKey(),
    /** A registration's challenge signs in nobody, and a sign-in's registers nothing. */
    purpose: text("purpose", { enum: ["registration", "authentication"] }).notNull(),
    /** For a registration, the account adding the passkey (its challenges go with it); null for a sign-in, whose passkey names its account. */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at").notNull(),
  },
  // The purge of expired challenges.
  (table) => [index("webauthn_challenges_expires_at_idx").on(table.expiresAt)],
);

/**
 * An account's identities at sign-in providers (Google, GitHub, any OpenID
 * Connect provider). (provider, subject) names one person at one provider,
 * so it is the key, and it belongs to one account: the same person signing
 * in again finds the account, and no second account can claim them. At most
 * one identity per provider per account (the unique index), so unlinking a
 * provider names one identity.
 */
export const identities = sqliteTable(
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
    /** Whether the provider said it verified that address: SQLite has no boolean, so 0 or 1, read as one. */
    emailVerified: integer("email_verified", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at").notNull(),
    /** When a sign-in last used it; null if never. */
    lastUsedAt: integer("last_used_at"),
  },
  (table) => [
    primaryKey({ columns: [table.provider, table.subject] }),
    // One identity per provider per account; it also lists an account's
    // identities and finds the one an unlink names. A sign-in moves only
    // `last_used_at`, not indexed, so PostgreSQL can write it as a heap-only update.
    uniqueIndex("identities_user_id_provider_idx").on(table.userId, table.provider),
  ],
);

/**
 * The authorization requests sent to a provider and not yet answered, keyed
 * by the SHA-256 of their `state` parameter (the state itself travels only
 * through the browser, so a copy of the database answers no callback). A
 * state is spent by deleting its row (DELETE ... RETURNING): of simultaneous
 * callbacks with one state, from any number of processes, one gets it, so an
 * authorization code is redeemed once.
 */
export const oauthStates = sqliteTable(
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
    expiresAt: integer("expires_at").notNull(),
  },
  // The purge of expired states.
  (table) => [index("oauth_states_expires_at_idx").on(table.expiresAt)],
);
