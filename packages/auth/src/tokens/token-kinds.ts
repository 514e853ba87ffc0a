import type { TokenKind } from "@sesame/verify/rules";
import { refreshAudience } from "../auth-config.ts";

/**
 * Sesame's refresh tokens: their own `typ` *and* audience (RFC 9068 §2.1,
 * RFC 8725 §3.11), so one can never pass as an access token even by a
 * verifier that forgets to check one of them. The access-token kind lives in
 * `@sesame/verify`, beside the verifiers of other services.
 */
export const REFRESH_TOKEN: TokenKind = { typ: "rt+jwt", audience: refreshAudience };
