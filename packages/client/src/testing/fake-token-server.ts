import type { AuthCode } from "@sesame/contracts";
import { TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable } from "@trpc/server/observable";
import type { AccessGrant } from "../core/access-grant.ts";
import { DEFAULT_PROCEDURES, publicProcedures } from "../core/procedures.ts";

/** A TRPCClientError as the real server's error formatter shapes it. */
export function authError(code: AuthCode): TRPCClientError<AnyTRPCRouter> {
  return TRPCClientError.from({ error: { message: code, code: -32001, data: { authCode: code } } });
}

const networkTurn = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};

/**
 * The server side of the token lifecycle, in memory, as the browser sees it:
 * one refresh cookie shared by every tab, rotated on each refresh; access
 * tokens checked on every call. It records what a test asserts on: calls
 * with the token they carried, refreshes, and whether refreshes overlapped
 * (which, outside the grace window, the real server treats as theft).
 */
export class FakeTokenServer {
  readonly calls: Array<{ path: string; token: string | undefined }> = [];
  refreshCalls = 0;
  logoutCalls = 0;
  maxConcurrentRefreshes = 0;
  /** The next refreshes fail with this code. */
  refreshFailure: AuthCode | undefined;
  /** What every call answers until cleared, e.g. SESSION_REVOKED or a persistent TOKEN_EXPIRED. */
  callFailure: AuthCode | undefined;
  /** Whether the browser holds a refresh cookie. */
  cookie = true;
  private readonly expiries = new Map<string, number>();
  private issued = 0;
  private refreshing = 0;

  private readonly publicPaths: ReadonlySet<string>;

  constructor(
    private readonly now: () => number,
    private readonly ttlSeconds = 600,
    /** The calls it answers without looking for a token: Sesame's, where the router mounts them. */
    publicPaths: Iterable<string> = publicProcedures(DEFAULT_PROCEDURES),
  ) {
    this.publicPaths = new Set(publicPaths);
  }

  issue(): AccessGrant {
    const accessToken = `at-${++this.issued}`;
    const accessTokenExpiresAt = Math.floor(this.now() / 1000) + this.ttlSeconds;
    this.expiries.set(accessToken, accessTokenExpiresAt);
    this.cookie = true;
    return { accessToken, accessTokenExpiresAt };
  }

  /** The server's clock moved past every token issued so far, while the client's did not. */
  expireIssuedTokens(): void {
    for (const token of this.expiries.keys()) this.expiries.set(token, 0);
  }

  readonly refresh = async (): Promise<AccessGrant> => {
    this.refreshCalls++;
    this.refreshing++;
    this.maxConcurrentRefreshes = Math.max(this.maxConcurrentRefreshes, this.refreshing);
    try {
      await networkTurn();
      if (!this.cookie) throw authError("TOKEN_MISSING");
      if (this.refreshFailure) throw authError(this.refreshFailure);
      return this.issue();
    } finally {
      this.refreshing--;
    }
  };

  readonly logout = async (): Promise<{ ok: true }> => {
    this.logoutCalls++;
    await networkTurn();
    this.cookie = false;
    return { ok: true };
  };

  /** A terminating link: answers every call with its path and the token it carried, or an auth error. */
  link(): TRPCLink<AnyTRPCRouter> {
    return () =>
      ({ op }) =>
        observable((observer) => {
          const token =
            typeof op.context.accessToken === "string" ? op.context.accessToken : undefined;
          this.calls.push({ path: op.path, token });
          void networkTurn().then(() => {
            const failure = this.check(op.path, token);
            if (failure) return observer.error(authError(failure));
            observer.next({ result: { type: "data", data: { path: op.path, token } } });
            observer.complete();
          });
        });
  }

  private check(path: string, token: string | undefined): AuthCode | undefined {
    if (this.publicPaths.has(path)) return undefined;
    if (this.callFailure) return this.callFailure;
    if (token === undefined) return "TOKEN_MISSING";
    const expiresAt = this.expiries.get(token);
    if (expiresAt === undefined) return "TOKEN_INVALID";
    return expiresAt * 1000 <= this.now() ? "TOKEN_EXPIRED" : undefined;
  }
}
