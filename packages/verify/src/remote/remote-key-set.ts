import type { Clock } from "../clock.ts";
import { PublicKeyRing } from "../keys/public-key-ring.ts";
import { fetchJson } from "./fetch-json.ts";
import type { IssuerDiscovery } from "./issuer-metadata.ts";
import { RemoteKeysError } from "./remote-keys-error.ts";
import { usableJwks } from "./usable-jwks.ts";

export interface RemoteKeySetOptions {
  /** The JWK Set URL, or the issuer's metadata that names it. */
  source: { jwksUri: string } | { discovery: IssuerDiscovery };
  /** Least time between two fetches, whatever triggers them: unknown kids, staleness, failures. */
  cooldownMs: number;
  /** How long a key set is used when its response carries no Cache-Control max-age. */
  defaultMaxAgeMs: number;
  /** Upper bound on a response's own max-age. */
  maxMaxAgeMs: number;
  timeoutMs: number;
  fetch: typeof globalThis.fetch;
  clock: Clock;
}

/**
 * A verifier's cached copy of an issuer's JWK Set. It is refetched when it
 * grows stale (the response's `Cache-Control: max-age`) or when a token names
 * a `kid` it does not hold — a key just promoted — but never more often than
 * once per cool-down, and concurrent callers share one fetch. A flood of
 * tokens with made-up kids therefore costs the issuer at most one request per
 * cool-down. A failed refresh keeps the previous keys.
 */
export class RemoteKeySet {
  private ring: PublicKeyRing | undefined;
  private freshUntil = Number.NEGATIVE_INFINITY;
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  private lastError: RemoteKeysError | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: RemoteKeySetOptions) {}

  /**
   * The keys to check a token whose header names `kid`: refreshed first if
   * that kid is unknown or the set is stale and the cool-down allows. Throws
   * `RemoteKeysError` only while no key set was ever fetched.
   */
  async ringFor(kid: string): Promise<PublicKeyRing> {
    const now = this.options.clock.now();
    if (!this.ring || now >= this.freshUntil || !this.ring.verificationKey(kid)) {
      if (this.inFlight) await this.inFlight;
      else if (now - this.lastFetchAt >= this.options.cooldownMs) await this.refresh();
    }
    if (!this.ring) {
      throw (
        this.lastError ?? new RemoteKeysError("ERR_JWKS_UNAVAILABLE", "No key set fetched yet.")
      );
    }
    return this.ring;
  }

  private refresh(): Promise<void> {
    this.lastFetchAt = this.options.clock.now();
    this.inFlight = this.load()
      .then(
        () => {
          this.lastError = undefined;
        },
        (error: unknown) => {
          this.lastError =
            error instanceof RemoteKeysError
              ? error
              : new RemoteKeysError("ERR_JWKS_INVALID", "Unusable key set.", { cause: error });
        },
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async load(): Promise<void> {
    const { fetch, timeoutMs, source } = this.options;
    const jwksUri = "jwksUri" in source ? source.jwksUri : (await source.discovery.load()).jwksUri;
    const { body, maxAgeSeconds } = await fetchJson(jwksUri, { fetch, timeoutMs });
    this.ring = PublicKeyRing.fromJwks(usableJwks(body));
    const { cooldownMs, defaultMaxAgeMs, maxMaxAgeMs } = this.options;
    const maxAgeMs = maxAgeSeconds === undefined ? defaultMaxAgeMs : maxAgeSeconds * 1000;
    this.freshUntil =
      this.options.clock.now() + Math.min(Math.max(maxAgeMs, cooldownMs), maxMaxAgeMs);
  }
}
