import { sign } from "node:crypto";
import { join } from "node:path";
import { ACCESS_TOKEN, AUTH_DEFAULTS, randomIds, signToken } from "@sesame/auth";
import { openDatabase } from "@sesame/db";
import type { BenchContext } from "../bench-context.ts";
import { timePerOp } from "../micro/time-per-op.ts";
import { mainThreadCpuMicros } from "../report/cpu-meter.ts";

export interface RefreshBounds {
  /** One durable commit (WAL, synchronous=FULL) of a one-row write, in ms: the event loop waits this long per batch. */
  commitMs: number;
  /** Signing through jose (WebCrypto on libuv's pool), 50 at a time. */
  joseSign: SignCost;
  /** Signing the same bytes with node:crypto's one-shot `sign`, 50 at a time. */
  nodeSign: SignCost;
  /** Whether both produce the same token byte for byte (Ed25519 signatures are deterministic). */
  sameToken: boolean;
}

/** µs of CPU per token: every thread, and the event loop's thread alone. */
export interface SignCost {
  cpuUs: number;
  mainThreadUs: number | undefined;
}

const IN_FLIGHT = 50;

/**
 * What bounds a rotation besides the HTTP host: the durable commit every
 * group-committed batch waits for on the event loop, and the cost of signing
 * the two new tokens, through jose as Sesame does and through node:crypto
 * directly (the evidence for a proposed change).
 */
export async function measureRefreshBounds(ctx: BenchContext): Promise<RefreshBounds> {
  ctx.log("timing a durable commit and token signing");
  const db = openDatabase(join(ctx.workDir, "commit.db"));
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
  const commit = db.transaction((v: string) => insert.run(v));
  const commitUs = await timePerOp(() => commit("x".repeat(100)), ctx.settings.micro);
  db.close();

  const ring = ctx.keys.ring;
  const key = ring.signingKey();
  const config = { issuer: "https://sesame.bench.example", audience: AUTH_DEFAULTS.audience };
  const subject = {
    userId: randomIds.id(),
    sessionId: randomIds.id(),
    extraClaims: { role: "user" },
  };
  const now = Math.floor(Date.now() / 1000);
  const jti = randomIds.id();
  const viaJose = () => signToken(ACCESS_TOKEN, ring, config, subject, jti, now, now + 600);
  // The same header and claims, in the order jose writes them, signed in one call on this thread.
  const viaNode = async () => {
    const header = { alg: key.alg, typ: ACCESS_TOKEN.typ, kid: key.kid };
    const claims = {
      sid: subject.sessionId,
      ...subject.extraClaims,
      iss: config.issuer,
      aud: ACCESS_TOKEN.audience(config),
      sub: subject.userId,
      jti,
      iat: now,
      exp: now + 600,
    };
    const signingInput = `${base64url(header)}.${base64url(claims)}`;
    return `${signingInput}.${sign(null, Buffer.from(signingInput), key.key).toString("base64url")}`;
  };
  const sameToken = (await viaJose()) === (await viaNode());
  const count = ctx.settings.quick ? 1000 : 4000;
  return {
    commitMs: commitUs / 1000,
    joseSign: await cpuPerOp(viaJose, count),
    nodeSign: await cpuPerOp(viaNode, count),
    sameToken,
  };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** CPU per call, with IN_FLIGHT calls outstanding at a time. */
async function cpuPerOp(op: () => Promise<unknown>, count: number): Promise<SignCost> {
  await Promise.all(Array.from({ length: IN_FLIGHT }, op));
  const before = process.cpuUsage();
  const mainBefore = mainThreadCpuMicros();
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      await op();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const used = process.cpuUsage(before);
  const mainAfter = mainThreadCpuMicros();
  return {
    cpuUs: (used.user + used.system) / count,
    mainThreadUs:
      mainBefore === undefined || mainAfter === undefined
        ? undefined
        : (mainAfter - mainBefore) / count,
  };
}
