import { describe, expect, it } from "vitest";
import { SUBJECT, startMailTestServer } from "./support/mail-test-server.ts";
import { signedUp, uniqueEmail } from "./support/test-server.ts";

/** Milliseconds of one mail request over HTTP. */
async function timed(
  url: string,
  path: string,
  email: string,
): Promise<{ ms: number; body: string; status: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email }),
  });
  const body = await response.text();
  return { ms: performance.now() - started, body, status: response.status };
}

const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;

describe("mail delivery", () => {
  it.each(["auth.requestPasswordReset", "auth.requestSignInLink"])(
    "%s: known and unknown addresses answer the same body in the same time",
    async (path) => {
      const { server } = await startMailTestServer({
        RATE_LIMIT_MAIL_IP: "1000",
        RATE_LIMIT_MAIL_ADDRESS: "1000",
      });
      const known: string[] = [];
      for (let i = 0; i < 3; i++) known.push((await signedUp(server)).email);
      const bodies = new Set<string>();
      const sample = async (kind: "known" | "unknown", i: number) => {
        const email = kind === "known" ? (known[i % 3] as string) : uniqueEmail();
        const result = await timed(server.url, path, email);
        expect(result.status).toBe(200);
        bodies.add(result.body);
        return result.ms;
      };
      // Pairs, in alternating order, each measured back to back: a busy
      // machine slows both of a pair alike, so their difference is what the
      // account's existence costs, if anything.
      const differences: number[] = [];
      const knownTimes: number[] = [];
      for (let i = 0; i < 32; i++) {
        const first = i % 2 === 0 ? "known" : "unknown";
        const a = await sample(first, i);
        const b = await sample(first === "known" ? "unknown" : "known", i);
        const [knownMs, unknownMs] = first === "known" ? [a, b] : [b, a];
        differences.push(knownMs - unknownMs);
        knownTimes.push(knownMs);
        // Let the known address's mail go out between pairs, as it would between users.
        await server.auth.drainMail();
      }
      expect([...bodies]).toEqual(['{"result":{"data":{"ok":true}}}']);
      // The login test's tolerance, on the paired difference: the lookup, the
      // token row and the SMTP exchange all happen after the answer.
      expect(Math.abs(median(differences))).toBeLessThan(Math.max(8, 0.25 * median(knownTimes)));
    },
  );

  it("a failed send is retried; the link in the mail that finally goes out works", async () => {
    const { server, inbox, nextMail } = await startMailTestServer();
    const { email } = await signedUp(server);
    await server.auth.drainMail();
    inbox.failNext(2);
    expect(await server.client().api.auth.requestPasswordReset.mutate({ email })).toEqual({
      ok: true,
    });
    const { token } = await nextMail(email, SUBJECT.reset);
    expect(
      await server
        .client()
        .api.auth.resetPassword.mutate({ token, newPassword: "a brand new passphrase" }),
    ).toEqual({ ok: true });
  });

  it("a mail that never goes out is logged and audited, never an error for the user, and its link row stays", async () => {
    const { server, inbox } = await startMailTestServer();
    const { client, email } = await signedUp(server);
    await server.auth.drainMail();
    inbox.failNext(100);
    expect(await server.client().api.auth.requestPasswordReset.mutate({ email })).toEqual({
      ok: true,
    });
    await server.auth.drainMail();
    const types = (await client.api.audit.list.query()).map((event) => event.type);
    expect(types).toContain("email_failed");
    expect(
      Number(
        await server.queryValue(
          "SELECT count(*) FROM email_tokens WHERE purpose = 'reset_password'",
        ),
      ),
    ).toBe(1);
  });
});
