/**
 * The platform pieces the auth client needs, injected so the core runs in a
 * browser, React Native or Node alike, and in tests with fakes. Browsers get
 * them from `browser-primitives.ts`.
 */

/**
 * Runs `task` while holding the exclusive lock `name`, shared by every
 * instance that must not refresh at the same time (every tab of an origin, in
 * a browser). Not reentrant: a task must not ask for the same lock again.
 */
export interface LockManager {
  withLock<T>(name: string, task: () => Promise<T>): Promise<T>;
}

/** Delivers messages to every *other* instance (tab); a sender never hears itself. */
export interface SessionChannel<M> {
  post(message: M): void;
  subscribe(listener: (message: M) => void): () => void;
}

/**
 * Remembers across reloads whether this browser may hold a session. The
 * refresh cookie is HttpOnly, so script cannot see it; without a hint a
 * signed-out visit spends a request (and a 401 in the console) to learn
 * there is none. Not a secret: it only decides whether to ask the server.
 */
export interface SessionHint {
  mayBeSignedIn(): boolean;
  remember(signedIn: boolean): void;
}

export interface Timers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Keeps the client's DPoP key pair (RFC 9449) across reloads: one pair per
 * browser profile, shared by its tabs, its private key not extractable. The
 * stored pair is returned, or, when there is none, the one `create` makes is
 * stored and returned; instances racing to create one all end with the same
 * pair, so no tab proves with a key the session was not bound to.
 */
export interface KeyPairStore {
  getOrCreate(create: () => Promise<CryptoKeyPair>): Promise<CryptoKeyPair>;
}
