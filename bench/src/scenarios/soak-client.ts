import { Agent, request } from "node:http";
import type { SoakProcedure, SoakRecorder } from "./soak-recorder.ts";

/** How one soak client behaves; the same for every client, drawn from each client's own random stream. */
export interface SoakBehaviour {
  /** `user.me` calls per visit, drawn uniformly from this range. */
  usesPerVisit: [number, number];
  /** Chance that a `user.me` call is followed by an `auth.refresh`. */
  refreshShare: number;
  /** Mean pause between a client's requests, in ms (drawn uniformly from 0 to twice this). */
  thinkMs: number;
}

export interface SoakClient {
  /** The server's base URL, http://127.0.0.1:port. */
  url: string;
  email: string;
  password: string;
  behaviour: SoakBehaviour;
  /** A random number in [0, 1): seeded per client, so a run's traffic can be repeated. */
  random(): number;
  recorder: SoakRecorder;
  /** False once the soak is over: the client finishes the request in flight and stops. */
  running(): boolean;
  /** Sessions begun (logins answered) and ended (logouts answered), summed over every client. */
  sessions: { begun: number; ended: number };
}

/** A request taking longer than this is a failure, not a latency (autocannon's bound elsewhere in the bench). */
const TIMEOUT_MS = 30_000;
/** After a failure, a client waits this long before its next visit, so an error cannot become a hot loop. */
const RETRY_PAUSE_MS = 100;

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/**
 * One simulated user, for as long as the soak runs: visit after visit, each
 * on a new keep-alive connection (a visit is a tab or an app start), each
 * one session from login to logout: `auth.login`, then `user.me` many times
 * with the access token as a bearer, now and then an `auth.refresh` (body
 * transport) whose new tokens are used from then on, and `auth.logout` with
 * both. So sessions, tokens and connections are created and ended all
 * through the run, which is what leaks of any of them need to show.
 */
export async function runSoakClient(client: SoakClient): Promise<void> {
  while (client.running()) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await visit(client, agent);
    } catch (error) {
      if (!(error instanceof FailedCall)) throw error;
      await pause(RETRY_PAUSE_MS);
    } finally {
      agent.destroy();
    }
  }
}

async function visit(client: SoakClient, agent: Agent): Promise<void> {
  const { behaviour, random } = client;
  const think = () => pause(random() * 2 * behaviour.thinkMs);
  const [fewest, most] = behaviour.usesPerVisit;
  const uses = fewest + Math.floor(random() * (most - fewest + 1));
  let tokens = await call<Tokens>(client, agent, "auth.login", {
    body: { email: client.email, password: client.password, transport: "body" },
  });
  client.sessions.begun++;
  for (let i = 0; i < uses && client.running(); i++) {
    await think();
    await call(client, agent, "user.me", { bearer: tokens.accessToken });
    if (random() < behaviour.refreshShare) {
      await think();
      tokens = await call<Tokens>(client, agent, "auth.refresh", {
        body: { refreshToken: tokens.refreshToken },
      });
    }
  }
  await think();
  await call(client, agent, "auth.logout", {
    bearer: tokens.accessToken,
    body: { refreshToken: tokens.refreshToken },
  });
  client.sessions.ended++;
}

/** A call that did not answer 200: recorded already, it ends the visit. */
class FailedCall extends Error {}

/**
 * One tRPC call over plain HTTP (queries as GET, mutations as POST with a
 * JSON body), timed from sending to the last byte and recorded. Only the
 * answers whose tokens are needed are parsed: `user.me`'s body is drained
 * unread, to keep the generator's share of the two cores small.
 */
async function call<T = undefined>(
  client: SoakClient,
  agent: Agent,
  procedure: SoakProcedure,
  { body, bearer }: { body?: unknown; bearer?: string },
): Promise<T> {
  const started = performance.now();
  const wanted = procedure === "auth.login" || procedure === "auth.refresh";
  let answer: { status: number; text: string };
  try {
    answer = await send(client.url, agent, procedure, body, bearer, wanted);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    client.recorder.record(procedure, performance.now() - started, reason);
    throw new FailedCall(reason);
  }
  const ms = performance.now() - started;
  if (answer.status !== 200) {
    const reason = `HTTP ${answer.status} ${answer.text.slice(0, 160)}`;
    client.recorder.record(procedure, ms, reason);
    throw new FailedCall(reason);
  }
  client.recorder.record(procedure, ms);
  if (!wanted) return undefined as T;
  return (JSON.parse(answer.text) as { result: { data: T } }).result.data;
}

function send(
  url: string,
  agent: Agent,
  procedure: SoakProcedure,
  body: unknown,
  bearer: string | undefined,
  readBody: boolean,
): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (payload !== undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${url}/trpc/${procedure}`,
      { method: payload === undefined ? "GET" : "POST", agent, headers, timeout: TIMEOUT_MS },
      (response) => {
        const status = response.statusCode ?? 0;
        // Failures are read too: their message says what broke.
        const keep = readBody || status !== 200;
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => {
          if (keep) chunks.push(chunk);
        });
        response.on("end", () => resolve({ status, text: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
