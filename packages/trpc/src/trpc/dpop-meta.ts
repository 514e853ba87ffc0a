import type { RequestMeta } from "@sesame/auth";
import type { RequestContext } from "./context.ts";

/**
 * The request's metadata with its DPoP proof (RFC 9449), for the procedure at
 * `path` (its full path, as the host mounted it). A proof's `htu` is
 * `<origin><endpoint>/<path>`, whether the call was batched or not: the
 * public origin or the one the request reached. Without a `DPoP` header the
 * meta is unchanged: bearer tokens.
 */
export function withDpop(ctx: RequestContext, path: string): RequestMeta {
  const proof = ctx.req.headers.get("dpop");
  if (proof === null) return ctx.meta;
  const endpoint = `${ctx.endpoint}/${path}`;
  const urls = [`${ctx.issuer}${endpoint}`, `${new URL(ctx.req.url).origin}${endpoint}`];
  return { ...ctx.meta, dpop: { proof, method: ctx.req.method, urls } };
}
