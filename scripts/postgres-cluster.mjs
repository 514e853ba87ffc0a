#!/usr/bin/env node
// A throwaway PostgreSQL cluster for tests: a temp folder, a free port on 127.0.0.1, trust auth,
// superuser "postgres", removed when its owner is done with it.
//   node scripts/postgres-cluster.mjs run [--durable] -- <command...>
//       starts a cluster, runs the command with SESAME_TEST_PG_URL and SESAME_TEST_PG_CONTROL set,
//       removes the cluster whatever happens (signals too) and exits with the command's code
//   node scripts/postgres-cluster.mjs serve --parent <pid> [--durable]
//       starts a cluster, prints {"url","control"} as one JSON line, removes it once <pid> is gone
//       (how a test process without `npm test` gets one: the cluster outlives no one, even a SIGKILL)
//   node scripts/postgres-cluster.mjs restart|kill       acts on $SESAME_TEST_PG_CONTROL's cluster
// Plain Node, no dependencies: `npm test` runs it before anything is installed.
import { execFile, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { constants, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const TOOLS = ["initdb", "pg_ctl", "postgres"];
/** The user initdb and postgres run as when we are root (they refuse root); Debian's package creates it. */
const SERVER_USER = "postgres";

/**
 * The folder holding initdb, pg_ctl and postgres: $SESAME_PG_BIN, else Debian's PostgreSQL 15, else
 * Debian's newest other version, else the PATH (a developer's Homebrew or distribution install).
 */
export function findPostgresBinaries() {
  const hasTools = (dir) => TOOLS.every((tool) => existsSync(join(dir, tool)));
  if (process.env.SESAME_PG_BIN) {
    return hasTools(process.env.SESAME_PG_BIN) ? process.env.SESAME_PG_BIN : undefined;
  }
  const debian = "/usr/lib/postgresql";
  const versions = existsSync(debian)
    ? readdirSync(debian).sort((a, b) => (a === "15" ? -1 : b === "15" ? 1 : Number(b) - Number(a)))
    : [];
  const candidates = [
    ...versions.map((version) => join(debian, version, "bin")),
    ...(process.env.PATH ?? "").split(delimiter).filter(Boolean),
  ];
  return candidates.find(hasTools);
}

/**
 * Starts a new cluster and returns its handle. Not durable by default: fsync and full_page_writes
 * are off, which loses data only when the OS itself crashes (the page cache keeps every write a
 * killed postgres made), so kill -9 / restart tests still see every acknowledged commit;
 * synchronous_commit stays on because that is what makes a commit survive a killed postgres.
 * `durable: true` (or SESAME_TEST_PG_DURABLE=1) turns fsync and full_page_writes back on.
 */
export async function startCluster({ durable = process.env.SESAME_TEST_PG_DURABLE === "1" } = {}) {
  const binDir = findPostgresBinaries();
  if (!binDir) {
    throw new Error(
      "PostgreSQL is not installed: apt-get install postgresql (or set SESAME_PG_BIN to the folder with initdb and pg_ctl)",
    );
  }
  const runAs = process.getuid?.() === 0 ? SERVER_USER : undefined;
  const baseDir = mkdtempSync(join(tmpdir(), "sesame-pg-"));
  const control = {
    baseDir,
    dataDir: join(baseDir, "data"),
    logFile: join(baseDir, "postgres.log"),
    binDir,
    runAs,
    durable,
    port: 0,
    url: "",
  };
  const controlFile = join(baseDir, "control.json");
  try {
    if (runAs) chownToUser(baseDir, runAs);
    await pgTool(control, "initdb", [
      ...["-D", control.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"],
      ...(durable ? [] : ["--no-sync"]),
    ]);
    appendFileSync(join(control.dataDir, "postgresql.conf"), "\ninclude 'sesame-test.conf'\n");
    // Another process may take the free port between our probe and postgres binding it: try again.
    for (let attempt = 1; ; attempt++) {
      control.port = await freePort();
      control.url = `postgres://postgres@127.0.0.1:${control.port}/postgres`;
      writeSettings(control);
      try {
        await pgCtlStart(control);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    writeFileSync(controlFile, `${JSON.stringify(control, null, 2)}\n`);
    return clusterHandle(control, controlFile);
  } catch (error) {
    await removeCluster(control);
    throw error;
  }
}

/** The handle of a cluster another process started, from its control file (SESAME_TEST_PG_CONTROL). */
export function attachCluster(controlFile) {
  return clusterHandle(JSON.parse(readFileSync(controlFile, "utf8")), controlFile);
}

function clusterHandle(control, controlFile) {
  return {
    url: control.url,
    port: control.port,
    dataDir: control.dataDir,
    durable: control.durable,
    controlFile,
    /** Stops postgres and deletes the cluster's folder; a second call does nothing. */
    stop: () => removeCluster(control),
    /** A clean restart (pg_ctl stop -m fast, then start): sessions are cut, committed data stays. */
    restart: () =>
      withControlLock(control, async () => {
        await pgTool(control, "pg_ctl", ["stop", "-D", control.dataDir, "-m", "fast", "-w"]);
        await pgCtlStart(control);
      }),
    /** A crash: SIGKILL to the postmaster, then a start, which runs crash recovery. */
    kill: () =>
      withControlLock(control, async () => {
        await killPostmaster(control);
        await pgCtlStart(control);
      }),
  };
}

/** Runs a PostgreSQL tool, as the server user when we are root. */
async function pgTool(control, tool, args) {
  const bin = join(control.binDir, tool);
  const [command, argv] = control.runAs
    ? ["runuser", ["-u", control.runAs, "--", bin, ...args]]
    : [bin, args];
  try {
    // cwd: the server user may not be allowed into ours, and initdb complains about that.
    await execFileAsync(command, argv, { cwd: control.baseDir });
  } catch (error) {
    const log = existsSync(control.logFile)
      ? readFileSync(control.logFile, "utf8").trim().split("\n").slice(-10).join("\n")
      : "";
    throw new Error(
      `${tool} ${args[0]} failed: ${error.stderr?.trim() || error.message}${log ? `\n--- postgres.log ---\n${log}` : ""}`,
    );
  }
}

function pgCtlStart(control) {
  return pgTool(control, "pg_ctl", [
    ...["start", "-D", control.dataDir, "-l", control.logFile, "-w", "-t", "60"],
  ]);
}

/** In a file postgresql.conf includes, so every later start (restart, after a kill) uses them too. */
function writeSettings(control) {
  const quote = (value) => `'${String(value).replaceAll("'", "''")}'`;
  const settings = {
    listen_addresses: quote("127.0.0.1"),
    port: control.port,
    // In the temp folder: never the system's /var/run/postgresql, never another cluster's.
    unix_socket_directories: quote(control.baseDir),
    // Room for several connection pools per test file.
    max_connections: 200,
    fsync: control.durable ? "on" : "off",
    full_page_writes: control.durable ? "on" : "off",
    synchronous_commit: "on",
  };
  const file = join(control.dataDir, "sesame-test.conf");
  writeFileSync(
    file,
    Object.entries(settings)
      .map(([name, value]) => `${name} = ${value}\n`)
      .join(""),
  );
  if (control.runAs) chownToUser(file, control.runAs);
}

async function killPostmaster(control) {
  const pidFile = join(control.dataDir, "postmaster.pid");
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  process.kill(pid, "SIGKILL");
  // The backends notice their postmaster is gone and exit; a new postmaster refuses to start while
  // any of them still holds the shared memory. pg_ctl put the postmaster in a process group of its own.
  if (!(await waitUntil(() => !groupRunning(pid), 10_000))) {
    process.kill(-pid, "SIGKILL");
    await waitUntil(() => !groupRunning(pid), 10_000);
  }
  // A dead postmaster nobody has reaped yet (pid 1 may be slow to) still answers kill(pid, 0), so
  // postgres would take its lock files for a live server's: remove them, as reaping it would let
  // postgres do itself.
  await rm(pidFile, { force: true });
  await rm(join(control.baseDir, `.s.PGSQL.${control.port}.lock`), { force: true });
}

/** Stops postgres (fast, then by SIGKILL if that fails) and deletes the cluster's folder. */
async function removeCluster(control) {
  if (!existsSync(control.baseDir)) return;
  const pidFile = join(control.dataDir, "postmaster.pid");
  if (existsSync(pidFile)) {
    try {
      await pgTool(control, "pg_ctl", ["stop", "-D", control.dataDir, "-m", "fast", "-w"]);
    } catch {
      if (existsSync(pidFile)) await killPostmaster(control).catch(() => {});
    }
  }
  await rm(control.baseDir, { recursive: true, force: true });
}

/** Restarts and kills from several test files at once take turns instead of tripping over each other. */
async function withControlLock(control, action) {
  const lock = join(control.baseDir, "control.lock");
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, "pid"), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const holder = Number(await readFile(join(lock, "pid"), "utf8").catch(() => "0"));
      // A holder that died mid-restart leaves its lock behind: break it.
      if (holder && !processRunning(holder)) await rm(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lock} is held by process ${holder}`);
      else await sleep(50);
    }
  }
  try {
    return await action();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Whether a process exists and is not a zombie. */
function processRunning(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === "EPERM";
  }
  const state = procState(pid);
  return state !== "Z" && state !== "X";
}

/** Whether any process of the group is alive (zombies excluded; they hold no shared memory). */
function groupRunning(pgid) {
  if (!existsSync("/proc/self/stat")) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(entry);
    if (stat && Number(stat[2]) === pgid && stat[0] !== "Z" && stat[0] !== "X") return true;
  }
  return false;
}

function procState(pid) {
  return readProcStat(String(pid))?.[0];
}

/** /proc/<pid>/stat's fields after the command name: state, ppid, pgrp, … */
function readProcStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

async function waitUntil(condition, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

function chownToUser(path, user) {
  const id = (flag) => Number(execFileSync("id", [flag, user]).toString().trim());
  chownSync(path, id("-u"), id("-g"));
}

async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

function describe(cluster) {
  return `PostgreSQL test cluster on 127.0.0.1:${cluster.port} (${cluster.durable ? "durable" : "fsync off"})`;
}

/** `run`: the command's exit code, or its signal raised again on us, once the cluster is gone. */
async function runCommand(command, options) {
  if (command.length === 0)
    throw new Error("usage: postgres-cluster.mjs run [--durable] -- <command...>");
  let child;
  let interrupted;
  const forward = (signal) => {
    interrupted ??= signal;
    child?.kill(signal);
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of signals) process.on(signal, forward);
  const cluster = await startCluster(options);
  console.log(`› ${describe(cluster)}`);
  let outcome = { code: 130, signal: interrupted };
  try {
    if (!interrupted) {
      child = spawn(command[0], command.slice(1), {
        stdio: "inherit",
        env: {
          ...process.env,
          SESAME_TEST_PG_URL: cluster.url,
          SESAME_TEST_PG_CONTROL: cluster.controlFile,
        },
      });
      outcome = await new Promise((resolve) => {
        child.on("error", (error) => {
          console.error(`${command[0]}: ${error.message}`);
          resolve({ code: 127 });
        });
        child.on("exit", (code, signal) => resolve({ code, signal }));
      });
    }
  } finally {
    await cluster.stop();
  }
  for (const signal of signals) process.off(signal, forward);
  if (outcome.signal) process.kill(process.pid, outcome.signal);
  process.exitCode = outcome.code ?? 128 + (constants.signals?.[outcome.signal] ?? 1);
}

/** `serve`: a cluster for as long as process <parent> lives (or until we are signalled). */
async function serve(parent, options) {
  let cluster;
  try {
    cluster = await startCluster(options);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: error.message })}\n`);
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    cluster.stop().finally(() => process.exit(0));
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, shutdown);
  setInterval(() => {
    if (!processRunning(parent)) shutdown();
  }, 200);
  process.stdout.write(`${JSON.stringify({ url: cluster.url, control: cluster.controlFile })}\n`);
}

async function main(argv) {
  const [mode, ...rest] = argv;
  const separator = rest.indexOf("--");
  const flags = separator === -1 ? rest : rest.slice(0, separator);
  const options = flags.includes("--durable") ? { durable: true } : {};
  switch (mode) {
    case "run":
      return runCommand(separator === -1 ? [] : rest.slice(separator + 1), options);
    case "serve": {
      const parent = Number(flags[flags.indexOf("--parent") + 1]);
      if (!flags.includes("--parent") || !parent) throw new Error("usage: serve --parent <pid>");
      return serve(parent, options);
    }
    case "restart":
    case "kill": {
      const controlFile = process.env.SESAME_TEST_PG_CONTROL;
      if (!controlFile) throw new Error("SESAME_TEST_PG_CONTROL is not set");
      return attachCluster(controlFile)[mode]();
    }
    default:
      throw new Error(
        "usage: postgres-cluster.mjs run [--durable] -- <command...> | serve --parent <pid> | restart | kill",
      );
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
