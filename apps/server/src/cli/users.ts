import { readEnv } from "../env.ts";
import { runUsersCommand } from "./run-users-command.ts";

/** Entry point of `pnpm users <command>`; relative paths mean where the command was typed (see keys.ts). */
const invokedFrom = process.env.INIT_CWD;
if (invokedFrom) process.chdir(invokedFrom);

process.exitCode = await runUsersCommand(process.argv.slice(2), readEnv(), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
