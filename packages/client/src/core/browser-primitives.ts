import { inProcessLock } from "./in-process-lock.ts";
import type { KeyPairStore, LockManager, SessionChannel, SessionHint } from "./primitives.ts";

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

/**
 * The DPoP key pair in IndexedDB, which stores CryptoKeys as they are (they
 * are structured-cloneable), so a non-extractable private key survives
 * reloads without ever being exported. Rejects where IndexedDB is missing or
 * refuses (the caller then goes without DPoP).
 */
export function indexedDbKeyStore(dbName = "sesame-dpop"): KeyPairStore {
  return {
    getOrCreate: async (create) => {
      const db = await openKeyDb(dbName);
      try {
        const stored = await new Promise<unknown>((resolve, reject) => {
          const read = db.transaction(KEY_STORE).objectStore(KEY_STORE).get(KEY_NAME);
          read.onsuccess = () => resolve(read.result);
          read.onerror = () => reject(read.error);
        });
        if (isKeyPair(stored)) return stored;
        // Generating cannot happen inside the transaction (it would commit while WebCrypto works),
        // so the write looks again in one readwrite transaction, which IndexedDB runs one at a
        // time: a tab that stored its pair meanwhile wins, and this one's is dropped unused.
        const created = await create();
        return await new Promise<CryptoKeyPair>((resolve, reject) => {
          const transaction = db.transaction(KEY_STORE, "readwrite");
          const keys = transaction.objectStore(KEY_STORE);
          let kept = created;
          const recheck = keys.get(KEY_NAME);
          recheck.onsuccess = () => {
            if (isKeyPair(recheck.result)) kept = recheck.result;
            else keys.put(created, KEY_NAME);
          };
          transaction.oncomplete = () => resolve(kept);
          transaction.onabort = () => reject(transaction.error);
        });
      } finally {
        db.close();
      }
    },
  };
}

const KEY_STORE = "keys";
const KEY_NAME = "dpop";

function openKeyDb(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === "undefined") return reject(new Error("No IndexedDB."));
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(KEY_STORE);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

function isKeyPair(value: unknown): value is CryptoKeyPair {
  if (typeof value !== "object" || value === null) return false;
  const { privateKey, publicKey } = value as Partial<CryptoKeyPair>;
  return privateKey instanceof CryptoKey && publicKey instanceof CryptoKey;
}
