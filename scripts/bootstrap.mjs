#!/usr/bin/env node
// The README's commands on a machine that has only Node 20 and npm:
//   npm start   installs what is missing, builds the web app, starts the server
//   npm run start:postgres   the same on a throwaway local PostgreSQL
//   npm test    installs what is missing (Chromium, PyJWT, PostgreSQL too), runs lint, typecheck and
//               every test, with one throwaway PostgreSQL cluster for the whole run
//   npm run pack   builds the public packages into ./dist-packages/*.tgz
//   npm run bench / npm run keys -- rotate / npm run users -- disable <email>
// Idempotent: a second run skips every step already done.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { findPostgresBinaries } from "./postgres-cluster.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PNPM_VERSION = JSON.parse(
  readFileSync(join(root, "package.json"), "utf8"),
).packageManager.split("@")[1];
const toolsDir = join(root, ".tools");
const env = {
  ...process.env,
  PATH: `${join(toolsDir, "node_modules", ".bin")}:${process.env.PATH}`,
};
// argon2 hashes on libuv's thread pool: one thread per core keeps logins at full speed
// while leaving the event loop a core's share (Node's default of 4 crowds it out on 2 cores).
env.UV_THREADPOOL_SIZE ??= String(availableParallelism());
// better-sqlite3 has no prebuilt binary we can download here: node-gyp builds it against the local Node headers.
if (!env.npm_config_nodedir && existsSync("/usr/include/node/node.h"))
  env.npm_config_nodedir = "/usr";

const [command = "test", ...args] = process.argv.slice(2);
/** What a team installs: every package but the apps, the bench and the tests (npm run pack). */
const PUBLIC_PACKAGES = ["contracts", "verify", "auth", "db", "trpc", "client"];

function run(cmd, cmdArgs, options = {}) {
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: "inherit", env, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function has(cmd, cmdArgs = ["--version"]) {
  try {
    return execFileSync(cmd, cmdArgs, { env, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

function ensurePnpm() {
  if (has("pnpm") === PNPM_VERSION) return;
  console.log(`› installing pnpm ${PNPM_VERSION} into .tools/`);
  run("npm", ["install", "--prefix", toolsDir, "--no-audit", "--no-fund", `pnpm@${PNPM_VERSION}`]);
}

function ensureDependencies() {
  const marker = join(root, "node_modules", ".modules.yaml");
  const lock = join(root, "pnpm-lock.yaml");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log("› installing dependencies (better-sqlite3 compiles from source, about a minute)");
  run("pnpm", ["install", "--frozen-lockfile"]);
}

/**
 * Browser, interoperability and PostgreSQL tests need Debian's Chromium, PyJWT and PostgreSQL;
 * install them when we can. (Debian's postgresql may start a cluster of its own: the tests never use it.)
 */
function ensureSystemPackages() {
  const missing = [];
  if (!has("chromium")) missing.push("chromium");
  if (!findPostgresBinaries()) missing.push("postgresql");
  // Debian's python3-jwt lands in the system Python, which a pyenv or venv python3 on PATH does not see.
  const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  if (!has(python, ["-c", "import jwt, cryptography; print('ok')"])) {
    missing.push("python3-jwt", "python3-cryptography");
  }
  if (missing.length === 0) return;
  if (!has("apt-get", ["--version"])) {
    console.error(`Missing system packages: ${missing.join(" ")}. Install them and run again.`);
    process.exit(1);
  }
  const [apt, ...aptPrefix] = process.getuid?.() === 0 ? ["apt-get"] : ["sudo", "apt-get"];
  const aptEnv = { ...env, DEBIAN_FRONTEND: "noninteractive" };
  console.log(`› installing ${missing.join(" ")} from Debian`);
  run(apt, [...aptPrefix, "update", "-qq"], { env: aptEnv });
  run(apt, [...aptPrefix, "install", "-y", "-qq", "--no-install-recommends", ...missing], {
    env: aptEnv,
  });
}

ensurePnpm();
ensureDependencies();

/**
 * From the repository root, so relative paths (DATABASE_URL, the key file) mean ./data here.
 * Node itself with tsx's loader, not the tsx CLI: the CLI ends its child at once on SIGTERM,
 * which would cut the requests a graceful shutdown lets finish.
 */
const serverCommand = [
  process.execPath,
  "--import",
  pathToFileURL(join(root, "apps/server/node_modules/tsx/dist/loader.mjs")).href,
  "apps/server/src/main.ts",
];

switch (command) {
  case "start":
    run("pnpm", ["turbo", "run", "build", "--filter=@sesame/web", "--output-logs=errors-only"]);
    run(serverCommand[0], [...serverCommand.slice(1), ...args]);
    break;
  case "start-postgres": {
    // A throwaway local PostgreSQL (removed on exit) with Sesame on it: a way to try the backend.
    if (!findPostgresBinaries()) ensureSystemPackages();
    run("pnpm", ["turbo", "run", "build", "--filter=@sesame/web", "--output-logs=errors-only"]);
    const startOnCluster = `DATABASE_URL="$SESAME_TEST_PG_URL" exec ${serverCommand.map((part) => `'${part}'`).join(" ")}`;
    run(process.execPath, [
      ...[join(root, "scripts", "postgres-cluster.mjs"), "run", "--durable", "--"],
      ...["sh", "-c", startOnCluster],
    ]);
    break;
  }
  case "test":
    ensureSystemPackages();
    run("pnpm", ["lint"]);
    // The layering (core without HTTP/SQL, nothing server-only in the browser, nothing upward).
    run("pnpm", ["boundaries"]);
    // One PostgreSQL cluster for every test process (SESAME_TEST_PG_URL, SESAME_TEST_PG_CONTROL),
    // removed afterwards whether the tests pass, fail or are interrupted.
    run(process.execPath, [
      ...[join(root, "scripts", "postgres-cluster.mjs"), "run", "--"],
      ...["pnpm", "turbo", "run", "typecheck", "test", "--concurrency=1", ...args],
    ]);
    break;
  case "bench":
    run("pnpm", ["--filter", "@sesame/bench", "bench", ...args]);
    break;
  case "pack": {
    // The public packages as npm tarballs in ./dist-packages, for a team's app outside this repo.
    const out = join(root, "dist-packages");
    const filters = PUBLIC_PACKAGES.flatMap((name) => ["--filter", `@sesame/${name}`]);
    run("pnpm", ["turbo", "run", "build", ...filters, "--output-logs=errors-only"]);
    for (const name of PUBLIC_PACKAGES) {
      run("pnpm", ["pack", "--pack-destination", out], { cwd: join(root, "packages", name) });
    }
    console.log(
      `› npm install ${PUBLIC_PACKAGES.map((n) => `${out}/sesame-${n}-*.tgz`).join(" ")}`,
    );
    break;
  }
  case "keys":
  case "users":
    run("pnpm", ["--filter", "@sesame/server", command, ...args]);
    break;
  default:
    console.error(
      `Unknown command "${command}". Use start, start-postgres, test, bench, pack, keys or users.`,
    );
    process.exit(2);
}
