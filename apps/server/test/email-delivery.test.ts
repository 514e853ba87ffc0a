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
      const timings = { known: [] as number[], unknown: [] as number[] };
      const bodies = new Set<string>();
      for (let i = 0; i < 24; i++) {
        for (const kind of ["known", "unknown"] as const) {
          const email = kind === "known" ? (known[i % 3] as string) : uniqueEmail();
          const result = await timed(server.url, path, email);
          expect(result.status).toBe(200);
          bodies.add(result.body);
          timings[kind].push(result.ms);
        }
      }
      expect([...bodies]).toEqual(['{"result":{"data":{"ok":true}}}']);
      const knownMedian = median(timings.known);
      const unknownMedian = median(timings.unknown);
      // The login test's tolerance: the mail (lookup, token row, SMTP) happens after the answer.
      expect(Math.abs(knownMedian - unknownMedian)).toBeLessThan(Math.max(8, 0.25 * knownMedian));
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
