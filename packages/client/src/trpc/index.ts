/**
 * Sesame over tRPC: `createSesameClient` for a browser app (the session, its
 * refresh and logout calls, and the links), and the links on their own for
 * a chain of your own. Works with any transformer the host router uses.
 */
export { type AuthLinkOptions, authLink, authorizationHeaders } from "./auth-link.ts";
export {
  createSesameClient,
  type SesameClient,
  type SesameClientOptions,
  type Transformer,
} from "./create-sesame-client.ts";
export { type DpopLinkOptions, dpopHeaders, dpopLink } from "./dpop-link.ts";
