import { generateKeyPairSync, randomBytes } from "node:crypto";
import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import { pyjwtSignForeign } from "../../server/test/support/python/pyjwt.ts";
import {
  claimsOf,
  headerOf,
  notes,
  register,
  sesameMe,
  startNotes,
  startSesame,
} from "./support/sesame.ts";

/**
 * Tokens made by JWT libraries nobody here wrote, with keys Sesame never had,
 * carrying a real user's claims and naming Sesame's real kid or a random one:
 * Sesame and the notes service must both refuse every one, and still accept
 * the genuine token.
 */
async function expectRefusedByBoth(sesameUrl: string, notesUrl: string, forged: string) {
  expect(await sesameMe(sesameUrl, forged)).toEqual({ status: 401, authCode: "TOKEN_INVALID" });
  expect(await notes(notesUrl, forged)).toMatchObject({
    status: 401,
    body: { error: "TOKEN_INVALID" },
  });
}

describe.each(["RS256", "ES256"] as const)("jsonwebtoken forgeries (%s)", (alg) => {
  it("are refused by Sesame and by the notes service", async () => {
    const sesame = await startSesame({ SIGNING_ALG: alg });
    const service = await startNotes(sesame.issuer);
    const genuine = await register(sesame.url);
    const claims = claimsOf(genuine.accessToken);
    const kid = headerOf(genuine.accessToken).kid;
    const key =
      alg === "RS256"
        ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
        : generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    for (const keyid of [kid, randomBytes(16).toString("base64url")]) {
      const forged = jwt.sign({ ...claims, jti: `forged-${keyid}` }, key, {
        algorithm: alg,
        keyid,
        header: { alg, typ: "at+jwt" },
      });
      await expectRefusedByBoth(sesame.url, service.url, forged);
    }
    expect((await notes(service.url, genuine.accessToken)).status).toBe(200);
    expect((await sesameMe(sesame.url, genuine.accessToken)).status).toBe(200);
  });
});

describe.each(["EdDSA", "ES256", "RS256"] as const)("PyJWT forgeries (%s)", (alg) => {
  it("are refused by Sesame and by the notes service", async () => {
    const sesame = await startSesame({ SIGNING_ALG: alg });
    const service = await startNotes(sesame.issuer);
    const genuine = await register(sesame.url);
    const claims = claimsOf(genuine.accessToken);
    for (const kid of [headerOf(genuine.accessToken).kid, randomBytes(16).toString("base64url")]) {
      const forged = await pyjwtSignForeign(alg, kid, { ...claims, jti: `forged-${kid}` });
      expect(headerOf(forged)).toEqual({ alg, kid, typ: "at+jwt" });
      await expectRefusedByBoth(sesame.url, service.url, forged);
    }
    expect((await notes(service.url, genuine.accessToken)).status).toBe(200);
  });
});
