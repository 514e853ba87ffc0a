import { type ChildProcess, execFile, spawn } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The packages as a team gets them: packed into tarballs (with their
 * publishConfig and resolved workspace and catalog versions), linted as
 * published packages, installed with npm into a folder outside the
 * workspace, typechecked as a consumer's code, and run.
 */
const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const here = fileURLToPath(new URL("..", import.meta.url));
const PUBLIC_PACKAGES = ["contracts", "verify", "auth", "db", "trpc", "client"];
const bin = (name: string) => join(root, "node_modules", ".bin", name);

let work: string;
let tarballs: Record<string, string>;
let consumer: ChildProcess | undefined;
/** What the consumer printed: shown when a call fails. */
let consumerOutput = "";

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "sesame-consumer-"));
  const packs = join(work, "packs");
  mkdirSync(packs);
  // Built first by turbo (this package's test depends on theirs: ^build); pack applies publishConfig and resolves workspace: and catalog:.
  await Promise.all(
    PUBLIC_PACKAGES.map((name) =>
      run("pnpm", ["pack", "--pack-destination", packs], { cwd: join(root, "packages", name) }),
    ),
  );
  tarballs = Object.fromEntries(
    readdirSync(packs).map((file) => [
      file.replace(/^sesame-(\w+)-.*$/, "@sesame/$1"),
      join(packs, file),
    ]),
  );
}, 120_000);

afterAll(async () => {
  consumer?.kill("SIGTERM");
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the published packages", () => {
  it("pack, and pass publint and Are The Types Wrong (ESM, node16 and bundler resolution)", async () => {
    expect(Object.keys(tarballs).sort()).toEqual(PUBLIC_PACKAGES.map((n) => `@sesame/${n}`).sort());
    for (const tarball of Object.values(tarballs)) {
      const lint = await run(bin("publint"), [tarball, "--strict"]);
      expect(lint.stdout).toContain("All good!");
      // Exits non-zero on any problem in the resolutions the profile checks.
      await run(bin("attw"), [tarball, "--profile", "esm-only"]);
    }
  }, 120_000);

  it("install with npm outside the workspace; a consumer's file typechecks, runs, and signs a user in over HTTP", async () => {
    const app = join(work, "team-app");
    mkdirSync(app);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({
        name: "team-app",
        private: true,
        type: "module",
        dependencies: {
          ...Object.fromEntries(
            Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]),
          ),
          "@hono/node-server": versionInWorkspace("@hono/node-server"),
          "@trpc/server": versionInWorkspace("@trpc/server"),
          typescript: versionInWorkspace("typescript"),
          "@types/node": versionInWorkspace("@types/node"),
        },
      }),
    );
    // No install scripts: better-sqlite3 would compile for a minute, and the workspace already
    // holds this very version compiled for this very Node; its binary is copied in below.
    await run(
      "npm",
      ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
      {
        cwd: app,
        timeout: 240_000,
      },
    );
    const binding = "build/Release/better_sqlite3.node";
    mkdirSync(join(app, "node_modules/better-sqlite3", dirname(binding)), { recursive: true });
    copyFileSync(
      join(workspaceBetterSqlite3(), binding),
      join(app, "node_modules/better-sqlite3", binding),
    );

    copyFileSync(
      fileURLToPath(new URL("./consumer/consumer-app.ts", import.meta.url)),
      join(app, "app.ts"),
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          strict: true,
          outDir: "dist",
          types: ["node"],
          skipLibCheck: false,
        },
        files: ["app.ts"],
      }),
    );
    // The consumer's own typecheck of Sesame's published declarations, then its build.
    await run(join(app, "node_modules/.bin/tsc"), ["-p", "."], { cwd: app }).catch((error) => {
      throw new Error(`tsc failed:\n${error.stdout}${error.stderr}`);
    });

    mkdirSync(join(app, "data"));
    consumer = spawn(process.execPath, ["dist/app.js", join(app, "data")], { cwd: app });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`did not start:\n${consumerOutput}`)),
        30_000,
      );
      const read = (chunk: Buffer) => {
        consumerOutput += chunk;
        const listening = /consumer listening on (\S+)/.exec(consumerOutput);
        if (listening?.[1]) {
          clearTimeout(timer);
          resolve(listening[1]);
        }
      };
      consumer?.stdout?.on("data", read);
      consumer?.stderr?.on("data", read);
      consumer?.once("exit", (code) =>
        reject(new Error(`exited with ${code}:\n${consumerOutput}`)),
      );
    });

    const call = async (path: string, input?: unknown, token?: string) => {
      const response = await fetch(`${url}/trpc/${path}`, {
        method: input === undefined ? "GET" : "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: input === undefined ? undefined : JSON.stringify(input),
      });
      if (response.status >= 500) throw new Error(`${path}: ${response.status}\n${consumerOutput}`);
      return { status: response.status, body: (await response.json()) as TrpcBody };
    };
    const credentials = { email: "team@example.com", password: "correct horse battery staple" };
    expect((await call("auth.register", { ...credentials, transport: "body" })).status).toBe(200);
    const login = await call("auth.login", { ...credentials, transport: "body" });
    expect(login.status).toBe(200);
    const accessToken = String(login.body.result?.data.accessToken);

    const greeting = await call("greeting", undefined, accessToken);
    expect(greeting.body.result?.data).toMatchObject({ role: "user" });
    const refused = await call("greeting");
    expect(refused.status).toBe(401);
    expect(refused.body.error?.data.authCode).toBe("TOKEN_MISSING");
  }, 300_000);
});

describe("what a browser app or a verifying service installs", () => {
  it("@sesame/client and @sesame/verify bring no argon2, no SQLite, no PostgreSQL driver, no ORM", async () => {
    const app = join(work, "light-app");
    mkdirSync(app);
    const light = ["@sesame/contracts", "@sesame/verify", "@sesame/client"];
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({
        name: "light-app",
        private: true,
        type: "module",
        dependencies: Object.fromEntries(light.map((name) => [name, `file:${tarballs[name]}`])),
      }),
    );
    await run(
      "npm",
      ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
      {
        cwd: app,
        timeout: 240_000,
      },
    );
    const installed = new Set(readdirSync(join(app, "node_modules")));
    for (const server of [
      "@node-rs",
      "better-sqlite3",
      "postgres",
      "drizzle-orm",
      "openid-client",
    ]) {
      expect(installed.has(server), server).toBe(false);
    }
    expect(readdirSync(join(app, "node_modules/@sesame")).sort()).toEqual([
      "client",
      "contracts",
      "verify",
    ]);
  }, 300_000);
});

/** A tRPC response body, as plain JSON. */
interface TrpcBody {
  result?: { data: Record<string, unknown> };
  error?: { data: { authCode?: string } };
}

/** The exact version the workspace resolved, so the consumer is tested against what we test. */
function versionInWorkspace(name: string): string {
  const manifest = join(here, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

function workspaceBetterSqlite3(): string {
  const require = createRequire(join(root, "packages/db/package.json"));
  return dirname(require.resolve("better-sqlite3/package.json"));
}
