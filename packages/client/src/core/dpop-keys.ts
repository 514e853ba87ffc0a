import type { KeyPairStore } from "./primitives.ts";

/**
 * The DPoP key pair, loaded (or made) once per instance and kept in memory.
 * Undefined where it cannot be had — no WebCrypto (an insecure origin), no
 * storage (IndexedDB blocked) — and then calls go without a proof and the
 * session's refresh tokens stay bearer: DPoP hardens sign-in, it never
 * stands in its way. A failure is not remembered, so a later call tries again.
 */
export function dpopKeys(
  store: KeyPairStore,
  subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle,
): () => Promise<CryptoKeyPair | undefined> {
  let loading: Promise<CryptoKeyPair | undefined> | undefined;
  return () => {
    if (!subtle) return Promise.resolve(undefined);
    loading ??= store
      // Not extractable: script (an XSS included) can sign with the key but never carry it away.
      .getOrCreate(() =>
        subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]),
      )
      .catch(() => {
        loading = undefined;
        return undefined;
      });
    return loading;
  };
}
