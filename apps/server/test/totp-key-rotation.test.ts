import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { TotpSecretBox, totpCodeAt } from "@sesame/auth";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { PASSWORD, signedUp, startTestServer, type TestServer } from "./support/test-server.ts";

/**
 * TOTP_ENCRYPTION_KEY and TOTP_ENCRYPTION_KEYS_PREVIOUS end to end: a real
 * server is stopped and started again on the same database, signing keys and
 * secrets with other TOTP keys, and a user signs in over the tRPC client at
 * each stage (SECURITY.md #91).
 */

const newKey = () => randomBytes(32).toString("base64url");

/** The id a sealed value names `key` by (derived from the key: no key material). */
const keyIdOf = (key: string) =>
  new TotpSecretBox(randomBytes(32), { current: Buffer.from(key, "base64url") }).currentKeyId;

/**
 * A restart: `running` stops, and a server starts on the database, key file
 * and secrets of `home` (the first server of the test) with `env`. Its clock
 * goes on one TOTP step after the stopped one's, so each stage's code is of a
 * step the account has not used.
 */
async function restart(
  running: TestServer,
  home: TestServer,
  env: Record<string, string>,
): Promise<TestServer> {
  await running.close();
  const next = await startTestServer({
    ...env,
    DATABASE_URL: home.databaseUrl,
    SIGNING_KEYS_FILE: join(home.dir, "keys.json"),
    SERVER_SECRET_FILE: join(home.dir, "server-secret"),
    KEY_ENCRYPTION_SECRET_FILE: join(home.dir, "key-encryption-secret"),
  });
  next.clock.set(running.clock.now() + 30_000);
  return next;
}

/** A signed-up user with TOTP on: its id, secret and recovery codes. */
async function enrolled(server: TestServer) {
  const account = await signedUp(server);
  const { secret } = await account.client.api.mfa.totp.begin.mutate({ currentPassword: PASSWORD });
  const { recoveryCodes } = await account.client.api.mfa.totp.confirm.mutate({
    code: totpCodeAt(secret, server.clock.now()),
  });
  // The confirming code's step is spent.
  server.clock.advance(30_000);
  return { email: account.email, userId: account.result.user.id, secret, recoveryCodes };
}

/** The ticket of a password sign-in's MFA_REQUIRED. */
async function mfaTicket(server: TestServer, email: string): Promise<string> {
  const failure = await server
    .client()
    .api.auth.login.mutate({ email, password: PASSWORD, transport: "body" })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  if (!(failure instanceof TRPCClientError)) throw new Error("the sign-in needed no second factor");
  expect(failure.data).toMatchObject({ authCode: "MFA_REQUIRED", httpStatus: 401 });
  return (failure.data as { mfaToken: string }).mfaToken;
}

/** Password and the current code: the signed-in client's `amr`; the step is then spent. */
async function signInWithCode(server: TestServer, email: string, secret: string) {
  const mfaToken = await mfaTicket(server, email);
  const result = await server.client().api.auth.verifyMfa.mutate({
    mfaToken,
    code: totpCodeAt(secret, server.clock.now()),
    transport: "body",
  });
  server.clock.advance(30_000);
  expect(result.user.email).toBe(email);
  return amrOf(result.accessToken);
}

const amrOf = (accessToken: string): string[] =>
  JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString()).amr;

/** The TOTP secret as stored: `<key id>.<sealed>`. */
const sealedOf = async (server: TestServer, userId: string) =>
  String(
    await server.queryValue("SELECT sealed_secret FROM totp_factors WHERE user_id = ?", userId),
  );

const keyIdIn = (sealed: string) => sealed.slice(0, sealed.indexOf("."));

/** The login throttle's counters (of the account, the device, the network), not the request budgets beside them. */
const throttleRows = (server: TestServer) =>
  server.query(
    "SELECT key, failures, last_failure_at FROM throttle_counters WHERE key LIKE 'login:%' ORDER BY key",
  );

/** A failed tRPC call's error, or a failure if it succeeded. */
async function failureOf(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) throw new Error(`expected a tRPC error, got ${error}`);
  return error;
}

describe("TOTP encryption key rotation", () => {
  it("a new key alone strands the secret (503 MFA_UNAVAILABLE, not a wrong code, recovery codes work); with the old one as previous the code signs in and the secret moves to the new key for good", async () => {
    const [k1, k2] = [newKey(), newKey()];

    // 1. Enrolled under K1.
    const first = await startTestServer({ TOTP_ENCRYPTION_KEY: k1 });
    const { email, userId, secret, recoveryCodes } = await enrolled(first);
    const underK1 = await sealedOf(first, userId);
    expect(keyIdIn(underK1)).toBe(keyIdOf(k1));
    expect(await signInWithCode(first, email, secret)).toEqual(["pwd", "otp", "mfa"]);

    // 2. K2 alone: K1 is not configured, so nothing opens the secret.
    const stranded = await restart(first, first, {
      TOTP_ENCRYPTION_KEY: k2,
      LOGIN_FREE_FAILURES: "2",
    });
    const mfaToken = await mfaTicket(stranded, email);
    const throttleBefore = await throttleRows(stranded);
    const api = stranded.client().api;
    // More tries than the throttle lets through as wrong codes (2): none is counted as one.
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await failureOf(
        api.auth.verifyMfa.mutate({
          mfaToken,
          code: totpCodeAt(secret, stranded.clock.now()),
          transport: "body",
        }),
      );
      expect(error.data, `attempt ${attempt + 1}`).toMatchObject({
        authCode: "MFA_UNAVAILABLE",
        httpStatus: 503,
        code: "SERVICE_UNAVAILABLE",
      });
      expect(error.data).not.toHaveProperty("stack");
      expect(error.message).toMatch(/recovery code/);
    }
    // On the wire: a typed 503, no stack trace, no key.
    const response = await fetch(`${stranded.url}/trpc/auth.verifyMfa`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mfaToken, code: totpCodeAt(secret, stranded.clock.now()) }),
    });
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ error: { data: { authCode: "MFA_UNAVAILABLE" } } });
    for (const leak of ["stack", k1, k2, keyIdOf(k1)]) expect(body).not.toContain(leak);
    expect(body).not.toMatch(/\bat .*:\d+:\d+/);
    // Nothing was counted, and the stored secret was left as it was.
    expect(await throttleRows(stranded)).toEqual(throttleBefore);
    expect(await sealedOf(stranded, userId)).toBe(underK1);
    // A wrong recovery code is counted, the first of two free failures (three would be refused)…
    const wrong = await failureOf(
      api.auth.verifyMfa.mutate({ mfaToken, recoveryCode: "aaaa-bbbb-cccc", transport: "body" }),
    );
    expect(wrong.data).toMatchObject({ authCode: "MFA_CODE_INVALID" });
    expect(await throttleRows(stranded)).toContainEqual(
      expect.objectContaining({ key: `login:account:${email}`, failures: 1 }),
    );
    // …and the ticket the unavailable tries left signs in with a recovery code.
    const recovered = stranded.client();
    const viaRecovery = await recovered.api.auth.verifyMfa.mutate({
      mfaToken,
      recoveryCode: recoveryCodes[0] ?? "",
      transport: "body",
    });
    expect(amrOf(viaRecovery.accessToken)).toEqual(["pwd", "otp", "mfa"]);
    recovered.accessToken = viaRecovery.accessToken;
    const failed = await recovered.api.audit.list.query({ types: ["mfa_failed"] });
    expect(failed).toHaveLength(1);
    // New secrets are sealed under the current key.
    const newcomer = await enrolled(stranded);
    expect(keyIdIn(await sealedOf(stranded, newcomer.userId))).toBe(keyIdOf(k2));

    // 3. K2 with K1 as previous: the code signs in, and the secret is sealed again under K2.
    const rotating = await restart(stranded, first, {
      TOTP_ENCRYPTION_KEY: k2,
      TOTP_ENCRYPTION_KEYS_PREVIOUS: k1,
    });
    expect(await signInWithCode(rotating, email, secret)).toEqual(["pwd", "otp", "mfa"]);
    const underK2 = await sealedOf(rotating, userId);
    expect(keyIdIn(underK2)).toBe(keyIdOf(k2));
    expect(underK2).not.toBe(underK1);
    const k2Only = new TotpSecretBox(randomBytes(32), { current: Buffer.from(k2, "base64url") });
    expect(k2Only.open(userId, underK2)).toEqual({ kind: "opened", secret, stale: false });

    // 4. K2 alone again: the move stuck.
    const rotated = await restart(rotating, first, { TOTP_ENCRYPTION_KEY: k2 });
    expect(await signInWithCode(rotated, email, secret)).toEqual(["pwd", "otp", "mfa"]);
    expect(await signInWithCode(rotated, newcomer.email, newcomer.secret)).toEqual([
      "pwd",
      "otp",
      "mfa",
    ]);
    expect(await sealedOf(rotated, userId)).toBe(underK2);
  });

  it("from the default (the server secret's key) to a key of its own, with server-secret as previous", async () => {
    const key = newKey();
    const first = await startTestServer();
    const { email, userId, secret } = await enrolled(first);
    const underDefault = await sealedOf(first, userId);
    expect(keyIdIn(underDefault)).not.toBe(keyIdOf(key));

    // The new key alone: the default key is no longer tried.
    const stranded = await restart(first, first, { TOTP_ENCRYPTION_KEY: key });
    const error = await failureOf(
      stranded.client().api.auth.verifyMfa.mutate({
        mfaToken: await mfaTicket(stranded, email),
        code: totpCodeAt(secret, stranded.clock.now()),
      }),
    );
    expect(error.data).toMatchObject({ authCode: "MFA_UNAVAILABLE", httpStatus: 503 });

    const rotating = await restart(stranded, first, {
      TOTP_ENCRYPTION_KEY: key,
      TOTP_ENCRYPTION_KEYS_PREVIOUS: "server-secret",
    });
    expect(await signInWithCode(rotating, email, secret)).toEqual(["pwd", "otp", "mfa"]);
    expect(keyIdIn(await sealedOf(rotating, userId))).toBe(keyIdOf(key));

    const rotated = await restart(rotating, first, { TOTP_ENCRYPTION_KEY: key });
    expect(await signInWithCode(rotated, email, secret)).toEqual(["pwd", "otp", "mfa"]);
  });
});
