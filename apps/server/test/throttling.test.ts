import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  authCodeOf,
  PASSWORD,
  signedUp,
  startTestServer,
  uniqueEmail,
} from "./support/test-server.ts";

async function login(url: string, email: string, password: string) {
  const response = await fetch(`${url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, transport: "body" }),
  });
  const body = await response.json();
  return { status: response.status, body, retryAfter: response.headers.get("retry-after") };
}

describe("throttling over HTTP (SECURITY 34)", () => {
  it("answers RATE_LIMITED (429) with retryAt and Retry-After after a few failures; success resets", async () => {
    const server = await startTestServer();
    const { email } = await signedUp(server);
    for (let i = 0; i < 5; i++)
      expect((await login(server.url, email, "wrong password")).status).toBe(401);
    const limited = await login(server.url, email, PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.body.error.data.authCode).toBe("RATE_LIMITED");
    expect(limited.body.error.data.retryAt).toBe(Math.ceil(server.clock.now() / 1000) + 1);
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    server.clock.advance(1_000);
    expect((await login(server.url, email, PASSWORD)).status).toBe(200);
    expect((await login(server.url, email, "wrong password")).status).toBe(401);
  });

  it("holds across two server processes sharing the database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sesame-shared-"));
    const shared = {
      DATABASE_URL: join(dir, "db.sqlite"),
      SIGNING_KEYS_FILE: join(dir, "keys.json"),
    };
    const a = await startTestServer(shared);
    const b = await startTestServer(shared);
    b.clock.set(a.clock.now());
    const { email } = await signedUp(a);
    for (let i = 0; i < 5; i++) {
      expect((await login((i % 2 ? a : b).url, email, "wrong password")).status).toBe(401);
    }
    expect((await login(b.url, email, PASSWORD)).status).toBe(429);
    expect((await login(a.url, email, PASSWORD)).status).toBe(429);
  });

  it("limits sign-ins and sign-ups per IP, sized by configuration", async () => {
    const server = await startTestServer({ RATE_LIMIT_SIGN_IN: "3" });
    const api = server.client().api;
    for (let i = 0; i < 3; i++) {
      await api.auth.register.mutate({
        email: uniqueEmail(),
        password: PASSWORD,
        transport: "body",
      });
    }
    expect(
      await authCodeOf(api.auth.register.mutate({ email: uniqueEmail(), password: PASSWORD })),
    ).toBe("RATE_LIMITED");
    expect(
      await authCodeOf(api.auth.login.mutate({ email: uniqueEmail(), password: PASSWORD })),
    ).toBe("RATE_LIMITED");
  });

  it("limits refreshes per IP", async () => {
    const server = await startTestServer({ RATE_LIMIT_REFRESH: "2" });
    const { client, refreshToken } = await signedUp(server);
    const first = await client.api.auth.refresh.mutate({ refreshToken });
    const second = await client.api.auth.refresh.mutate({ refreshToken: first.refreshToken });
    expect(
      await authCodeOf(client.api.auth.refresh.mutate({ refreshToken: second.refreshToken })),
    ).toBe("RATE_LIMITED");
  });

  it("a spent budget says when its window reopens, and opens again then", async () => {
    const server = await startTestServer({ RATE_LIMIT_REFRESH: "1", RATE_LIMIT_WINDOW: "60" });
    const { client, refreshToken } = await signedUp(server);
    const opened = server.clock.now();
    const next = await client.api.auth.refresh.mutate({ refreshToken });
    server.clock.advance(30_000);
    const refused = await fetch(`${server.url}/trpc/auth.refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshToken: next.refreshToken }),
    });
    expect(refused.status).toBe(429);
    const body = await refused.json();
    expect(body.error.data.retryAt).toBe(Math.ceil((opened + 60_000) / 1000));
    expect(Number(refused.headers.get("retry-after"))).toBeOneOf([30, 31]);
    server.clock.advance(30_000);
    await expect(
      client.api.auth.refresh.mutate({ refreshToken: next.refreshToken }),
    ).resolves.toBeDefined();
  });

  it("request budgets are shared by server instances on one database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sesame-shared-"));
    const shared = {
      DATABASE_URL: join(dir, "db.sqlite"),
      SIGNING_KEYS_FILE: join(dir, "keys.json"),
      RATE_LIMIT_REFRESH: "2",
      PUBLIC_URL: "https://id.example.com", // one issuer, as behind one public URL
    };
    const a = await startTestServer(shared);
    const b = await startTestServer(shared);
    b.clock.set(a.clock.now());
    const { refreshToken } = await signedUp(a);
    const onA = a.client();
    const onB = b.client();
    const first = await onA.api.auth.refresh.mutate({ refreshToken });
    const second = await onB.api.auth.refresh.mutate({ refreshToken: first.refreshToken });
    expect(
      await authCodeOf(onA.api.auth.refresh.mutate({ refreshToken: second.refreshToken })),
    ).toBe("RATE_LIMITED");
    expect(
      await authCodeOf(onB.api.auth.refresh.mutate({ refreshToken: second.refreshToken })),
    ).toBe("RATE_LIMITED");
  });

  it("the default per-IP budget lets a test suite on 127.0.0.1 sign in many times", async () => {
    const server = await startTestServer();
    const { email } = await signedUp(server);
    const results = await Promise.all(
      Array.from({ length: 40 }, () => login(server.url, email, PASSWORD)),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
  });
});

describe("no user enumeration (SECURITY 33)", () => {
  it("unknown email and wrong password give the same status and body, and the same time", async () => {
    const server = await startTestServer({
      LOGIN_IP_MAX_FAILURES: "1000",
      RATE_LIMIT_SIGN_IN: "1000",
    });
    const known: string[] = [];
    for (let i = 0; i < 3; i++) known.push((await signedUp(server)).email);

    const wrong = await login(server.url, known[0] ?? "", "wrong password");
    const unknown = await login(server.url, uniqueEmail(), "wrong password");
    expect(unknown.status).toBe(wrong.status);
    expect(JSON.stringify(unknown.body)).toBe(JSON.stringify(wrong.body));

    // Interleaved samples, a fresh account key for each so throttling never kicks in.
    const timings = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 24; i++) {
      for (const kind of ["known", "unknown"] as const) {
        const email = kind === "known" ? (known[i % 3] ?? "") : uniqueEmail();
        if (kind === "known" && i % 4 === 3) await login(server.url, email, PASSWORD); // reset its counter
        const started = performance.now();
        const result = await login(server.url, email, `wrong password ${i}`);
        timings[kind].push(performance.now() - started);
        expect(result.status).toBe(401);
      }
    }
    const median = (values: number[]) =>
      [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
    const knownMedian = median(timings.known);
    const unknownMedian = median(timings.unknown);
    // Within noise: both pay one argon2 verify; without the dummy verify the unknown path is ~0 ms.
    expect(Math.abs(knownMedian - unknownMedian)).toBeLessThan(Math.max(8, 0.25 * knownMedian));
    expect(unknownMedian).toBeGreaterThan(0.5 * knownMedian);
  });
});
