/**
 * The words Sesame's revocation feed and its receivers share, defined once:
 * Sesame's transmitter writes them, `@sesame/verify` reads them.
 *
 * Standard: Security Event Tokens (RFC 8417) carrying the OpenID CAEP
 * `session-revoked` event, with the session named by an RFC 9493 `opaque`
 * subject (the access token's `sid`), delivered by RFC 8936 poll.
 * Sesame-specific: the metadata member naming the poll endpoint, the
 * `sesame_tokens_expire_by` member of the event, and the receiver-instance
 * header (see docs/verifying-tokens.md).
 */

/** RFC 8417 §2.3: the `typ` of a Security Event Token. */
export const SECURITY_EVENT_TOKEN_TYPE = "secevent+jwt";

/** OpenID Continuous Access Evaluation Profile 1.0, §3.1. */
export const SESSION_REVOKED_EVENT =
  "https://schemas.openid.net/secevent/caep/event-type/session-revoked";

/**
 * Sesame-specific member of the `session-revoked` event: the time (epoch
 * seconds) after which no access token of the session is valid anyway — the
 * revocation plus Sesame's access-token lifetime and clock tolerance. A
 * receiver forgets the session after it, and needs no copy of Sesame's
 * settings to know when.
 */
export const TOKENS_EXPIRE_BY = "sesame_tokens_expire_by";

/** Sesame-specific member of the issuer metadata: the URL receivers poll. */
export const POLL_ENDPOINT_METADATA = "security_event_poll_endpoint";

/**
 * Sesame-specific request header: which process of a receiver is polling.
 * Every process that verifies tokens keeps its own list of revoked sessions,
 * so each must receive every event: Sesame keeps acknowledgements per
 * (receiver, instance), and one replica's ack never hides an event from another.
 */
export const RECEIVER_INSTANCE_HEADER = "sesame-receiver-instance";
export const RECEIVER_INSTANCE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The claims of a `session-revoked` SET as Sesame issues it. */
export interface SessionRevokedClaims {
  iss: string;
  /** The receiver's id. */
  aud: string;
  /** The same for every delivery of one revocation to one receiver: duplicates are recognisable. */
  jti: string;
  iat: number;
  /** RFC 8417 §2.2: when the session was revoked (epoch seconds). */
  toe: number;
  sub_id: { format: "opaque"; id: string };
  events: {
    [SESSION_REVOKED_EVENT]: { event_timestamp: number; [TOKENS_EXPIRE_BY]: number };
  };
}

/** RFC 8935 §2.3 / RFC 8936 §2.4.4 error codes, in `setErrs` and in error bodies. */
export type SetErrorCode =
  | "invalid_request"
  | "invalid_key"
  | "invalid_issuer"
  | "invalid_audience"
  | "authentication_failed"
  | "access_denied";

export interface SetError {
  err: SetErrorCode | string;
  description?: string;
}

/** RFC 8936 §2.4: what a receiver posts. */
export interface PollRequest {
  ack?: string[];
  setErrs?: Record<string, SetError>;
  maxEvents?: number;
  returnImmediately?: boolean;
}

/** RFC 8936 §2.5: what it gets back: SETs by jti. */
export interface PollResponse {
  sets: Record<string, string>;
  moreAvailable?: boolean;
}
