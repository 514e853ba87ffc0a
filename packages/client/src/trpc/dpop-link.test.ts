import { createTRPCUntypedClient, httpLink } from "@trpc/client";
import { initTRPC, TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { decodeJwt, EmbeddedJWK, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { authCodeOf } from "../core/auth-codes.ts";
import { sesameProcedures } from "../core/procedures.ts";
import { ServerClock } from "../core/server-clock.ts";
import { dpopHeaders, dpopLink } from "./dpop-link.ts";

const URL_BASE = "http://sesame.test/trpc";

/**
 * A tRPC server in memory that checks proofs the way Sesame's contract says:
 * ES256 over the key in the header, htu naming the procedure, iat within
 * ±30 s of its own clock, which its `Date` header tells. Without a proof a
 * sign-in is bearer; `refuseAll` plays a key the session is not bound to.
 */
function standInServer(serverNow: () => number) {
  const seen: Array<{ path: string; proof: string | null }> = [];
  const state = { refuseAll: false };
  const t = initTRPC.context<{ req: Request }>().create({
    errorFormatter: ({ shape, error }) => ({
      ...shape,
      data: { ...shape.data, authCode: error.message },
    }),
  });
  const checkProof = async (req: Request, path: string) => {
    const proof = req.headers.get("dpop");
    seen.push({ path, proof });
    if (proof === null) return;
    const refused = new TRPCError({ code: "UNAUTHORIZED", message: "DPOP_INVALID" });
    if (state.refuseAll) throw refused;
    const { payload } = await jwtVerify(proof, EmbeddedJWK, { typ: "dpop+jwt" }).catch(() => {
      throw refused;
    });
    const skew = Math.abs(serverNow() - (payload.iat as number) * 1000);
    if (payload.htm !== "POST" || payload.htu !== `${URL_BASE}/${path}` || skew > 30_000)
      throw refused;
  };
  // Each checks the proof for its own path, wherever the router is mounted.
  const proving = t.procedure.mutation(({ ctx, path }) => checkProof(ctx.req, path));
  const auth = t.router({
    login: proving,
    signInWithLink: proving,
    verifyMfa: proving,
    beginPasskeyLogin: proving,
    finishPasskeyLogin: proving,
    refresh: proving,
  });
  const router = t.router({
    auth,
    // As a host that mounts Sesame under a key of its own.
    sesame: t.router({ auth }),
    user: t.router({
      me: t.procedure.query(({ ctx }) => ({ dpop: ctx.req.headers.get("dpop") })),
    }),
  });
  const handle = (req: Request) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req,
      router,
      createContext: () => ({ req }),
      responseMeta: () => ({ headers: { date: new Date(serverNow()).toUTCString() } }),
    });
  return { seen, state, handle };
}

describe("dpopLink", () => {
  let keys: CryptoKeyPair;
  const localNow = Date.UTC(2026, 0, 1, 12, 0, 0);

  beforeAll(async () => {
    keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
      "sign",
      "verify",
    ]);
  });

  function setUp({ skewMs = 0, withKey = true, procedures = sesameProcedures() } = {}) {
    const server = standInServer(() => localNow + skewMs);
    const clock = new ServerClock(() => localNow);
    const client = createTRPCUntypedClient({
      links: [
        dpopLink({
          keys: async () => (withKey ? keys : undefined),
          url: URL_BASE,
          clock,
          procedures,
        }),
        httpLink({
          url: URL_BASE,
          // As the app does it: every answer's Date header corrects the clock.
          fetch: async (input, init) => {
            const response = await server.handle(new Request(input, init as RequestInit));
            clock.observe(response.headers.get("date"));
            return response;
          },
          headers: ({ op }) => dpopHeaders(op),
        }),
      ],
    });
    return { server, client };
  }

  it("sends a proof the server accepts with sign-in and refresh, each naming its procedure", async () => {
    const { server, client } = setUp();

    await client.mutation("auth.login", undefined);
    // A sign-in link starts a session like a password does: bound to the same key.
    await client.mutation("auth.signInWithLink", undefined);
    // The code after MFA_REQUIRED is what starts that session: it is the sign-in that binds.
    await client.mutation("auth.verifyMfa", undefined);
    // A passkey's signature starts a session too; asking for its challenge binds nothing.
    await client.mutation("auth.beginPasskeyLogin", undefined);
    await client.mutation("auth.finishPasskeyLogin", undefined);
    await client.mutation("auth.refresh", undefined);

    expect(server.seen.map((s) => [s.path, typeof s.proof])).toEqual([
      ["auth.login", "string"],
      ["auth.signInWithLink", "string"],
      ["auth.verifyMfa", "string"],
      ["auth.beginPasskeyLogin", "object"],
      ["auth.finishPasskeyLogin", "string"],
      ["auth.refresh", "string"],
    ]);
  });

  it("leaves every other call without a proof: access tokens stay bearer", async () => {
    const { client } = setUp();

    expect(await client.query("user.me")).toEqual({ dpop: null });
  });

  it("without a key, signs in without a proof instead of failing", async () => {
    const { server, client } = setUp({ withKey: false });

    await client.mutation("auth.login", undefined);

    expect(server.seen).toEqual([{ path: "auth.login", proof: null }]);
  });

  it("on a device whose clock is five minutes slow, dates the second proof by the server's clock", async () => {
    const { server, client } = setUp({ skewMs: 5 * 60_000 });

    await client.mutation("auth.refresh", undefined);

    expect(server.seen).toHaveLength(2);
    const accepted = decodeJwt(server.seen[1]?.proof ?? "");
    expect(Math.abs((accepted.iat ?? 0) * 1000 - (localNow + 5 * 60_000))).toBeLessThan(2_000);
  });

  it("does not retry a proof refused while the clocks agree: that key is not the session's", async () => {
    const { server, client } = setUp();
    server.state.refuseAll = true;

    const failure = await client.mutation("auth.refresh", undefined).catch((e: unknown) => e);

    expect(authCodeOf(failure)).toBe("DPOP_INVALID");
    expect(server.seen).toHaveLength(1);
  });

  it("retries at most once, however the clock moved", async () => {
    const { server, client } = setUp({ skewMs: -5 * 60_000 });
    server.state.refuseAll = true;

    const failure = await client.mutation("auth.refresh", undefined).catch((e: unknown) => e);

    expect(authCodeOf(failure)).toBe("DPOP_INVALID");
    expect(server.seen).toHaveLength(2);
  });

  it("with Sesame mounted under a key, proves the prefixed sign-in and refresh, each naming its path", async () => {
    const { server, client } = setUp({ procedures: sesameProcedures({ prefix: "sesame" }) });

    await client.mutation("sesame.auth.login", undefined);
    await client.mutation("sesame.auth.refresh", undefined);
    // The unprefixed path is not Sesame's here: no proof.
    await client.mutation("auth.refresh", undefined);

    expect(server.seen.map((s) => [s.path, typeof s.proof])).toEqual([
      ["sesame.auth.login", "string"],
      ["sesame.auth.refresh", "string"],
      ["auth.refresh", "object"],
    ]);
  });
});
