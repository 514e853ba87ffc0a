import { randomBytes } from "node:crypto";
import { PASSWORD } from "./test-server.ts";

/**
 * A client-side load balancer and a bounded load of sign-ups, refreshes and
 * logouts over several Sesame processes, keeping the ledger of what the
 * servers acknowledged (HTTP 200) so a test can check afterwards that no
 * acknowledged write was lost, whatever happened to a node or the database
 * in between. Plain `fetch` on purpose: a test must see the exact status,
 * body and network error of every call, which a tRPC client would hide.
 */

/** What one HTTP call came back with; `status` 0 when no answer arrived at all (reset, refused, timeout). */
export interface Answer {
  status: number;
  text: string;
  data?: { accessToken?: string; refreshToken?: string; [key: string]: unknown };
  authCode?: string;
  networkError?: string;
}

/** A tRPC mutation (POST) or, with `input` undefined and `query` set, a query (GET) over plain HTTP. */
export async function call(
  url: string,
  path: string,
  input: unknown,
  options: { accessToken?: string; query?: boolean; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`;
  if (!options.query) headers["content-type"] = "application/json";
  try {
    const response = await fetch(`${url}/trpc/${path}`, {
      method: options.query ? "GET" : "POST",
      headers,
      body: options.query ? undefined : JSON.stringify(input ?? {}),
      // A node that hangs must show as a failed call of this test, not as a vitest timeout.
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let body: { result?: { data?: Answer["data"] }; error?: { data?: { authCode?: string } } } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (an HTML error page, a proxy's text): kept verbatim in `text` for the report.
    }
    return {
      status: response.status,
      text,
      data: body.result?.data,
      authCode: body.error?.data?.authCode,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return {
      status: 0,
      text: "",
      networkError: `${(error as Error).name}: ${cause?.code ?? (error as Error).message}`,
    };
  }
}

export const uniqueEmail = (prefix = "load") =>
  `${prefix}.${randomBytes(6).toString("hex")}@example.com`;

/** The nodes a client sends to, round-robin, and which it can take out and put back like a load balancer. */
export class Rotation {
  private readonly members: Array<{ name: string; url: string }> = [];
  private turn = 0;

  constructor(nodes: Record<string, string>) {
    for (const [name, url] of Object.entries(nodes)) this.members.push({ name, url });
  }

  next(): { name: string; url: string } {
    const member = this.members[this.turn++ % this.members.length];
    if (!member) throw new Error("no node left in the rotation");
    return member;
  }

  remove(name: string): void {
    const index = this.members.findIndex((member) => member.name === name);
    if (index >= 0) this.members.splice(index, 1);
  }

  add(name: string, url: string): void {
    this.members.push({ name, url });
  }
}

export type Operation = "register" | "refresh" | "logout";

/** One call the load made, with the node it went to and when it was sent and answered. */
export interface Sent {
  op: Operation;
  node: string;
  sentAt: number;
  answeredAt: number;
  answer: Answer;
}

interface LoadSession {
  email: string;
  /** Who the client is (its address behind the proxy): a rotation's grace answer is only for the client that made it. */
  headers: Record<string, string>;
  accessToken: string;
  refreshToken: string;
  /** live: every call on it was acknowledged; ended: a logout was; unsure: a call got no clean answer. */
  state: "live" | "ended" | "unsure";
  busy: boolean;
}

/** What the servers acknowledged during a load, and every call it made. */
export interface Ledger {
  calls: Sent[];
  /** Emails whose sign-up was answered 200. */
  registered: string[];
  /** Sessions whose last call was acknowledged; their current tokens must work. */
  live: LoadSession[];
  /** Sessions whose logout was acknowledged; their tokens must be dead. */
  ended: LoadSession[];
  /** Sessions whose refresh got no clean answer: the rotation may or may not have happened. */
  unsureRefresh: LoadSession[];
  /** How many rotations were acknowledged in all. */
  rotations: number;
}

/**
 * Runs `workers` loops of sign-ups, refreshes and logouts over `rotation`
 * until `minMs` have passed and `during` (what happens to the nodes meanwhile)
 * has settled. A session is used by one loop at a time, as a client would use
 * its own tokens; one whose call got no clean answer is set aside.
 */
export async function runLoad(options: {
  rotation: Rotation;
  workers: number;
  minMs: number;
  during?: () => Promise<void>;
  /** A client's think time between two calls (default none: as fast as the nodes answer). */
  pauseMs?: number;
  /**
   * Behind TRUST_PROXY: each client's address (X-Forwarded-For), drawn at its
   * sign-up and kept for its session's calls, so many clients share no per-IP budget.
   */
  clientIp?: () => string;
}): Promise<Ledger> {
  const ledger: Ledger = {
    calls: [],
    registered: [],
    live: [],
    ended: [],
    unsureRefresh: [],
    rotations: 0,
  };
  const sessions: LoadSession[] = [];
  const started = Date.now();
  let duringDone = options.during === undefined;
  let duringError: unknown;
  const during = options
    .during?.()
    .catch((error: unknown) => {
      duringError = error;
    })
    .finally(() => {
      duringDone = true;
    });

  const send = async (
    op: Operation,
    path: string,
    input: unknown,
    headers: Record<string, string>,
    accessToken?: string,
  ) => {
    const node = options.rotation.next();
    const sentAt = Date.now();
    const answer = await call(node.url, path, input, { accessToken, headers });
    ledger.calls.push({ op, node: node.name, sentAt, answeredAt: Date.now(), answer });
    return answer;
  };

  const pause = () =>
    options.pauseMs ? new Promise((resolve) => setTimeout(resolve, options.pauseMs)) : undefined;

  const pickSession = () => {
    const free = sessions.filter((session) => session.state === "live" && !session.busy);
    return free[Math.floor(Math.random() * free.length)];
  };

  const loop = async () => {
    while (!duringDone || Date.now() - started < options.minMs) {
      const roll = Math.random();
      const session = pickSession();
      if (!session || roll < 0.25) {
        const email = uniqueEmail();
        const headers = forwardedFor(options.clientIp);
        const answer = await send(
          "register",
          "auth.register",
          { email, password: PASSWORD, transport: "body" },
          headers,
        );
        if (answer.status === 200 && answer.data?.refreshToken && answer.data.accessToken) {
          ledger.registered.push(email);
          sessions.push({
            email,
            headers,
            accessToken: answer.data.accessToken,
            refreshToken: answer.data.refreshToken,
            state: "live",
            busy: false,
          });
        }
        await pause();
        continue;
      }
      session.busy = true;
      if (roll < 0.8) {
        const answer = await send(
          "refresh",
          "auth.refresh",
          { refreshToken: session.refreshToken },
          session.headers,
        );
        if (answer.status === 200 && answer.data?.refreshToken && answer.data.accessToken) {
          session.refreshToken = answer.data.refreshToken;
          session.accessToken = answer.data.accessToken;
          ledger.rotations++;
        } else {
          session.state = "unsure";
          ledger.unsureRefresh.push(session);
        }
      } else {
        const answer = await send(
          "logout",
          "auth.logout",
          {},
          session.headers,
          session.accessToken,
        );
        session.state = answer.status === 200 ? "ended" : "unsure";
      }
      session.busy = false;
      await pause();
    }
  };

  await Promise.all(Array.from({ length: options.workers }, loop));
  await during;
  if (duringError) throw duringError;
  ledger.live = sessions.filter((session) => session.state === "live");
  ledger.ended = sessions.filter((session) => session.state === "ended");
  return ledger;
}

const forwardedFor = (clientIp?: () => string): Record<string, string> =>
  clientIp ? { "x-forwarded-for": clientIp() } : {};

/** A random client address in 10.0.0.0/8, for a server behind TRUST_PROXY. */
export const randomClientIp = () =>
  `10.${[...randomBytes(3)].map((byte) => String(byte)).join(".")}`;

/** A time of day to the millisecond (UTC), to line calls up with what happened to the nodes. */
export const stamp = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/** A call of the ledger, short enough for a failure message. */
export function describeCall(sent: Sent): string {
  const { answer } = sent;
  const outcome = answer.networkError ?? `${answer.status} ${answer.text.slice(0, 300)}`;
  return `${sent.op} on ${sent.node} sent ${stamp(sent.sentAt)}, answered after ${sent.answeredAt - sent.sentAt} ms: ${outcome}`;
}

/**
 * Everything the ledger says was acknowledged, checked on `urls` (nodes that
 * are up, each check on one of them, in turn): each sign-up's email is taken, each logged-out
 * session's tokens are dead, each live session's tokens work, and each
 * session whose refresh got no clean answer can still refresh with its last
 * acknowledged token (the rotation either did not happen, or its parent is
 * still in the reuse grace and yields the successor) — a rotation is never
 * half done. Returns the problems found, one line each.
 */
export async function lostWrites(
  urls: string | string[],
  ledger: Ledger,
  options: { clientIp?: () => string } = {},
): Promise<string[]> {
  const problems: string[] = [];
  const nodes = Array.isArray(urls) ? urls : [urls];
  const inBatches = async <T>(items: T[], check: (item: T, url: string) => Promise<void>) => {
    // Two at a time per node, spread over the nodes: each sign-up hashes a password, on two cores.
    const width = 2 * nodes.length;
    for (let i = 0; i < items.length; i += width) {
      await Promise.all(
        items.slice(i, i + width).map((item, j) => check(item, nodes[j % nodes.length] as string)),
      );
    }
  };
  await inBatches(ledger.registered, async (email, url) => {
    const again = await call(
      url,
      "auth.register",
      { email, password: PASSWORD, transport: "body" },
      { headers: forwardedFor(options.clientIp) },
    );
    if (again.status !== 409 || again.authCode !== "EMAIL_TAKEN") {
      problems.push(
        `on ${url} at ${stamp(Date.now())}: acknowledged sign-up ${email} is gone: re-registering answered ${again.status} ${again.authCode ?? again.networkError ?? again.text.slice(0, 200)}`,
      );
    }
  });
  await inBatches(ledger.ended, async (session, url) => {
    const me = await call(url, "user.me", undefined, {
      accessToken: session.accessToken,
      query: true,
      headers: session.headers,
    });
    if (me.status !== 401) {
      problems.push(
        `on ${url} at ${stamp(Date.now())}: acknowledged logout of ${session.email} lost: its access token answered ${me.status} ${me.authCode ?? me.networkError ?? ""}`,
      );
    }
    const refresh = await call(
      url,
      "auth.refresh",
      { refreshToken: session.refreshToken },
      { headers: session.headers },
    );
    if (refresh.status !== 401) {
      problems.push(
        `on ${url} at ${stamp(Date.now())}: acknowledged logout of ${session.email} lost: its refresh token answered ${refresh.status} ${refresh.authCode ?? refresh.networkError ?? ""}`,
      );
    }
  });
  await inBatches([...ledger.live, ...ledger.unsureRefresh], async (session, url) => {
    const refresh = await call(
      url,
      "auth.refresh",
      { refreshToken: session.refreshToken },
      { headers: session.headers },
    );
    if (refresh.status !== 200) {
      problems.push(
        `on ${url} at ${stamp(Date.now())}: ${session.state} session of ${session.email}: its last acknowledged refresh token answered ${refresh.status} ${refresh.authCode ?? refresh.networkError ?? refresh.text.slice(0, 200)}`,
      );
    }
    if (session.state !== "live") return;
    const me = await call(url, "user.me", undefined, {
      accessToken: session.accessToken,
      query: true,
      headers: session.headers,
    });
    if (me.status !== 200) {
      problems.push(
        `on ${url} at ${stamp(Date.now())}: live session of ${session.email}: its last access token answered ${me.status} ${me.authCode ?? me.networkError ?? ""}`,
      );
    }
  });
  return problems;
}
