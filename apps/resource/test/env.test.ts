import { describe, expect, it } from "vitest";
import { readResourceEnv } from "../src/index.ts";

const ISSUER = { SESAME_ISSUER: "https://id.example.com" };
const SECRET = "notes-receiver-secret-0123456789abcdef";

describe("the notes service's settings", () => {
  it("follows the revocation feed only with both a receiver id and its secret", () => {
    expect(readResourceEnv(ISSUER).SESAME_RECEIVER_ID).toBeUndefined();
    expect(
      readResourceEnv({ ...ISSUER, SESAME_RECEIVER_ID: "notes", SESAME_RECEIVER_SECRET: SECRET }),
    ).toMatchObject({ SESAME_RECEIVER_ID: "notes", SESAME_RECEIVER_SECRET: SECRET });
    expect(() => readResourceEnv({ ...ISSUER, SESAME_RECEIVER_ID: "notes" })).toThrow(
      /SESAME_RECEIVER_SECRET: Set both/,
    );
    expect(() => readResourceEnv({ ...ISSUER, SESAME_RECEIVER_SECRET: SECRET })).toThrow(
      /Set both/,
    );
  });

  it("refuses a receiver secret too short to be one Sesame accepts, without echoing it", () => {
    const attempt = () =>
      readResourceEnv({
        ...ISSUER,
        SESAME_RECEIVER_ID: "notes",
        SESAME_RECEIVER_SECRET: "hunter2",
      });
    expect(attempt).toThrow(/SESAME_RECEIVER_SECRET/);
    expect(attempt).not.toThrow(/hunter2/);
  });
});
