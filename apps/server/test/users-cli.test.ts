import { describe, expect, it } from "vitest";
import { runUsersCommand } from "../src/cli/run-users-command.ts";
import { readEnv } from "../src/env.ts";
import { authCodeOf, PASSWORD, signedUp, startTestServer } from "./support/test-server.ts";

describe("pnpm users", () => {
  it("disable ends every session of the account at once on a running server, and enable lets it back in", async () => {
    const server = await startTestServer();
    const { client, email } = await signedUp(server);
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    const env = readEnv({ DATABASE_URL: server.databaseUrl });

    expect(await runUsersCommand(["disable", email.toUpperCase()], env, io)).toBe(0);
    expect(await authCodeOf(client.api.user.me.query())).toBe("SESSION_REVOKED");
    const api = server.client().api;
    expect(await authCodeOf(api.auth.login.mutate({ email, password: PASSWORD }))).toBe(
      "ACCOUNT_DISABLED",
    );

    expect(await runUsersCommand(["enable", email], env, io)).toBe(0);
    await expect(
      api.auth.login.mutate({ email, password: PASSWORD, transport: "body" }),
    ).resolves.toBeDefined();
    expect(lines).toEqual([`Disabled ${email}; its sessions have ended.`, `Enabled ${email}.`]);
  });

  it("refuses unknown accounts and bad usage", async () => {
    const server = await startTestServer();
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    const env = readEnv({ DATABASE_URL: server.databaseUrl });
    expect(await runUsersCommand(["disable", "nobody@example.com"], env, io)).toBe(1);
    expect(await runUsersCommand(["delete", "x@example.com"], env, io)).toBe(2);
  });
});
