import { describe, expect, it } from "vitest";
import {
  DEFAULT_PROCEDURES,
  proofProcedures,
  publicProcedures,
  sesameProcedures,
} from "./procedures.ts";

describe("sesameProcedures", () => {
  it("names Sesame's own router by default", () => {
    expect(sesameProcedures()).toEqual(DEFAULT_PROCEDURES);
    expect(sesameProcedures().refresh).toBe("auth.refresh");
  });

  it("puts every path under the key the host mounted Sesame at", () => {
    const procedures = sesameProcedures({ prefix: "sesame" });

    expect(procedures.refresh).toBe("sesame.auth.refresh");
    expect(procedures.logout).toBe("sesame.auth.logout");
    expect(Object.values(procedures).every((path) => path.startsWith("sesame.auth."))).toBe(true);
    // A nested mount, written with or without the final dot.
    expect(sesameProcedures({ prefix: "api.v1." }).login).toBe("api.v1.auth.login");
  });

  it("takes single paths as written, without the prefix", () => {
    const procedures = sesameProcedures({ prefix: "sesame", paths: { refresh: "tokens.renew" } });

    expect(procedures.refresh).toBe("tokens.renew");
    expect(procedures.login).toBe("sesame.auth.login");
  });

  it("proves with every call that starts a session and the refresh, not the passkey challenge", () => {
    const procedures = sesameProcedures({ prefix: "sesame" });

    expect(proofProcedures(procedures).sort()).toEqual([
      "sesame.auth.finishPasskeyLogin",
      "sesame.auth.login",
      "sesame.auth.refresh",
      "sesame.auth.register",
      "sesame.auth.signInWithLink",
      "sesame.auth.verifyMfa",
    ]);
    expect(publicProcedures(procedures)).toContain("sesame.auth.beginPasskeyLogin");
  });
});
