import { AuthError } from "@sesame/auth";

/**
 * Errors that mean the database cannot be reached right now, as opposed to a
 * statement that failed: the caller should answer 503 and the client retry,
 * never treat it as a verdict (a refresh that could not be checked is not a
 * reused token, a login that could not be counted is not a wrong password).
 */
const CONNECTION_CODES = new Set([
  // postgres.js: the socket closed under a query, a query after end(), a
  // connection cut by end({ timeout }), no answer within connect_timeout.
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  // Node's socket errors: nobody listening, the peer gone, no route or name.
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  // SQLSTATE: the server is shutting down or crashed, starting up, or full.
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
]);

/** Whether `error` (or what it wraps: drizzle's query errors, Node's AggregateError) means the database is unreachable. */
export function isUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    // SQLSTATE class 08: connection exception.
    if (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (error instanceof AggregateError && error.errors.some((e) => isUnavailable(e, depth + 1))) {
    return true;
  }
  return isUnavailable((error as { cause?: unknown }).cause, depth + 1);
}

/** `error` as the core's UNAVAILABLE (the original kept as its cause) when it means the database is unreachable; else as it was. */
export function asUnavailable(error: unknown): unknown {
  return isUnavailable(error) ? new AuthError("UNAVAILABLE", {}, { cause: error }) : error;
}

/** Runs `work`, turning a lost database into UNAVAILABLE. */
export async function unlessUnavailable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asUnavailable(error);
  }
}

/**
 * The store with every method going through `unlessUnavailable`: one place
 * for the rule, so no method of any store can forget it.
 */
export function guardedStore<T extends object>(store: T): T {
  const guarded: Record<string, unknown> = {};
  let proto: object | null = Object.getPrototypeOf(store);
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = (store as Record<string, unknown>)[name];
      if (name === "constructor" || name in guarded || typeof method !== "function") continue;
      guarded[name] = (...args: unknown[]) =>
        unlessUnavailable(() => Promise.resolve(method.apply(store, args)));
    }
    proto = Object.getPrototypeOf(proto);
  }
  return guarded as T;
}
