import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Clock, ManualClock } from "@sesame/auth";
import { type RunningServer, readEnv, startServer } from "@sesame/server";
import { afterEach } from "vitest";
import {
  type RunningResourceServer,
  readResourceEnv,
  startResourceServer,
} from "../../src/index.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A real Sesame server in this process: ephemeral port, fresh SQLite file, generated keys. */
export async function startSesame(env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "sesame-resource-"));
  const server = await startServer(
    readEnv({
      PORT: "0",
      DATABASE_URL: join(dir, "sesame.db"),
      SIGNING_KEYS_FILE: join(dir, "keys.json"),
      WEB_DIST: "",
      LOG_LEVEL: "silent",
      ...env,
    }),
    { log: () => {} },
  );
  cleanups.push(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

/** The notes service in this process, trusting `issuer`; its clock can be moved. */
export async function startNotes(
  issuer: string,
  clock: Clock = new ManualClock(Date.now()),
): Promise<RunningResourceServer> {
  const server = await startResourceServer(readResourceEnv({ PORT: "0", SESAME_ISSUER: issuer }), {
    clock,
  });
  cleanups.push(() => server.close());
  return server;
}

let emails = 0;
export const PASSWORD = "correct horse battery staple";

export interface Pair {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string };
}

/** Registers over Sesame's plain JSON API, as any HTTP client would (body transport). */
export async function register(sesameUrl: string): Promise<Pair> {
  const email = `notes${++emails}.${Date.now()}@example.com`;
  const response = await fetch(`${sesameUrl}/trpc/auth.register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, transport: "body" }),
  });
  if (response.status !== 200)
    throw new Error(`register: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { result: { data: Pair } }).result.data;
}

export async function login(sesameUrl: string, email: string): Promise<Pair> {
  const response = await fetch(`${sesameUrl}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, transport: "body" }),
  });
  if (response.status !== 200)
    throw new Error(`login: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { result: { data: Pair } }).result.data;
}

/** `user.me` on Sesame with a bearer token: the status and the authCode of a failure. */
export async function sesameMe(sesameUrl: string, token: string) {
  const response = await fetch(`${sesameUrl}/trpc/user.me`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await response.json()) as { error?: { data?: { authCode?: string } } };
  return { status: response.status, authCode: body.error?.data?.authCode };
}

/** GET /notes on the notes service. */
export async function notes(notesUrl: string, token?: string) {
  const response = await fetch(`${notesUrl}/notes`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    status: response.status,
    challenge: response.headers.get("www-authenticate"),
    body: (await response.json()) as { owner?: string; notes?: { text: string }[]; error?: string },
  };
}

export async function addNote(notesUrl: string, token: string, text: string) {
  const response = await fetch(`${notesUrl}/notes`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  return { status: response.status, body: await response.json() };
}

export const headerOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()) as {
    alg: string;
    kid: string;
    typ: string;
  };

export const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<
    string,
    unknown
  >;
