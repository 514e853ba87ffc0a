import type { RequestMeta } from "@sesame/auth";
import type { Context } from "./context.ts";

/**
 * The request's metadata with its DPoP proof (RFC 9449), for the procedure at
 * `path`. A proof's `htu` is `<origin>/trpc/<procedure>`, whether the call
 * was batched or not: the public origin (PUBLIC_URL) or the one the request
 * reached. Without a `DPoP` header the meta is unchanged: bearer tokens.
 */
export function withDpop(ctx: Context, path: string): RequestMeta {
  const proof = ctx.req.headers.get("dpop");
  if (proof === null) return ctx.meta;
  const endpoint = `/trpc/${path}`;
  const urls = [`${ctx.issuer}${endpoint}`, `${new URL(ctx.req.url).origin}${endpoint}`];
  return { ...ctx.meta, dpop: { proof, method: ctx.req.method, urls } };
}
