import type { AuditDetail, AuditEventType, Role } from "@sesame/contracts";

/**
 * What the auth core needs from a database: atomic primitives, never rules
 * (every security decision is made in the core, once). `@sesame/db`
 * implements it on SQLite and PostgreSQL. All times are epoch milliseconds.
 */
export interface AuthStorage {
  users: UserStore;
  sessions: SessionStore;
  throttle: ThrottleStore;
  audit: AuditStore;
  dpopProofs: DpopProofStore;
  emailTokens: EmailTokenStore;
  secondFactors: SecondFactorStore;
  mfaTickets: MfaTicketStore;
  passkeys: PasskeyStore;
  webauthnChallenges: WebAuthnChallengeStore;
  identities: IdentityStore;
  oauthStates: OAuthStateStore;
  revocations: RevocationFeed;
  /**
   * The signing-key ring shared by every node, where the backend keeps it
   * (PostgreSQL: many machines share no file). Absent on SQLite, whose
   * processes share the key file beside the database.
   */
  keyRing?: KeyRingStore;
  /** Which backend this is, for logs and the health check. */
  readonly dialect: "sqlite" | "postgresql";
  /** Waits for writes in flight, then closes every connection. */
  close(): Promise<void>;
}

export interface UserRecord {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  /**
   * argon2id PHC string (algorithm, parameters and salt travel with the
   * hash), or null for an account made by signing in with a provider, until
   * its owner sets a password through the reset flow.
   */
  passwordHash: string | null;
  createdAt: number;
  updatedAt: number;
  disabledAt: number | null;
  /** Bumped by every change that must end the sessions opened with the old credential. */
  credentialVersion: number;
  /** When the owner last proved they receive mail at `email` (a link mailed to it was used); null if never. */
  emailVerifiedAt: number | null;
}

/** An email change confirmed by a link mailed to the new address, and its audit event, committed as one unit. */
export interface EmailChange {
  userId: string;
  /** The address the change was asked from: the change applies only if it is still the account's. */
  fromEmail: string;
  /** Normalized; verified by the very link that confirms it. */
  toEmail: string;
  now: number;
  audit: AuditRecord;
}

/** A change of credential and the sessions it ends, committed as one unit. */
/**
 * A password reset that is the first proof of the account's mailbox hands
 * the account to the mailbox's owner: in the same unit as the new password,
 * every passkey of the user goes, and every identity but those whose provider
 * verified `email` (the address the reset proved), each with its audit event.
 */
export interface MailboxTakeover {
  email: string;
  /** Written for each identity removed, with `detail.provider` set to its provider by the store. */
  identityAudit: AuditRecord;
  /** Written for each passkey removed. */
  passkeyAudit: AuditRecord;
}

export interface CredentialChange {
  userId: string;
  now: number;
  /** The session that made the change and stays live, if any. */
  exceptSessionId?: string;
  reason: RevokeReason;
  /** Written in the same commit. */
  audit: AuditRecord;
}

export interface UserStore {
  /** Inserts the user, or answers `"email_taken"` when the normalized email exists. */
  create(user: UserRecord): Promise<"created" | "email_taken">;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  findById(id: string): Promise<UserRecord | undefined>;
  /**
   * In one atomic unit: sets the new hash, bumps the credential version and
   * revokes the user's live sessions but `exceptSessionId`, and, with
   * `takeover`, removes the ways in it names. Answers the ids revoked.
   */
  replacePassword(
    change: CredentialChange & { passwordHash: string; takeover?: MailboxTakeover },
  ): Promise<string[]>;
  /**
   * In one atomic unit: disables the account, bumps the credential version and
   * revokes every live session. Answers the ids revoked.
   */
  disable(change: CredentialChange): Promise<string[]>;
  enable(userId: string, now: number): Promise<void>;
  /**
   * Guarded update: marks `email` verified at `now` only if it is still the
   * user's address (a link mailed to an old address verifies nothing), and
   * only the first time. Answers false when the address is no longer the user's.
   */
  markEmailVerified(userId: string, email: string, now: number): Promise<boolean>;
  /**
   * Guarded update, in one atomic unit with its audit event: the address
   * becomes `toEmail` (verified at `now`) only if it is still `fromEmail`.
   * `"email_taken"` when another account holds `toEmail`, `"stale"` when the
   * address moved meanwhile; either writes nothing.
   */
  changeEmail(change: EmailChange): Promise<"changed" | "email_taken" | "stale">;
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
  /** RFC 7638 thumbprint of the DPoP key its refresh tokens are bound to (RFC 9449), or null for bearer. */
  dpopJkt: string | null;
  /** The session's refresh-token chain: O(1) whatever the number of rotations. */
  refreshHash: string | null;
  /** The token the current one replaced, and when (for the grace window). */
  parentHash: string | null;
  rotatedAt: number | null;
  /** The current token sealed for the parent (successor-seal.ts); erased once the window is over. */
  parentSeal: string | null;
  /** The binding of the client that rotated the parent (client-binding.ts). */
  rotatedBy: string | null;
  /**
   * How the session was signed in (RFC 8176 `amr` values, e.g. `["pwd"]`,
   * `["pwd", "otp", "mfa"]`): every access token of the session carries it.
   */
  amr: string[];
}

export type RevokeReason =
  | "logout"
  | "logout_all"
  | "revoked_by_user"
  | "password_changed"
  | "refresh_reused"
  | "account_disabled"
  | "password_reset"
  | "second_factor_removed";

/**
 * The writes of one rotation, applied only if the presented token is still the
 * session's current one and the session is live (compare-and-set on
 * `refreshHash`): the presented token becomes the parent, the successor the
 * current token.
 */
export interface RotationWrite {
  sessionId: string;
  presentedHash: string;
  successorHash: string;
  /** The successor sealed for the presented token (successor-seal.ts). */
  sealedSuccessor: string;
  /** The rotating client's binding (client-binding.ts). */
  rotatedBy: string;
  now: number;
  /** New idle expiry of the session (already capped by the absolute expiry). */
  idleExpiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

export interface SessionWithUser {
  session: SessionRecord;
  user: UserRecord;
}

export interface SessionStore {
  /**
   * Creates the session (with its first refresh token's hash) and its audit
   * event in one atomic unit, only if the user is still enabled and at
   * `credentialVersion` (a password change or a disable committed while the
   * login was verifying answers `"credential_changed"` and writes nothing).
   */
  create(
    session: SessionRecord,
    guard: { credentialVersion: number },
    audit: AuditRecord,
  ): Promise<"created" | "credential_changed">;
  findById(id: string): Promise<SessionRecord | undefined>;
  /**
   * The session and its user, read together: a refresh needs both, and on a
   * database over the network one read is one round trip instead of two. A
   * session always has its user (deleting a user deletes its sessions).
   */
  findWithUser(id: string): Promise<SessionWithUser | undefined>;
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
   * Compare-and-set: if the presented token is still the current one of a
   * live session, it becomes the parent (with the successor's seal and who
   * rotated it), the successor becomes current and the session is touched,
   * and the audit event is appended as `AuditStore.append` would, all in one
   * atomic step. `"lost"` means a concurrent request got there first (or the
   * session ended), and nothing, the event included, was written.
   */
  rotate(write: RotationWrite, audit: AuditAppend): Promise<"rotated" | "lost">;
  /** Erases the seals of parents spent before `before` (past the grace window); answers how many. */
  eraseSealsBefore(before: number): Promise<number>;
  /** Deletes sessions dead for longer than `retainMs`, with their tokens. */
  purgeDead(now: number, retainMs: number): Promise<number>;
}

export interface Revocation {
  sessionId: string;
  revokedAt: number;
}

/**
 * Session revocations committed by any process sharing the database, this
 * one included, delivered to one listener. Each backend feeds it its own way
 * (SQLite: `PRAGMA data_version`, checked synchronously on every request;
 * PostgreSQL: LISTEN/NOTIFY with a polling fallback). A feed must never skip
 * a committed revocation, whatever order concurrent commits land in; it may
 * deliver one twice.
 */
export interface RevocationFeed {
  /** Starts delivering: first every revocation still on record, then each new one. */
  start(listener: (revocations: Revocation[]) => void): Promise<void>;
  /**
   * A cheap synchronous catch-up, for backends that can offer one (SQLite):
   * called before each check, so another process's revocation is seen by
   * this one's very next request.
   */
  catchUp?(): void;
  stop(): Promise<void>;
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

/**
 * One key of a compare-and-set: `next` is written only if the stored row is
 * still exactly `expected` (`undefined`: no row at all).
 */
export interface ThrottleClaim {
  key: string;
  expected: ThrottleCounter | undefined;
  next: ThrottleCounter;
}

/**
 * A guarded increment of a fixed-window counter: the row is set to `fresh`
 * if it is missing or its window opened at or before `expiredFrom`, else it
 * gains one failure (last failure at `fresh.lastFailureAt`) if it holds fewer
 * than `limit`, else it is left alone.
 */
export interface ThrottleSpend {
  key: string;
  limit: number;
  expiredFrom: number;
  fresh: ThrottleCounter;
}

/**
 * Atomic primitives over counters shared by every server process. What a
 * count means (expiry, back-off, limits) is decided by the callers
 * (throttle/*); the store only guarantees that each call is one atomic step.
 */
export interface ThrottleStore {
  /** The rows as stored for `keys`, in order (`undefined` where there is none), with no expiry applied. */
  readStored(keys: string[]): Promise<(ThrottleCounter | undefined)[]>;
  /**
   * Compare-and-set of every claim in one atomic step, all or nothing:
   * answers false, writing nothing, if any stored row is no longer its `expected`.
   */
  claim(claims: ThrottleClaim[]): Promise<boolean>;
  /** Takes one failure off the key, never below zero (a claimed attempt given back). */
  giveBack(key: string): Promise<void>;
  /** The guarded increment (ThrottleSpend), in one atomic step: whether it counted, and the row's window start. */
  spend(spend: ThrottleSpend): Promise<{ counted: boolean; windowStartedAt: number }>;
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
  /**
   * What the event says beyond its type (the provider of a federated sign-in,
   * the recovery codes left). Part of what the event is: a fold continues a
   * run only with an equal detail, and a row folded past the cap takes the
   * latest event's (FoldInstruction).
   */
  detail?: AuditDetail;
}

/**
 * The key set as one sealed blob (private keys are encrypted by the caller
 * before they reach storage) with a version that moves on every change.
 */
export interface StoredKeyRing {
  version: number;
  sealed: string;
}

export interface KeyRingStore {
  read(): Promise<StoredKeyRing | undefined>;
  /**
   * Compare-and-set: stores `sealed` as version `expectedVersion + 1` only if
   * the stored version is still `expectedVersion` (0: nothing stored yet), so
   * nodes starting together create one ring and two rotations never both win.
   */
  write(sealed: string, expectedVersion: number): Promise<boolean>;
}

/** What a one-time email link is for: each purpose is a separate namespace of tokens. */
export type EmailTokenPurpose = "verify_email" | "reset_password" | "change_email" | "sign_in";

/** A one-time email link as stored: the SHA-256 of its token, never the token. */
export interface EmailTokenRecord {
  tokenHash: string;
  purpose: EmailTokenPurpose;
  userId: string;
  /** The address the link was mailed to (for an email change, the new address). */
  email: string;
  createdAt: number;
  expiresAt: number;
}

/**
 * One-time email links, shared by every process. Single use, expiry and
 * what a token may do are decided by the core (email/email-flows.ts); the
 * store guarantees each call is one atomic step.
 */
export interface EmailTokenStore {
  /**
   * Inserts the token and deletes the user's other tokens of the same
   * purpose, in one atomic unit: a newer link voids the older ones.
   */
  issue(token: EmailTokenRecord): Promise<void>;
  /**
   * Deletes the token of `purpose` with this hash and answers it (expired or
   * not): of any number of simultaneous calls with one hash, from any
   * number of processes, exactly one gets the record.
   */
  consume(tokenHash: string, purpose: EmailTokenPurpose): Promise<EmailTokenRecord | undefined>;
  /** Deletes every token of the user with one of `purposes`; answers how many. */
  voidForUser(userId: string, purposes: readonly EmailTokenPurpose[]): Promise<number>;
  /** Deletes tokens that expired before `before`; answers how many. */
  purgeExpiredBefore(before: number): Promise<number>;
}

/** An account's TOTP factor (RFC 6238). */
export interface TotpFactorRecord {
  userId: string;
  /** The shared secret, sealed by the core before it reaches storage (never stored in the clear). */
  sealedSecret: string;
  createdAt: number;
  /** When one valid code confirmed it; until then it is not asked for at sign-in. */
  confirmedAt: number | null;
  /** The newest time step a code was accepted for: only a later step can pass (RFC 6238 §5.2). */
  lastUsedStep: number | null;
}

/** A second-factor change and the sessions it ends, committed as one unit with its audit event. */
export interface SecondFactorChange {
  userId: string;
  now: number;
  audit: AuditRecord;
}

/**
 * TOTP factors and recovery codes, shared by every process. Which code is
 * valid, and what a factor allows, is decided by the core (mfa/*); the
 * store guarantees each call is one atomic step.
 */
export interface SecondFactorStore {
  findTotp(userId: string): Promise<TotpFactorRecord | undefined>;
  /**
   * Stores a new, unconfirmed factor for the user, replacing an unconfirmed
   * one; answers `"confirmed_exists"` (writing nothing) when the user already
   * has a confirmed factor.
   */
  beginTotp(factor: TotpFactorRecord): Promise<"stored" | "confirmed_exists">;
  /**
   * Guarded update: records `step` as the factor's last used step only if it
   * is later than the one recorded (or none is), and only for a confirmed
   * factor when `confirmed` is true. Of simultaneous calls with one step,
   * from any process, at most one answers true.
   */
  useTotpStep(userId: string, step: number, confirmed: boolean): Promise<boolean>;
  /**
   * In one atomic unit: confirms the user's unconfirmed factor if `step` is
   * later than its last used one (recording it as used), replaces the user's
   * recovery codes by `recoveryCodeHashes`, and writes the audit event.
   * Answers false, writing nothing, if there is no such factor or the step was used.
   */
  confirmTotp(
    change: SecondFactorChange & { step: number; recoveryCodeHashes: string[] },
  ): Promise<boolean>;
  /**
   * In one atomic unit: deletes the factor and the recovery codes, revokes
   * the user's live sessions but `exceptSessionId`, and writes the audit
   * event. Answers the ids revoked.
   */
  removeTotp(
    change: SecondFactorChange & { exceptSessionId?: string; reason: RevokeReason },
  ): Promise<string[]>;
  /** In one atomic unit: the user's recovery codes become `hashes` (the old set is void), with the audit event. */
  replaceRecoveryCodes(change: SecondFactorChange & { hashes: string[] }): Promise<void>;
  /**
   * Deletes the user's recovery code with this hash and answers how many the
   * user has left, or undefined if there was no such code: of simultaneous
   * uses of one code, exactly one gets a number.
   */
  useRecoveryCode(userId: string, codeHash: string): Promise<number | undefined>;
  countRecoveryCodes(userId: string): Promise<number>;
  /**
   * Compare-and-set: the user's factor's sealed secret becomes `to` only if
   * it is still `from`, so sealing a secret again under a new key never
   * overwrites a factor begun again meanwhile. Answers whether it changed.
   */
  resealTotp(userId: string, from: string, to: string): Promise<boolean>;
  /** Up to `limit` factors' sealed secrets, by user id after `afterUserId` (null: from the first), for sealing them all again. */
  listSealedTotp(afterUserId: string | null, limit: number): Promise<SealedTotpSecret[]>;
}

/** One factor's sealed secret, as `SecondFactorStore.listSealedTotp` pages them. */
export interface SealedTotpSecret {
  userId: string;
  sealedSecret: string;
}

/**
 * The proof that an account's password was right while its second factor is
 * still to come (`mfaToken`), stored as a hash; single use, short-lived.
 */
export interface MfaTicketRecord {
  ticketHash: string;
  userId: string;
  /** The credential version the password was checked against: a change since voids the ticket. */
  credentialVersion: number;
  /** How the first factor was proved (`amr` values, e.g. `["pwd"]`). */
  amr: string[];
  createdAt: number;
  expiresAt: number;
}

export interface MfaTicketStore {
  issue(ticket: MfaTicketRecord): Promise<void>;
  find(ticketHash: string): Promise<MfaTicketRecord | undefined>;
  /** Deletes the ticket; true only for the one call that did (of simultaneous uses exactly one). */
  consume(ticketHash: string): Promise<boolean>;
  /** Deletes tickets that expired before `before`; answers how many. */
  purgeExpiredBefore(before: number): Promise<number>;
}

/** A registered passkey (WebAuthn credential) of an account. */
export interface PasskeyRecord {
  /** The credential id, base64url: unique across accounts. */
  id: string;
  userId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's signature counter as last seen (0 for authenticators that keep none). */
  counter: number;
  /** How the browser can reach the authenticator (`internal`, `usb`, `hybrid`…). */
  transports: string[];
  /** `multiDevice`: a synced passkey; `singleDevice`: bound to one authenticator. */
  deviceType: "singleDevice" | "multiDevice";
  backedUp: boolean;
  /** The owner's name for it. */
  name: string | null;
  createdAt: number;
  lastUsedAt: number | null;
}

/** A passkey's use, applied only if its counter moves forward. */
export interface PasskeyUse {
  id: string;
  counter: number;
  backedUp: boolean;
  now: number;
}

/**
 * Passkeys, shared by every process. What a ceremony proves is decided by
 * the core (passkeys/*); the store guarantees each call is one atomic step.
 */
export interface PasskeyStore {
  /** Inserts the passkey with its audit event in one atomic unit; `"exists"` (writing nothing) for a known credential id. */
  create(passkey: PasskeyRecord, audit: AuditRecord): Promise<"created" | "exists">;
  findById(id: string): Promise<PasskeyRecord | undefined>;
  /** The user's passkeys, oldest first. */
  listForUser(userId: string): Promise<PasskeyRecord[]>;
  /**
   * Guarded update: records the use (counter, backup state, last used) only
   * if `counter` is greater than the stored one, or both are 0 (an
   * authenticator without a counter). Answers whether it did.
   */
  recordUse(use: PasskeyUse): Promise<boolean>;
  /** Deletes the user's passkey with its audit event in one atomic unit; false if the user has no such passkey. */
  remove(userId: string, id: string, audit: AuditRecord): Promise<boolean>;
}

/** A WebAuthn challenge issued by the server, kept until it is used or expires. */
export interface WebAuthnChallengeRecord {
  /** The challenge itself, base64url (random, not secret): also its key. */
  challenge: string;
  purpose: "registration" | "authentication";
  /** For a registration: the account adding the passkey. Null for a sign-in (the passkey names its account). */
  userId: string | null;
  expiresAt: number;
}

export interface WebAuthnChallengeStore {
  issue(challenge: WebAuthnChallengeRecord): Promise<void>;
  /** Deletes the challenge and answers it: of simultaneous uses of one challenge, exactly one gets it. */
  consume(challenge: string): Promise<WebAuthnChallengeRecord | undefined>;
  /** Deletes challenges that expired before `before`; answers how many. */
  purgeExpiredBefore(before: number): Promise<number>;
}

/** An account's identity at a sign-in provider: (provider, subject) names one person there. */
export interface IdentityRecord {
  /** The configured provider id (`google`, `github`, or any other OpenID Connect provider's). */
  provider: string;
  /** The provider's stable id for the person (`sub`; GitHub's numeric user id). */
  subject: string;
  userId: string;
  /** The address the provider gave, as it gave it (normalized), and whether it said it was verified. */
  email: string | null;
  emailVerified: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

/**
 * Identities at sign-in providers, shared by every process. Whether an
 * identity may create or join an account is decided by the core (oauth/*);
 * the store guarantees each call is one atomic step.
 */
export interface IdentityStore {
  find(provider: string, subject: string): Promise<IdentityRecord | undefined>;
  /** The user's identities, oldest first. */
  listForUser(userId: string): Promise<IdentityRecord[]>;
  /**
   * Creates the user (no password) and its first identity with the audit
   * event, in one atomic unit: `"email_taken"` (writing nothing) when
   * another account holds the address, `"identity_taken"` when the identity
   * is already linked.
   */
  createUserWithIdentity(
    user: UserRecord,
    identity: IdentityRecord,
    audit: AuditRecord,
  ): Promise<"created" | "email_taken" | "identity_taken">;
  /**
   * Links the identity to its user with the audit event, in one atomic
   * unit: `"identity_taken"` (writing nothing) when the identity is linked to
   * anyone already, `"provider_taken"` when the user already has an identity
   * at that provider.
   */
  link(
    identity: IdentityRecord,
    audit: AuditRecord,
  ): Promise<"linked" | "identity_taken" | "provider_taken">;
  /** Records a sign-in with the identity. */
  touch(provider: string, subject: string, now: number): Promise<void>;
  /**
   * Guarded delete, in one atomic unit with its audit event: removes the
   * user's identity at `provider` only if the account keeps another way in
   * (a password, another identity, or a passkey). `"not_found"` when the user
   * has none there, `"last_method"` when it is the only way in; either
   * writes nothing.
   */
  unlink(
    userId: string,
    provider: string,
    audit: AuditRecord,
  ): Promise<"unlinked" | "not_found" | "last_method">;
}

/** An authorization request in flight: what the callback must match, and what it then does. */
export interface OAuthStateRecord {
  /** SHA-256 of the `state` parameter sent to the provider: the key. */
  stateHash: string;
  provider: string;
  /** The PKCE verifier (RFC 7636) and the OpenID Connect nonce of this request. */
  codeVerifier: string;
  nonce: string;
  /** Where the browser goes afterwards: a same-origin path. */
  returnTo: string;
  /** Native apps: the redirect URI the request used (it must be sent again with the code). Null for browsers. */
  redirectUri: string | null;
  /** Browsers: SHA-256 of the value of the cookie set by the start, so only that browser can finish. */
  browserHash: string | null;
  /** Set when a signed-in user is linking another provider to their account. */
  linkUserId: string | null;
  expiresAt: number;
}

export interface OAuthStateStore {
  issue(state: OAuthStateRecord): Promise<void>;
  /** Deletes the state and answers it: of simultaneous callbacks with one state, exactly one gets it. */
  consume(stateHash: string): Promise<OAuthStateRecord | undefined>;
  /** Deletes states that expired before `before`; answers how many. */
  purgeExpiredBefore(before: number): Promise<number>;
}

/** Remembers DPoP proof ids (RFC 9449 §11.1), shared by every process. */
export interface DpopProofStore {
  /** Records the proof's `jti` hash; false if it was already recorded (a replay). */
  remember(jtiHash: string, expiresAt: number): Promise<boolean>;
  /** Forgets proofs that can no longer pass the `iat` check; answers how many. */
  purgeExpired(now: number): Promise<number>;
}

/** An audit row as stored: one event, or a run of repeated events folded into it. */
export interface StoredAuditEvent extends AuditRecord {
  id: number;
  /** How many events the row stands for (1 for a single event). */
  count: number;
  /** When the first of them happened; `at` is the latest, whose session, IP, user agent and detail the row keeps. */
  firstAt: number;
}

/**
 * Where `AuditStore.append` may fold an event into an existing row of the same
 * user and type instead of adding one. The auth core decides the rules
 * (audit/fold-rules.ts); a store only applies them, in one atomic step with
 * respect to every other append for the user, so that concurrent appends
 * neither lose a count nor decide on rows that are changing.
 *
 * Whatever the instruction, an event folds only into a row with its own
 * detail (no detail equals no detail): events that say different things are
 * counted apart. Past the cap it folds into the latest row of its type
 * whatever that row's detail, which then becomes the event's, as the
 * session, IP and user agent do: the cap's bound on rows holds whatever
 * details a flood carries.
 */
export interface FoldInstruction {
  /** Fold only into a row of the event's own session. */
  sameSession: boolean;
  /** Fold only into a row whose first event is at or after this. */
  since: number;
  /** Other types: a row of the user of one of these, written after the candidate row, ends its run. */
  breakers: readonly AuditEventType[];
  /**
   * Once the user has `rows` rows of `types` whose first event is at or after
   * `since`, the event folds into the user's latest row of its type among
   * them whatever the rules above say; only when there is none does it add a
   * row (so at most one more per type).
   */
  cap: { types: readonly AuditEventType[]; since: number; rows: number };
}

/** An event and how it folds (audit/fold-rules.ts), for a write that commits it with its change. */
export interface AuditAppend {
  event: AuditRecord;
  fold?: FoldInstruction;
}

/** Which of a user's rows `AuditStore.listForUser` answers. */
export interface AuditQuery {
  limit: number;
  /** Only rows with a smaller id: the next page after a page ending at this id. */
  before?: number;
  /** Only rows of these types. */
  types?: readonly AuditEventType[];
}

export interface AuditStore {
  /**
   * Adds the event as a row, or, with `fold` and a user, adds it to the row
   * the instruction picks: count + 1, `at` the latest, `firstAt` the earliest,
   * and session, IP, user agent and detail the event's.
   */
  append(event: AuditRecord, fold?: FoldInstruction): Promise<void>;
  /** The user's rows, newest first by id (stable for paging, unlike the times a fold moves). */
  listForUser(userId: string, query: AuditQuery): Promise<StoredAuditEvent[]>;
  /** Deletes events whose latest occurrence is older than `before`; answers how many. */
  purgeBefore(before: number): Promise<number>;
}
