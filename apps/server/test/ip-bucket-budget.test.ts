import { describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server.ts";

/** A sign-in attempt from `forwardedFor` (the proxy's X-Forwarded-For); answers its status and authCode. */
async function loginFrom(server: TestServer, forwardedFor: string) {
  const response = await fetch(`${server.url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    body: JSON.stringify({ email: "x@example.com", password: "whatever12345" }),
  });
  const body = await response.json();
  return { status: response.status, authCode: body.error?.data?.authCode };
}

describe("the per-IP sign-in budget counts an IPv6 client by its /64", () => {
  it("a fresh address in a spent /64 is refused; an address in another /64 is not", async () => {
    const server = await startTestServer({ TRUST_PROXY: "true", RATE_LIMIT_SIGN_IN: "3" });
    for (const address of [
      "2001:db8:1:2::1",
      "2001:db8:1:2::2",
      "2001:db8:1:2:aaaa:bbbb:cccc:dddd",
    ]) {
      expect(await loginFrom(server, address), address).toEqual({
        status: 401,
        authCode: "INVALID_CREDENTIALS",
      });
    }
    // One host picking a new address of its /64 for every request gets no new budget.
    expect(await loginFrom(server, "2001:DB8:1:2:0:0:0:4")).toEqual({
      status: 429,
      authCode: "RATE_LIMITED",
    });
    expect(await loginFrom(server, "2001:db8:1:3::1")).toEqual({
      status: 401,
      authCode: "INVALID_CREDENTIALS",
    });
  });
});
