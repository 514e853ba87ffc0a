import { readEnv } from "../env.ts";
import { runKeysCommand } from "./run-keys-command.ts";

/**
 * Entry point of `pnpm keys <command>` (see run-keys-command.ts). pnpm runs a
 * package script in the package's directory, but `npm start` runs the server
 * from where it was typed, so a relative SIGNING_KEYS_FILE must mean the same
 * place here: INIT_CWD, which npm and pnpm set to the directory the command
 * was typed in.
 */
const invokedFrom = process.env.INIT_CWD;
if (invokedFrom) process.chdir(invokedFrom);

process.exitCode = await runKeysCommand(process.argv.slice(2), readEnv(), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  now: () => Date.now(),
});
