import { TOKEN_ERROR_CODES, TOKEN_ERROR_MESSAGE } from "@sesame/verify";
import { SESAME_ROLES, TOKEN_MAX_LENGTH as VERIFY_TOKEN_MAX_LENGTH } from "@sesame/verify/rules";
import { describe, expect, it } from "vitest";
import {
  AUTH_CODE_MESSAGE,
  AUTH_CODE_TRPC_CODE,
  isAuthCode,
  roleSchema,
  TOKEN_MAX_LENGTH,
} from "../../src/index.ts";

/**
 * `@sesame/verify` is the lower layer and cannot import the contracts, so
 * the few words both speak are checked here, where both are visible: a
 * service refusing a token says exactly what Sesame would.
 */
describe("the verify package and the contracts agree", () => {
  it("on the codes a token is refused with, their messages and their status", () => {
    for (const code of TOKEN_ERROR_CODES) {
      expect(isAuthCode(code), code).toBe(true);
      expect(TOKEN_ERROR_MESSAGE[code], code).toBe(AUTH_CODE_MESSAGE[code]);
      expect(AUTH_CODE_TRPC_CODE[code], code).toBe("UNAUTHORIZED");
    }
  });

  it("on the roles a token may carry and the longest token read", () => {
    expect([...SESAME_ROLES].sort()).toEqual([...roleSchema.options].sort());
    expect(VERIFY_TOKEN_MAX_LENGTH).toBe(TOKEN_MAX_LENGTH);
  });
});
