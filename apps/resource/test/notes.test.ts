import { ManualClock } from "@sesame/auth";
import { describe, expect, it } from "vitest";
import {
  addNote,
  claimsOf,
  headerOf,
  notes,
  register,
  startNotes,
  startSesame,
} from "./support/sesame.ts";

describe("the notes service trusts Sesame's access tokens", () => {
  it("serves each user only their own notes, keyed by the token's sub", async () => {
    const sesame = await startSesame();
    const service = await startNotes(sesame.issuer);
    const ann = await register(sesame.url);
    const bob = await register(sesame.url);

    expect((await addNote(service.url, ann.accessToken, "buy milk")).status).toBe(201);
    const annNotes = await notes(service.url, ann.accessToken);
    expect(annNotes.status).toBe(200);
    expect(annNotes.body.owner).toBe(ann.user.id);
    expect(annNotes.body.notes?.map((n) => n.text)).toEqual(["buy milk"]);

    const bobNotes = await notes(service.url, bob.accessToken);
    expect(bobNotes.body).toEqual({ owner: bob.user.id, notes: [] });
    expect((await addNote(service.url, bob.accessToken, "")).status).toBe(400);
  });

  it("checks tokens locally: 200 requests cost Sesame two (discovery and keys), and survive Sesame going away", async () => {
    const sesame = await startSesame();
    const service = await startNotes(sesame.issuer);
    const { accessToken } = await register(sesame.url);
    for (let i = 0; i < 200; i += 1) {
      expect((await notes(service.url, accessToken)).status).toBe(200);
    }
    expect(service.verifier.keyFetches).toBe(2);

    await sesame.close();
    expect((await notes(service.url, accessToken)).status).toBe(200);
    expect(service.verifier.keyFetches).toBe(2);
  });

  it("answers RFC 6750 challenges: missing, invalid, wrong kind and expired tokens", async () => {
    const sesame = await startSesame();
    const clock = new ManualClock(Date.now());
    const service = await startNotes(sesame.issuer, clock);
    const pair = await register(sesame.url);

    const missing = await notes(service.url);
    expect(missing).toMatchObject({ status: 401, body: { error: "TOKEN_MISSING" } });
    expect(missing.challenge).toBe('Bearer realm="notes"');

    const garbage = await notes(service.url, "not-a-token");
    expect(garbage).toMatchObject({ status: 401, body: { error: "TOKEN_INVALID" } });
    expect(garbage.challenge).toContain('error="invalid_token"');

    // A Sesame refresh token is a Sesame token, but not an access token.
    expect((await notes(service.url, pair.refreshToken)).body.error).toBe("TOKEN_INVALID");

    const [h, p, s] = pair.accessToken.split(".") as [string, string, string];
    const admin = Buffer.from(JSON.stringify({ ...claimsOf(pair.accessToken), role: "admin" }));
    expect((await notes(service.url, `${h}.${admin.toString("base64url")}.${s}`)).status).toBe(401);
    expect((await notes(service.url, `${h}.${p}.`)).status).toBe(401);

    expect((await notes(service.url, pair.accessToken)).status).toBe(200);
    clock.advance((600 + 30 + 1) * 1000);
    const expired = await notes(service.url, pair.accessToken);
    expect(expired).toMatchObject({ status: 401, body: { error: "TOKEN_EXPIRED" } });
    expect(expired.challenge).toContain('error_description="The token expired"');
  });

  it("refuses tokens of another Sesame deployment, even one using the same audience", async () => {
    const sesame = await startSesame();
    const other = await startSesame();
    const service = await startNotes(sesame.issuer);
    const foreign = await register(other.url);
    expect(headerOf(foreign.accessToken).alg).toBe("EdDSA");
    expect((await notes(service.url, foreign.accessToken)).body.error).toBe("TOKEN_INVALID");
    expect((await notes(service.url, (await register(sesame.url)).accessToken)).status).toBe(200);
  });

  it("answers 503, not 401, while Sesame's keys cannot be fetched at all", async () => {
    const sesame = await startSesame();
    const { accessToken } = await register(sesame.url);
    const issuer = sesame.issuer;
    await sesame.close();
    const service = await startNotes(issuer);
    const response = await notes(service.url, accessToken);
    expect(response).toMatchObject({ status: 503, body: { error: "AUTH_UNAVAILABLE" } });
  });
});
