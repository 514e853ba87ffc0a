import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { startTestServer } from "./support/test-server.ts";

/** The shell block that follows the walkthrough marker in the README, exactly as a reader copies it. */
function walkthrough(): string {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const marker = readme.indexOf("<!-- walkthrough");
  const start = readme.indexOf("```sh\n", marker) + "```sh\n".length;
  return readme.slice(start, readme.indexOf("```", start));
}

describe("the README's curl walkthrough", () => {
  it("behaves exactly as written: register → me → refresh → logout → revoked", async () => {
    const server = await startTestServer();
    const script = walkthrough().replace("SESAME=http://localhost:3000", `SESAME=${server.url}`);
    expect(script).toContain(`SESAME=${server.url}`);
    // Asynchronously: the server runs in this process and must keep answering.
    const { stdout: output } = await promisify(execFile)("bash", [
      "-euo",
      "pipefail",
      "-c",
      script,
    ]);
    const lines = output.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      result: { data: { email: "ann@example.com", name: null, role: "user" } },
    });
    expect(JSON.parse(lines[1] ?? "")).toEqual({ result: { data: { ok: true } } });
    expect(JSON.parse(lines[2] ?? "")).toMatchObject({
      error: {
        data: {
          code: "UNAUTHORIZED",
          httpStatus: 401,
          path: "user.me",
          authCode: "SESSION_REVOKED",
        },
      },
    });
  });
});
