import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { totpEncryptionKey } from "../../src/mfa/totp-encryption-key.ts";
import { TotpSecretBox } from "../../src/mfa/totp-secret-box.ts";

const SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/**
 * Sealed by the release before TOTP keys could rotate (its TotpSecretBox,
 * run once): this server secret, account "user-1", SECRET. Every factor
 * enrolled before then is stored like this, with no key id.
 */
const SERVER_SECRET_OF_FIXTURE = Buffer.from("sesame-fixture-server-secret-of-");
const SEALED_BEFORE_KEY_IDS =
  "65BBSRjcGNvNgnySZ_3CC17OxnuPmtiSXdY9YukwRwEuNLIKcQUoocnIfI74SQtf3Pr6ENrilEpHOK9f";

describe("TOTP secrets under rotatable keys", () => {
  it("a value sealed before key ids still opens under the default key (the server secret), and is stale", () => {
    const box = new TotpSecretBox(SERVER_SECRET_OF_FIXTURE);
    expect(box.open("user-1", SEALED_BEFORE_KEY_IDS)).toEqual({
      kind: "opened",
      secret: SECRET,
      stale: true,
    });
    // Sealed again, it names the same key and is no longer stale.
    const resealed = box.seal("user-1", SECRET);
    expect(resealed.startsWith(`${box.currentKeyId}.`)).toBe(true);
    expect(box.open("user-1", resealed)).toEqual({ kind: "opened", secret: SECRET, stale: false });
    // With a key of its own configured, the server secret named as a previous key opens it.
    const moved = new TotpSecretBox(SERVER_SECRET_OF_FIXTURE, {
      current: randomBytes(32),
      previous: ["server-secret"],
    });
    expect(moved.open("user-1", SEALED_BEFORE_KEY_IDS)).toMatchObject({ secret: SECRET });
    expect(moved.open("user-1", resealed)).toMatchObject({ secret: SECRET, stale: true });
  });

  it("seals under the current key, naming it; opens under a previous key as stale; not once the key is dropped", () => {
    const serverSecret = randomBytes(32);
    const [first, second] = [randomBytes(32), randomBytes(32)];
    const before = new TotpSecretBox(serverSecret, { current: first });
    const sealed = before.seal("user-1", SECRET);
    const [keyId, body] = sealed.split(".");
    expect(keyId).toBe(totpEncryptionKey(first).id);
    expect(keyId).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(body).not.toContain(SECRET);

    const rotated = new TotpSecretBox(serverSecret, { current: second, previous: [first] });
    expect(rotated.open("user-1", sealed)).toEqual({ kind: "opened", secret: SECRET, stale: true });
    const resealed = rotated.seal("user-1", SECRET);
    expect(resealed.startsWith(`${totpEncryptionKey(second).id}.`)).toBe(true);
    expect(rotated.open("user-1", resealed)).toEqual({
      kind: "opened",
      secret: SECRET,
      stale: false,
    });

    const dropped = new TotpSecretBox(serverSecret, { current: second });
    expect(dropped.open("user-1", sealed)).toEqual({ kind: "key_missing", keyId });
    expect(dropped.open("user-1", resealed)).toMatchObject({ kind: "opened", stale: false });
    // Nor does the server secret, the default, open what a key of its own sealed.
    expect(new TotpSecretBox(serverSecret).open("user-1", sealed)).toEqual({
      kind: "key_missing",
      keyId,
    });
  });

  it("an old server secret named as a previous key opens what was sealed under it before key ids", () => {
    const box = new TotpSecretBox(randomBytes(32), { previous: [SERVER_SECRET_OF_FIXTURE] });
    expect(box.open("user-1", SEALED_BEFORE_KEY_IDS)).toMatchObject({
      secret: SECRET,
      stale: true,
    });
    // Without it: no key opens it, and the value names none.
    expect(new TotpSecretBox(randomBytes(32)).open("user-1", SEALED_BEFORE_KEY_IDS)).toEqual({
      kind: "key_missing",
      keyId: null,
    });
  });

  it("a value its named key does not open is invalid: moved to another account, altered, or its id changed", () => {
    const key = randomBytes(32);
    const box = new TotpSecretBox(randomBytes(32), { current: key, previous: [randomBytes(32)] });
    const sealed = box.seal("user-1", SECRET);
    const keyId = box.currentKeyId;
    expect(box.open("user-2", sealed)).toEqual({ kind: "invalid", keyId });
    expect(box.open("user-1", `${sealed.slice(0, -2)}AA`)).toEqual({ kind: "invalid", keyId });
    // Another configured key's id on these bytes: that key does not open them either.
    const otherId = totpEncryptionKey(randomBytes(32)).id;
    expect(box.open("user-1", sealed.replace(keyId, otherId))).toEqual({
      kind: "key_missing",
      keyId: otherId,
    });
  });

  it("refuses keys shorter than 32 bytes", () => {
    expect(() => new TotpSecretBox(randomBytes(32), { current: randomBytes(16) })).toThrow(
      /at least 32 bytes/,
    );
    expect(() => new TotpSecretBox(randomBytes(32), { previous: [randomBytes(31)] })).toThrow(
      /at least 32 bytes/,
    );
  });
});
