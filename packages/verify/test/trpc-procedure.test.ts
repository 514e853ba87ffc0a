import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { initTRPC } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { afterEach, describe, expect, it } from "vitest";
import { createRemoteVerifier, type RemoteVerifier } from "../src/index.ts";
import { tokenErrorData, verifiedProcedure } from "../src/trpc/index.ts";
import {
  AUDIENCE,
  ManualClock,
  RECEIVER_ID,
  RECEIVER_SECRET,
  startIssuerStub,
} from "./support/issuer-stub.ts";

/** A team's own tRPC service: its own initTRPC, context and error formatter. */
function teamRouter(verifier: RemoteVerifier) {
  const t = initTRPC
    .context<{ req: { headers: Record<string, string | string[] | undefined> }; tenant: string }>()
    .create({
      errorFormatter: ({ shape, error }) => ({
        ...shape,
        data: { ...shape.data, ...tokenErrorData(error) },
      }),
    });
  const authed = t.procedure.concat(verifiedProcedure(verifier));
  return t.router({
    me: authed.query(({ ctx }) => ({ user: ctx.user, session: ctx.session, tenant: ctx.tenant })),
    ping: t.procedure.query(() => "pong"),
  });
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup() {
  const clock = new ManualClock(Date.now());
  const stub = await startIssuerStub(() => clock.now());
  const verifier = createRemoteVerifier({
    issuer: stub.issuer,
    audience: AUDIENCE,
    clock,
    revocations: { receiverId: RECEIVER_ID, secret: RECEIVER_SECRET },
  });
  const router = teamRouter(verifier);
  // tRPC's node:http adapter, over a real socket.
  const server: Server = createServer(
    createHTTPHandler({ router, createContext: ({ req }) => ({ req, tenant: "acme" }) }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    await verifier.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (token?: string) =>
    createTRPCClient<typeof router>({
      links: [httpLink({ url, headers: token ? { authorization: `Bearer ${token}` } : {} })],
    });
  return { clock, stub, verifier, client };
}

async function refusal(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { httpStatus: number; authCode?: string };
      return { httpStatus: data.httpStatus, authCode: data.authCode };
    }
    throw error;
  }
  throw new Error("the call succeeded");
}

describe("verifiedProcedure (tRPC), concatenated onto a team's own procedures", () => {
  it("narrows the context to the verified user and session, beside the team's own context", async () => {
    const { stub, client } = await setup();
    const token = await stub.accessToken({ extraClaims: { role: "user", amr: ["pwd"] } });
    expect(await client(token).me.query()).toMatchObject({
      user: { id: "user-1", role: "user" },
      session: { id: "session-1", amr: ["pwd"] },
      tenant: "acme",
    });
    expect(await client().ping.query()).toBe("pong");
  });

  it("refuses with a TRPCError whose data carries Sesame's authCode", async () => {
    const { clock, stub, verifier, client } = await setup();
    expect(await refusal(client().me.query())).toEqual({
      httpStatus: 401,
      authCode: "TOKEN_MISSING",
    });
    expect(await refusal(client("x.y.z").me.query())).toEqual({
      httpStatus: 401,
      authCode: "TOKEN_INVALID",
    });
    expect(await refusal(client(await stub.refreshToken()).me.query())).toEqual({
      httpStatus: 401,
      authCode: "TOKEN_INVALID",
    });

    await verifier.revocations?.synced;
    const revoked = await stub.accessToken({ sid: "s-out" });
    stub.feed.push("j", await stub.sessionRevokedSet({ sid: "s-out", jti: "j" }));
    const deadline = Date.now() + 5_000;
    while (!verifier.revocations?.isRevoked("s-out") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await refusal(client(revoked).me.query())).toEqual({
      httpStatus: 401,
      authCode: "SESSION_REVOKED",
    });

    const token = await stub.accessToken();
    clock.advance(631_000);
    expect(await refusal(client(token).me.query())).toEqual({
      httpStatus: 401,
      authCode: "TOKEN_EXPIRED",
    });
  });

  it("answers 503 UNAVAILABLE while the issuer's keys cannot be fetched", async () => {
    const { stub, client } = await setup();
    const token = await stub.accessToken();
    stub.answer.set("/.well-known/jwks.json", { status: 500, body: "" });
    expect(await refusal(client(token).me.query())).toEqual({
      httpStatus: 503,
      authCode: "UNAVAILABLE",
    });
  });

  it("is refused by TypeScript on a context without the request", () => {
    const verifier = createRemoteVerifier({
      issuer: "https://id.example.test",
      audience: "sesame",
    });
    const t = initTRPC.context<{ db: string }>().create();
    // @ts-expect-error the host's context has no `req` to read the Authorization header from
    t.procedure.concat(verifiedProcedure(verifier));
  });
});
