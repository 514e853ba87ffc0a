import {
  parsePollRequest,
  RECEIVER_INSTANCE_HEADER,
  type SecurityEventTransmitter,
} from "@sesame/auth";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { bearerToken } from "../trpc/bearer-token.ts";

/** Where the feed of session revocations is served; the discovery document names the poll URL. */
export const SECURITY_EVENTS_PATH = "/auth/events";
export const SECURITY_EVENT_POLL_PATH = `${SECURITY_EVENTS_PATH}/poll`;

/** A poll is a few acks: far below this. */
const MAX_BODY_BYTES = 256 * 1024;

const NO_STORE = { "cache-control": "no-store" };

/** RFC 8936 §2.4.4: an error is `{ err, description }` (RFC 8935 §2.3's codes). */
function refusal(c: Context, status: 400 | 401 | 413 | 415, err: string, description: string) {
  const headers: Record<string, string> = { ...NO_STORE };
  if (status === 401) headers["www-authenticate"] = 'Bearer realm="sesame-security-events"';
  return c.json({ err, description }, status, headers);
}

/**
 * The RFC 8936 poll endpoint of the revocation feed: `POST /auth/events/poll`
 * with `Authorization: Bearer <receiver secret>` and a JSON body
 * `{ ack?, setErrs?, maxEvents?, returnImmediately? }`, answered with
 * `{ sets: { <jti>: <SET> }, moreAvailable? }` — held open (long poll) until a
 * session is revoked, unless `returnImmediately`. The receiver is known by
 * its secret before the body is read: without a valid one the answer is 401
 * and no event, whatever the body. Bad input is a 400 `invalid_request`
 * naming the problem, never a 500. The rules are the core's
 * (`SecurityEventTransmitter`); this is only HTTP.
 */
export function securityEventRoutes(transmitter: SecurityEventTransmitter): Hono {
  const routes = new Hono();
  routes.post(
    "/poll",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => refusal(c, 413, "invalid_request", "The request body is too large."),
    }),
    async (c) => {
      const receiverId = transmitter.authenticate(
        bearerToken(c.req.header("authorization") ?? null),
      );
      if (!receiverId) {
        return refusal(c, 401, "authentication_failed", "A receiver's bearer secret is required.");
      }
      const type = c.req.header("content-type") ?? "";
      if (!/^application\/json\s*(;|$)/i.test(type)) {
        return refusal(c, 415, "invalid_request", "Send JSON (Content-Type: application/json).");
      }
      const body = await c.req.json().catch(() => undefined);
      if (body === undefined) return refusal(c, 400, "invalid_request", "The body is not JSON.");
      const parsed = parsePollRequest(body, c.req.header(RECEIVER_INSTANCE_HEADER));
      if (!parsed.ok) return refusal(c, 400, "invalid_request", parsed.description);
      const response = await transmitter.poll(
        receiverId,
        parsed.instance,
        parsed.request,
        c.req.raw.signal,
      );
      return c.json(response, 200, NO_STORE);
    },
  );
  return routes;
}
