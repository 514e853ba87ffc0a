import { parseArgs } from "node:util";
import { createAuthService, type KeyRingSource, normalizeEmail } from "@sesame/auth";
import { openStorage } from "@sesame/db";
import type { Env } from "../env.ts";

export interface UsersCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const USERS_USAGE = `Usage: pnpm users <command> <email>

Commands:
  disable <email>   The account can no longer sign in, and every session it has
                    ends at once — on every server process sharing the database.
  enable <email>    Lets a disabled account sign in again (its old sessions stay ended).

Uses DATABASE_URL, like the server.`;

/** Operators change accounts through the auth core, never around it; this command signs nothing. */
const NO_KEYS: KeyRingSource = {
  current: () => {
    throw new Error("The users command issues no tokens.");
  },
};

/** `pnpm users disable|enable <email>`. Answers the exit code. */
export async function runUsersCommand(
  argv: readonly string[],
  env: Env,
  io: UsersCommandIo,
): Promise<number> {
  const { positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true });
  const [command, email, ...rest] = positionals;
  if (!command || !email || rest.length > 0 || !["disable", "enable"].includes(command)) {
    io.err(USERS_USAGE);
    return 2;
  }
  const storage = await openStorage(env.DATABASE_URL, { poolSize: 1 });
  try {
    const user = await storage.users.findByEmail(normalizeEmail(email));
    if (!user) {
      io.err(`No account with the email ${email}.`);
      return 1;
    }
    const auth = createAuthService({ storage, keys: NO_KEYS, config: { issuer: "cli" } });
    try {
      await auth.ready;
      await auth.accounts.setDisabled(user.id, command === "disable", {
        ip: null,
        userAgent: "sesame-cli",
      });
    } finally {
      await auth.stop();
    }
    io.out(
      command === "disable"
        ? `Disabled ${user.email}; its sessions have ended.`
        : `Enabled ${user.email}.`,
    );
    return 0;
  } finally {
    await storage.close();
  }
}
