import { join } from "node:path";
import { ACCESS_TOKEN, AUTH_DEFAULTS, randomIds, signToken } from "@sesame/auth";
import { openDatabase } from "@sesame/db";
import { SignJWT } from "jose";
import type { BenchContext } from "../bench-context.ts";
import { timePerOp } from "../micro/time-per-op.ts";
import { mainThreadCpuMicros } from "../report/cpu-meter.ts";

export interface RefreshBounds {
  /** One durable commit (WAL, synchronous=FULL) of a one-row write, in ms: the event loop waits this long per batch. */
  commitMs: number;
  /** Signing through jose (WebCrypto on libuv's pool), 50 at a time. */
  joseSign: SignCost;
  /** Sesame's `signToken` on the same claims, 50 at a time (node:crypto's `sign` on libuv's pool for EdDSA). */
  sesameSign: SignCost;
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
 * the two new tokens, through jose's WebCrypto path and through Sesame's
 * `signToken` (node:crypto's `sign`, given a callback, for EdDSA).
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
  // jose's own path (WebCrypto, a job on libuv's pool per signature) against Sesame's signToken.
  const viaJose = () =>
    new SignJWT({ sid: subject.sessionId, ...subject.extraClaims })
      .setProtectedHeader({ alg: key.alg, typ: ACCESS_TOKEN.typ, kid: key.kid })
      .setIssuer(config.issuer)
      .setAudience(ACCESS_TOKEN.audience(config))
      .setSubject(subject.userId)
      .setJti(jti)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(key.key);
  const viaSesame = () => signToken(ACCESS_TOKEN, ring, config, subject, jti, now, now + 600);
  const sameToken = (await viaJose()) === (await viaSesame());
  const count = ctx.settings.quick ? 1000 : 4000;
  return {
    commitMs: commitUs / 1000,
    joseSign: await cpuPerOp(viaJose, count),
    sesameSign: await cpuPerOp(viaSesame, count),
    sameToken,
  };
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
