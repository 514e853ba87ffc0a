import { afterEach, describe, expect, it, vi } from "vitest";
import { dpopKeys } from "./dpop-keys.ts";
import type { KeyPairStore } from "./primitives.ts";

/** A store in memory that counts how often it is asked. */
function memoryStore(): KeyPairStore & { asked: number } {
  let stored: CryptoKeyPair | undefined;
  const store = {
    asked: 0,
    getOrCreate: async (create: () => Promise<CryptoKeyPair>) => {
      store.asked++;
      stored ??= await create();
      return stored;
    },
  };
  return store;
}

const failingStore = (): KeyPairStore & { asked: number } => {
  const store = {
    asked: 0,
    getOrCreate: async () => {
      store.asked++;
      throw new DOMException("The user denied permission to access the database.", "UnknownError");
    },
  };
  return store;
};

describe("dpopKeys", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("makes a P-256 signing pair whose private key cannot be exported", async () => {
    const keys = await dpopKeys(memoryStore())();

    expect(keys?.privateKey.algorithm).toMatchObject({ name: "ECDSA", namedCurve: "P-256" });
    expect(keys?.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("jwk", keys?.privateKey as CryptoKey)).rejects.toThrow();
  });

  it("asks the store once, however many calls want the key at the same time", async () => {
    const store = memoryStore();
    const keys = dpopKeys(store);

    const pairs = await Promise.all([keys(), keys(), keys()]);

    expect(store.asked).toBe(1);
    expect(new Set(pairs).size).toBe(1);
  });

  it("without WebCrypto (an insecure origin) has no key, and never asks the store", async () => {
    // As on a plain-HTTP origin: `crypto` is there, `crypto.subtle` is not.
    vi.stubGlobal("crypto", { getRandomValues: crypto.getRandomValues.bind(crypto) });
    const store = memoryStore();

    expect(await dpopKeys(store)()).toBeUndefined();
    expect(store.asked).toBe(0);
  });

  it("has no key while storage refuses, and asks again on the next call", async () => {
    const store = failingStore();
    const keys = dpopKeys(store);

    expect(await keys()).toBeUndefined();
    expect(await keys()).toBeUndefined();
    expect(store.asked).toBe(2);
  });
});
