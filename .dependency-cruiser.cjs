/**
 * The layering, checked on every `npm test` (`pnpm boundaries`):
 * web → (HTTP) → server → trpc → auth ← db. The core knows no HTTP and no
 * SQL; the browser bundle holds nothing server-only; nothing imports upward;
 * an app imports packages, never another app.
 */
const HTTP_OR_SQL =
  "^(node:)?(http|https|http2)$|(^|/)node_modules/(hono|@hono|@trpc|drizzle-orm|better-sqlite3|postgres|pg|nodemailer)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-knows-no-http-or-sql",
      comment:
        "packages/auth makes every security decision once, for every storage and host: no HTTP, no SQL.",
      severity: "error",
      from: { path: "^packages/auth/src" },
      to: { path: HTTP_OR_SQL },
    },
    {
      name: "core-imports-no-sesame-above-it",
      severity: "error",
      from: { path: "^packages/auth/src" },
      to: { path: "^(packages/(db|trpc|client)|apps)/" },
    },
    {
      name: "contracts-stand-alone",
      comment:
        "The wire contracts run in browsers and servers alike: zod, nothing of Sesame, nothing of Node.",
      severity: "error",
      from: { path: "^packages/contracts/src" },
      to: { path: "^(packages/(?!contracts/)|apps/)|^node:|^(fs|path|http|https|net|crypto|os)$" },
    },
    {
      name: "storage-imports-no-host",
      severity: "error",
      from: { path: "^packages/db/src" },
      to: { path: "^(packages/(trpc|client)|apps)/|(^|/)node_modules/(hono|@hono|@trpc)/" },
    },
    {
      name: "packages-never-import-apps",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: "^apps/" },
    },
    {
      name: "apps-never-import-other-apps",
      comment:
        "Shared code moves into a package. (Tests may start another app as a process or a server.)",
      severity: "error",
      from: { path: "^apps/([^/]+)/src/" },
      to: { path: "^apps/", pathNot: "^apps/$1/" },
    },
    {
      name: "browser-bundle-holds-nothing-server-only",
      comment:
        "The web app and the client package run in browsers: types from the server side only.",
      severity: "error",
      from: { path: "^(apps/web/src|packages/client/src)/" },
      to: {
        path: "^(packages/(auth|db|trpc)|apps/server)/|^(node:)?(fs|path|http|https|net|crypto|child_process|os)$|(^|/)node_modules/(@node-rs|better-sqlite3|postgres|drizzle-orm|nodemailer|hono|@hono)/",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "imports-resolve",
      comment: "Every import resolves: a package uses only what its package.json declares.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)dist/|\\.test\\.tsx?$|/test/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "types", "default"],
      extensions: [".ts", ".tsx", ".js", ".mjs"],
    },
    preserveSymlinks: false,
  },
};
