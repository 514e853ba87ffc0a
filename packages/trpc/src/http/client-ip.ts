import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import { forwardedFor } from "../trpc/create-context.ts";

/**
 * The client's address: behind a proxy you run (trustProxy), from
 * `X-Forwarded-For`; else the socket's, where the host is node (others
 * have no socket to ask, and say so with null).
 */
export function clientIp(c: Context, trustProxy: boolean): string | null {
  const forwarded = forwardedFor(c.req.header("x-forwarded-for") ?? null, trustProxy);
  if (forwarded) return forwarded;
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}
