import { inProcessLock } from "./in-process-lock.ts";
import type { LockManager, SessionChannel, SessionHint } from "./primitives.ts";

/**
 * The browser's primitives for `AuthSession`; the only DOM-dependent file of
 * the auth client. Other platforms pass their own (or none).
 */

/** The Web Locks API: one lock per origin, across tabs. Without it, each tab serializes only itself. */
export function webLocks(): LockManager {
  const locks = globalThis.navigator?.locks;
  if (!locks) return inProcessLock();
  // The lock is held until the task's promise settles; `request` resolves to what the task resolves to.
  return { withLock: async (name, task) => await locks.request(name, task) };
}

/** A BroadcastChannel to the origin's other tabs; without one (old browsers), a channel that says nothing. */
export function broadcastChannel(name: string): SessionChannel<unknown> {
  if (typeof BroadcastChannel === "undefined") {
    return { post: () => {}, subscribe: () => () => {} };
  }
  const channel = new BroadcastChannel(name);
  return {
    post: (message) => channel.postMessage(message),
    subscribe: (listener) => {
      const onMessage = (event: MessageEvent) => listener(event.data);
      channel.addEventListener("message", onMessage);
      return () => channel.removeEventListener("message", onMessage);
    },
  };
}

/**
 * The session hint in `localStorage` (shared by the origin's tabs). Where
 * storage is unavailable (blocked, private modes that throw), it always asks.
 */
export function localStorageHint(key: string): SessionHint {
  return {
    mayBeSignedIn: () => {
      try {
        return globalThis.localStorage.getItem(key) === "1";
      } catch {
        return true;
      }
    },
    remember: (signedIn) => {
      try {
        if (signedIn) globalThis.localStorage.setItem(key, "1");
        else globalThis.localStorage.removeItem(key);
      } catch {}
    },
  };
}
