import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { initTRPC } from "@trpc/server";
import superjson from "superjson";
import { afterEach, describe, expect, it } from "vitest";
import { protectedProcedure } from "../src/index.ts";
import { type HostKind, type HostRouter, type RunningHost, startHost } from "./support/host-app.ts";

const PASSWORD = "correct horse battery staple";
let users = 0;
const uniqueEmail = () => `host-user${++users}.${Date.now()}@example.com`;

const hosts: RunningHost[] = [];
afterEach(async () => {
  while (hosts.length > 0) await hosts.pop()?.close();
});

async function host(
  kind: HostKind,
  ...rest: Parameters<typeof startHost> extends [unknown, ...infer R] ? R : never
) {
  const running = await startHost(kind, ...rest);
  hosts.push(running);
  return running;
}

/** The team's client: its router's type, its transformer, a cookie jar like a browser's. */
function clientOf(url: string) {
  const state = {
    accessToken: undefined as string | undefined,
    cookies: new Map<string, string>(),
  };
  const api = createTRPCClient<HostRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        transformer: superjson,
        headers: () => ({
          ...(state.accessToken ? { authorization: `Bearer ${state.accessToken}` } : {}),
          ...(state.cookies.size > 0
            ? { cookie: [...state.cookies].map(([name, value]) => `${name}=${value}`).join("; ") }
            : {}),
        }),
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          for (const header of response.headers.getSetCookie()) {
            const [pair = ""] = header.split(";");
            const [name = "", value = ""] = pair.split("=");
            if (value === "") state.cookies.delete(name);
            else state.cookies.set(name, value);
          }
          return response;
        },
      }),
    ],
  });
  return { api, state };
}

async function failureOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { authCode?: string; httpStatus?: number; code?: string };
      return { authCode: data.authCode, httpStatus: data.httpStatus, code: data.code };
    }
    throw error;
  }
  throw new Error("Expected the call to fail, but it succeeded.");
}

describe.each<HostKind>(["fetch", "node-listener", "node"])(
  "Sesame inside a team's own tRPC app (%s host)",
  (kind) => {
    it("signs up through the mounted router, sets the refresh cookie, and protects the team's own procedures", async () => {
      const running = await host(kind);
      const { api, state } = clientOf(running.url);

      const signedUp = await api.auth.auth.register.mutate({
        email: uniqueEmail(),
        password: PASSWORD,
      });
      // The cookie transport: the refresh token is only in the httpOnly cookie, set from inside the procedure.
      expect(signedUp.refreshToken).toBeUndefined();
      expect(state.cookies.get("sesame_refresh")).toMatch(/.{40,}/);

      state.accessToken = signedUp.accessToken;
      const note = await api.notes.add.mutate({ text: "first" });
      // superjson, the host's transformer, carried the Date both ways.
      expect(note.at).toBeInstanceOf(Date);
      expect(await api.notes.list.query()).toEqual([note]);
      expect(await api.requestId.query()).toBe("host-request");
    });

    it("keeps authCode in the host's error shape, with the HTTP status, for Sesame's and the team's procedures", async () => {
      const running = await host(kind);
      const { api, state } = clientOf(running.url);
      expect(await failureOf(api.notes.list.query())).toEqual({
        authCode: "TOKEN_MISSING",
        httpStatus: 401,
        code: "UNAUTHORIZED",
      });
      expect(
        (await failureOf(api.auth.auth.login.mutate({ email: uniqueEmail(), password: PASSWORD })))
          .authCode,
      ).toBe("INVALID_CREDENTIALS");

      const signedUp = await api.auth.auth.register.mutate({
        email: uniqueEmail(),
        password: PASSWORD,
      });
      state.accessToken = signedUp.accessToken;
      expect(await failureOf(api.notes.report.query())).toEqual({
        authCode: "FORBIDDEN",
        httpStatus: 403,
        code: "FORBIDDEN",
      });
      expect((await failureOf(api.notes.add.mutate({ text: "" }))).code).toBe("BAD_REQUEST");
    });

    it("refreshes from the cookie, and a logout reaches the team's procedures at once", async () => {
      const running = await host(kind);
      const { api, state } = clientOf(running.url);
      const signedUp = await api.auth.auth.register.mutate({
        email: uniqueEmail(),
        password: PASSWORD,
      });
      const firstCookie = state.cookies.get("sesame_refresh");

      const refreshed = await api.auth.auth.refresh.mutate();
      expect(state.cookies.get("sesame_refresh")).not.toBe(firstCookie);
      state.accessToken = refreshed.accessToken;
      await api.notes.add.mutate({ text: "still me" });

      await api.auth.auth.logout.mutate({});
      expect(state.cookies.has("sesame_refresh")).toBe(false);
      expect((await failureOf(api.notes.list.query())).authCode).toBe("SESSION_REVOKED");
      // The first access token of the same session is refused too.
      state.accessToken = signedUp.accessToken;
      expect((await failureOf(api.notes.list.query())).authCode).toBe("SESSION_REVOKED");
    });

    it("refuses the refresh cookie from a foreign origin (CSRF) inside the host's router too", async () => {
      const running = await host(kind);
      const { api, state } = clientOf(running.url);
      await api.auth.auth.register.mutate({ email: uniqueEmail(), password: PASSWORD });
      const cookie = [...state.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
      const forged = await fetch(`${running.url}/trpc/auth.auth.refresh`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, origin: "https://evil.example" },
      });
      expect(forged.status).toBe(403);
      expect(JSON.stringify(await forged.json())).toContain("CSRF_REJECTED");
    });

    it("says what is wrong when the host's context lacks Sesame's part, without leaking it to the client", async () => {
      const running = await host(kind, () => ({ requestId: "forgot" }) as never);
      const { api } = clientOf(running.url);
      expect(await failureOf(api.notes.list.query())).toMatchObject({
        code: "INTERNAL_SERVER_ERROR",
        authCode: undefined,
      });
    });
  },
);

describe("the procedure builders on a host's initTRPC", () => {
  it("refuse, at compile time, a host whose context has no `sesame` key", () => {
    const t = initTRPC.context<{ requestId: string }>().create();
    // @ts-expect-error — the context must include Sesame's part for its builders to apply.
    const builder = t.procedure.concat(protectedProcedure);
    expect(builder).toBeDefined();
  });
});
