// Preloaded (NODE_OPTIONS=--require) into `pnpm keys` processes to make a race
// on the key file certain instead of a matter of luck: each process waits at
// its first look at KEY_FILE_RACE_FILE until all KEY_FILE_RACE_PARTIES
// processes have got there (operators pressing enter at the same instant),
// and each read of the key file is followed by KEY_FILE_RACE_HOLD_MS of work
// (a slow disk, a slow key generation), so unserialized read-modify-writes overlap.
const fs = require("node:fs");
const { join } = require("node:path");
const { syncBuiltinESMExports } = require("node:module");

const file = process.env.KEY_FILE_RACE_FILE;
const parties = Number(process.env.KEY_FILE_RACE_PARTIES);
const barrier = process.env.KEY_FILE_RACE_DIR;
const holdMs = Number(process.env.KEY_FILE_RACE_HOLD_MS ?? 0);

const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const original = { existsSync: fs.existsSync, readFileSync: fs.readFileSync };
let arrived = false;

function arrive(path) {
  if (arrived || String(path) !== file) return;
  arrived = true;
  fs.writeFileSync(join(barrier, String(process.pid)), "");
  const giveUpAt = Date.now() + 60_000;
  while (fs.readdirSync(barrier).length < parties && Date.now() < giveUpAt) pause(5);
}

if (file && barrier && parties > 0) {
  fs.existsSync = (path, ...rest) => {
    arrive(path);
    return original.existsSync(path, ...rest);
  };
  fs.readFileSync = (path, ...rest) => {
    arrive(path);
    const content = original.readFileSync(path, ...rest);
    if (String(path) === file) pause(holdMs);
    return content;
  };
  // ES modules' `import { existsSync } from "node:fs"` see the wrapped functions too.
  syncBuiltinESMExports();
}
