import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import { clientAddress } from "../trpc/create-context.ts";

/**
 * The client's address (clientAddress's rule) for a Hono request: the
 * socket is the one @hono/node-server hands over; other hosts have no
 * socket to ask, and say so with null.
 */
export function clientIp(c: Context, trustProxy: boolean): string | null {
  return clientAddress(c.req.header("x-forwarded-for") ?? null, socketAddress(c), trustProxy);
}

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
