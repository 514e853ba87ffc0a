import { createTRPCUntypedClient } from "@trpc/client";
import { initTRPC, TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { decodeJwt } from "jose";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import type { KeyPairStore } from "../core/primitives.ts";
import { FakeBroadcastHub } from "../testing/fake-broadcast-hub.ts";
import { createSesameClient, type SesameClientOptions } from "./create-sesame-client.ts";

const BASE = "http://host.test/trpc";

const ann = {
  id: "u1",
  email: "ann@example.com",
  name: "Ann",
  role: "user" as const,
  createdAt: "2026-01-01T00:00:00.000Z",
  emailVerified: true,
};

/**
 * A host's tRPC server in memory, with superjson, that mounts Sesame's
 * procedures under `sesame` beside its own `notes.list`: a refresh cookie
 * it always accepts, access tokens it can expire, and a record of every
 * request (path, Authorization, DPoP) and of every HTTP round trip.
 */
function hostServer() {
  const seen: Array<{ path: string; authorization: string | null; dpop: string | null }> = [];
  const state = { issued: 0, expired: new Set<string>(), requests: 0 };
  const bodies: Array<{ path: string; body: string }> = [];
  const t = initTRPC.context<{ req: Request }>().create({
    transformer: superjson,
    errorFormatter: ({ shape, error }) => ({
      ...shape,
      data: { ...shape.data, authCode: error.message },
    }),
  });
  const recorded = t.procedure.use(({ ctx, path, next }) => {
    seen.push({
      path,
      authorization: ctx.req.headers.get("authorization"),
      dpop: ctx.req.headers.get("dpop"),
    });
    return next();
  });
  const issue = () => {
    const accessToken = `at-${++state.issued}`;
    return { accessToken, tokenType: "Bearer", accessTokenExpiresAt: 1_900_000_000, user: ann };
  };
  const router = t.router({
    sesame: t.router({
      auth: t.router({
        login: recorded.mutation(issue),
        refresh: recorded.mutation(issue),
        logout: recorded.mutation(() => ({ ok: true })),
      }),
    }),
    notes: t.router({
      list: recorded.query(({ ctx }) => {
        const token = ctx.req.headers.get("authorization")?.replace(/^Bearer /, "");
        if (!token) throw new TRPCError({ code: "UNAUTHORIZED", message: "TOKEN_MISSING" });
        if (state.expired.has(token))
          throw new TRPCError({ code: "UNAUTHORIZED", message: "TOKEN_EXPIRED" });
        // A Date, which only a transformer brings back as one.
        return [{ text: "buy milk", createdAt: new Date(Date.UTC(2026, 0, 2)) }];
      }),
    }),
  });
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    state.requests++;
    const req = new Request(input, init);
    if (req.method === "POST") {
      bodies.push({ path: new URL(req.url).pathname, body: await req.clone().text() });
    }
    return fetchRequestHandler({
      endpoint: "/trpc",
      req,
      router,
      createContext: ({ req }) => ({ req }),
    });
  };
  const expireIssuedTokens = () => {
    for (let n = 1; n <= state.issued; n++) state.expired.add(`at-${n}`);
  };
  return { seen, bodies, state, fetch, expireIssuedTokens };
}

function memoryKeyStore(): KeyPairStore {
  let stored: Promise<CryptoKeyPair> | undefined;
  return { getOrCreate: (create) => (stored ??= create()) };
}

function setUp(options: Partial<SesameClientOptions> = {}) {
  const server = hostServer();
  const sesame = createSesameClient({
    url: BASE,
    prefix: "sesame",
    transformer: superjson,
    fetch: server.fetch,
    dpop: memoryKeyStore(),
    session: { channel: new FakeBroadcastHub().channel() },
    ...options,
  });
  const api = createTRPCUntypedClient({ links: sesame.links() });
  return { server, sesame, api };
}

describe("createSesameClient", () => {
  it("restores the session through the configured refresh path, with a proof naming it", async () => {
    const { server, sesame } = setUp();

    await sesame.session.restore();

    expect(server.seen.map((s) => s.path)).toEqual(["sesame.auth.refresh"]);
    expect(decodeJwt(server.seen[0]?.dpop ?? "").htu).toBe(`${BASE}/sesame.auth.refresh`);
    expect(sesame.session.getState()).toEqual({ status: "signed-in", generation: 1, user: ann });
  });

  it("retries a host call answered TOKEN_EXPIRED through superjson after one refresh, and its Dates stay Dates", async () => {
    const { server, sesame, api } = setUp();
    await sesame.session.restore();
    server.expireIssuedTokens();

    const notes = (await api.query("notes.list")) as Array<{ createdAt: unknown }>;

    expect(notes[0]?.createdAt).toBeInstanceOf(Date);
    expect(server.seen.map((s) => [s.path, s.authorization])).toEqual([
      ["sesame.auth.refresh", null],
      ["notes.list", "Bearer at-1"],
      ["sesame.auth.refresh", "Bearer at-1"],
      ["notes.list", "Bearer at-2"],
    ]);
  });

  it("sends a sign-in alone, with its proof, and batches the host's calls", async () => {
    const { server, sesame, api } = setUp();

    sesame.session.signIn((await api.mutation("sesame.auth.login", { email: ann.email })) as never);
    const requestsAfterSignIn = server.state.requests;
    await Promise.all([api.query("notes.list"), api.query("notes.list")]);

    expect(server.seen[0]).toMatchObject({ path: "sesame.auth.login", authorization: null });
    expect(decodeJwt(server.seen[0]?.dpop ?? "").htu).toBe(`${BASE}/sesame.auth.login`);
    expect(server.state.requests - requestsAfterSignIn).toBe(1);
  });

  it("logs out through the configured path, naming the session by its access token", async () => {
    const { server, sesame } = setUp();
    await sesame.session.restore();

    await sesame.session.logout();

    expect(server.seen.at(-1)).toMatchObject({
      path: "sesame.auth.logout",
      authorization: "Bearer at-1",
    });
    expect(sesame.session.getState()).toMatchObject({ status: "signed-out" });
  });

  it("does not take an answer without an access token for a grant (a path that is not the refresh)", async () => {
    const { sesame } = setUp({ paths: { refresh: "sesame.auth.logout" } });

    await sesame.session.restore();

    expect(sesame.session.accessToken).toBeUndefined();
    expect(sesame.session.getState()).toEqual({
      status: "signed-out",
      reason: { code: "UNREACHABLE", elsewhere: false },
    });
  });

  it("sends the refresh and the logout with a body, which every tRPC adapter parses", async () => {
    const { server, sesame } = setUp();

    await sesame.session.restore();
    await sesame.session.logout();

    // Without input an unbatched mutation has no body, and tRPC's node adapter (11.22) refuses that.
    expect(server.bodies.map(({ path, body }) => [path, superjson.parse(body)])).toEqual([
      ["/trpc/sesame.auth.refresh", {}],
      ["/trpc/sesame.auth.logout", {}],
    ]);
  });

  it("without DPoP, signs in and refreshes with no proof", async () => {
    const { server, sesame } = setUp({ dpop: false });

    await sesame.session.restore();

    expect(server.seen).toEqual([{ path: "sesame.auth.refresh", authorization: null, dpop: null }]);
  });
});
