import { type FetchJsonOptions, fetchJson } from "./fetch-json.ts";
import { RemoteKeysError } from "./remote-keys-error.ts";

/** What a verifier needs from an issuer's metadata. */
export interface IssuerMetadata {
  jwksUri: string;
  /** Sesame's feed of session revocations (RFC 8936 poll), if the issuer advertises one. */
  securityEventPollEndpoint: string | undefined;
}

/**
 * An issuer's metadata from `${issuer}/.well-known/openid-configuration`
 * (RFC 8414 §3, OpenID Connect Discovery §4), fetched once: the key set and
 * the revocation feed share it. The metadata's `issuer` must equal the
 * configured one exactly (RFC 8414 §3.3), so one issuer's document can never
 * stand in for another's, and an https issuer's endpoints must be https too.
 * The feed's endpoint must also be on the issuer's own origin: the receiver's
 * secret is sent there, and nothing but the issuer may ever see it.
 */
export class IssuerDiscovery {
  private loaded: IssuerMetadata | undefined;
  private inFlight: Promise<IssuerMetadata> | undefined;

  constructor(
    private readonly issuer: string,
    private readonly options: FetchJsonOptions,
  ) {}

  /** The metadata, fetched on the first call; a failure is not remembered, so the next call tries again. */
  load(): Promise<IssuerMetadata> {
    if (this.loaded) return Promise.resolve(this.loaded);
    this.inFlight ??= this.fetch()
      .then((metadata) => {
        this.loaded = metadata;
        return metadata;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async fetch(): Promise<IssuerMetadata> {
    const issuer = this.issuer;
    const url = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
    const { body } = await fetchJson(url, this.options);
    const metadata = (typeof body === "object" && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    if (metadata.issuer !== issuer) {
      throw new RemoteKeysError(
        "ERR_DISCOVERY_INVALID",
        `${url} names issuer ${JSON.stringify(metadata.issuer)}, not ${issuer}.`,
      );
    }
    const jwksUri = metadata.jwks_uri;
    if (typeof jwksUri !== "string" || !isAllowedEndpoint(jwksUri, issuer)) {
      throw new RemoteKeysError(
        "ERR_DISCOVERY_INVALID",
        `${url} has no valid jwks_uri (${issuer.startsWith("https:") ? "https" : "http(s)"}).`,
      );
    }
    const poll = metadata.security_event_poll_endpoint;
    const securityEventPollEndpoint =
      typeof poll === "string" &&
      isAllowedEndpoint(poll, issuer) &&
      new URL(poll).origin === new URL(issuer).origin
        ? poll
        : undefined;
    return { jwksUri, securityEventPollEndpoint };
  }
}

function isAllowedEndpoint(value: string, issuer: string): boolean {
  if (!URL.canParse(value)) return false;
  const protocol = new URL(value).protocol;
  return protocol === "https:" || (protocol === "http:" && new URL(issuer).protocol !== "https:");
}
