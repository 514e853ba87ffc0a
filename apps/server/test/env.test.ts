import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readEnv } from "../src/env.ts";
import { rowCount, signedUp, startTestServer } from "./support/test-server.ts";

/** The error `readEnv` throws for `source`, or a failure if it accepted it. */
function configError(source: Record<string, string>): string {
  try {
    readEnv(source);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`Expected ${JSON.stringify(source)} to be refused, but it was accepted.`);
}

describe("readEnv", () => {
  it("falls back to the README's defaults when nothing is set", () => {
    const env = readEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.HOST).toBe("127.0.0.1");
    expect(env.DATABASE_URL).toBe("./data/sesame.db");
    // Beside the database (createSesame decides), not in ./data of wherever the server was started.
    expect(env.SIGNING_KEYS_FILE).toBeUndefined();
    expect(env.KEY_ENCRYPTION_SECRET_FILE).toBeUndefined();
    expect(env.ALLOWED_ORIGINS).toEqual([]);
    expect(env.TRUST_PROXY).toBe(false);
    expect(env.PUBLIC_URL).toBeUndefined();
    expect(env.SIGNING_KEYS).toBeUndefined();
    expect(env.SIGNING_ALG).toBe("EdDSA");
    expect(env.LOG_LEVEL).toBe("info");
  });

  it("reads numbers from their string form", () => {
    const env = readEnv({ PORT: "8080", LOGIN_IP_MAX_FAILURES: "0", ACCESS_TOKEN_TTL: "60" });
    expect(env.PORT).toBe(8080);
    expect(env.LOGIN_IP_MAX_FAILURES).toBe(0);
    expect(env.ACCESS_TOKEN_TTL).toBe(60);
  });

  it("splits ALLOWED_ORIGINS on commas, trimming spaces and dropping empty entries", () => {
    expect(
      readEnv({ ALLOWED_ORIGINS: " https://app.example.com , http://localhost:5173, " })
        .ALLOWED_ORIGINS,
    ).toEqual(["https://app.example.com", "http://localhost:5173"]);
    expect(readEnv({ ALLOWED_ORIGINS: "" }).ALLOWED_ORIGINS).toEqual([]);
  });

  it("reads TRUST_PROXY's on and off spellings", () => {
    for (const on of ["1", "true", "yes", "on"])
      expect(readEnv({ TRUST_PROXY: on }).TRUST_PROXY, on).toBe(true);
    for (const off of ["0", "false", "no", "off", ""])
      expect(readEnv({ TRUST_PROXY: off }).TRUST_PROXY, off).toBe(false);
  });

  it("refuses a bad value with an error naming the variable", () => {
    expect(configError({ PORT: "abc" })).toMatch(/^\s*PORT: /m);
    expect(configError({ PORT: "70000" })).toMatch(/^\s*PORT: /m);
    expect(configError({ ALLOWED_ORIGINS: "https://ok.example.com,not-a-url" })).toMatch(
      /^\s*ALLOWED_ORIGINS\.1: /m,
    );
    expect(configError({ TRUST_PROXY: "maybe" })).toMatch(/^\s*TRUST_PROXY: /m);
    expect(configError({ ACCESS_TOKEN_TTL: "0" })).toMatch(/^\s*ACCESS_TOKEN_TTL: /m);
    expect(configError({ PUBLIC_URL: "not a url" })).toMatch(/^\s*PUBLIC_URL: /m);
    expect(configError({ DATABASE_URL: "" })).toMatch(/^\s*DATABASE_URL: /m);
  });

  it("treats an empty number as unset and refuses numbers not written in digits", () => {
    const env = readEnv({ PORT: "", RATE_LIMIT_SIGN_IN: "", LOGIN_IP_MAX_FAILURES: " " });
    expect(env.PORT).toBe(3000);
    expect(env.RATE_LIMIT_SIGN_IN).toBe(150);
    expect(env.LOGIN_IP_MAX_FAILURES).toBe(readEnv({}).LOGIN_IP_MAX_FAILURES);
    expect(configError({ PORT: "0x50" })).toMatch(/^\s*PORT: must be a whole number/m);
    expect(configError({ RATE_LIMIT_SIGN_IN: "1e3" })).toMatch(/^\s*RATE_LIMIT_SIGN_IN: /m);
    expect(configError({ BODY_LIMIT_BYTES: "-1" })).toMatch(/^\s*BODY_LIMIT_BYTES: /m);
  });

  it('takes only http(s) URLs as origins: without a scheme an origin would read as "null"', () => {
    expect(configError({ ALLOWED_ORIGINS: "localhost:5173" })).toMatch(
      /^\s*ALLOWED_ORIGINS\.0: must be an http\(s\) URL/m,
    );
    expect(configError({ ALLOWED_ORIGINS: "ftp://files.example.com" })).toMatch(/ALLOWED_ORIGINS/);
    expect(configError({ PUBLIC_URL: "localhost:3000" })).toMatch(/^\s*PUBLIC_URL: /m);
    expect(readEnv({ PUBLIC_URL: "http://127.0.0.1:3000" }).PUBLIC_URL).toBe(
      "http://127.0.0.1:3000",
    );
  });

  it("names every bad variable in one error, and none of the good ones", () => {
    const message = configError({
      PORT: "abc",
      HOST: "0.0.0.0",
      ALLOWED_ORIGINS: "nope",
      TRUST_PROXY: "maybe",
    });
    expect(message).toMatch(/^Invalid configuration:/);
    const named = message
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(":")[0]);
    expect(named).toEqual(["PORT", "ALLOWED_ORIGINS.0", "TRUST_PROXY"]);
  });

  it("reads the TOTP encryption keys: base64url of 32 bytes or more, server-secret among the previous ones", () => {
    const base64url = (key: Uint8Array | "server-secret") =>
      key === "server-secret" ? key : Buffer.from(key).toString("base64url");
    const current = randomBytes(32).toString("base64url");
    const older = randomBytes(48).toString("base64url");
    const env = readEnv({
      TOTP_ENCRYPTION_KEY: ` ${current} `,
      TOTP_ENCRYPTION_KEYS_PREVIOUS: ` ${older} , server-secret,`,
    });
    expect(env.TOTP_ENCRYPTION_KEY && base64url(env.TOTP_ENCRYPTION_KEY)).toBe(current);
    expect(env.TOTP_ENCRYPTION_KEYS_PREVIOUS.map(base64url)).toEqual([older, "server-secret"]);
    // Unset or empty: the server secret seals, and no previous key.
    for (const unset of [{}, { TOTP_ENCRYPTION_KEY: "", TOTP_ENCRYPTION_KEYS_PREVIOUS: "" }]) {
      const env = readEnv(unset);
      expect(env.TOTP_ENCRYPTION_KEY).toBeUndefined();
      expect(env.TOTP_ENCRYPTION_KEYS_PREVIOUS).toEqual([]);
    }
  });

  it("refuses a TOTP key that is short or not base64url, naming the variable and never the value", () => {
    const short = randomBytes(16).toString("base64url");
    const standardBase64 = Buffer.alloc(33, 0xfb).toString("base64"); // with "+" and "/"
    const message = configError({
      TOTP_ENCRYPTION_KEY: short,
      TOTP_ENCRYPTION_KEYS_PREVIOUS: `server-secret,${standardBase64},serversecret`,
    });
    expect(message).toMatch(
      /^\s*TOTP_ENCRYPTION_KEY: must be at least 32 random bytes, base64url$/m,
    );
    expect(message).toMatch(/^\s*TOTP_ENCRYPTION_KEYS_PREVIOUS\.1: /m);
    expect(message).toMatch(/^\s*TOTP_ENCRYPTION_KEYS_PREVIOUS\.2: /m);
    expect(message).not.toContain(short);
    expect(message).not.toContain(standardBase64);
  });
});

describe("DATABASE_URL as a file: URL", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  /** A space in the name, so a file:// URL differs from the path it names (%20). */
  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "sesame env-"));
    dirs.push(dir);
    return dir;
  }

  it("is kept verbatim by readEnv; the storage opens the file it names", async () => {
    expect(readEnv({ DATABASE_URL: "file:./data/x.db" }).DATABASE_URL).toBe("file:./data/x.db");

    const path = join(tempDir(), "plain-scheme.db");
    const server = await startTestServer({ DATABASE_URL: `file:${path}` });
    await signedUp(server);
    expect(existsSync(path)).toBe(true);
    expect(await rowCount(server, "users")).toBe(1);
  });

  it("accepts the file:/// form, percent-encoding decoded", async () => {
    const path = join(tempDir(), "url form.db");
    const url = pathToFileURL(path).href;
    expect(url).toContain("%20");
    const server = await startTestServer({ DATABASE_URL: url });
    await signedUp(server);
    expect(existsSync(path)).toBe(true);
  });
});
