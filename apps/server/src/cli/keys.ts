import { readEnv } from "../env.ts";
import { runKeysCommand } from "./run-keys-command.ts";

/** Entry point of `pnpm keys <command>` (see run-keys-command.ts). */
process.exitCode = await runKeysCommand(process.argv.slice(2), readEnv(), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  now: () => Date.now(),
});
