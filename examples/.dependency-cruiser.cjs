/**
 * The examples' own rules, checked by `pnpm boundaries` after the repo's:
 * an example is a team's app, so it reaches Sesame only the way a team can
 * (the packages' public entry points), and the page it ships to browsers
 * holds nothing of its server.
 */
const repo = require("../.dependency-cruiser.cjs");

const EXAMPLE_PAGE = "^examples/[^/]+/src/client/";
const SERVER_ONLY =
  "^examples/[^/]+/src/server/|^packages/(auth|db|trpc)/|(^|/)node_modules/(hono|@hono|@node-rs|better-sqlite3|postgres|pg|drizzle-orm|nodemailer)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "example-page-holds-nothing-server-only",
      comment:
        "The page runs in browsers: from the example's server it takes types only (AppRouter), and no server package at all.",
      severity: "error",
      from: { path: EXAMPLE_PAGE },
      to: { path: SERVER_ONLY, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "example-page-uses-no-node-builtins",
      severity: "error",
      from: { path: EXAMPLE_PAGE },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "examples-use-sesame-through-its-entry-points",
      comment:
        "`@sesame/trpc`, `@sesame/client/react`…, as a team's app imports them: a relative path into a package's source is no public API.",
      severity: "error",
      from: { path: "^examples/" },
      to: { path: "^packages/", dependencyTypes: ["local"] },
    },
    {
      name: "examples-never-import-apps",
      comment:
        "Sesame's own apps are no library; an example shows what a team can do without them.",
      severity: "error",
      from: { path: "^examples/" },
      to: { path: "^apps/" },
    },
  ],
  options: {
    ...repo.options,
    // Unlike the repo's, keeps node_modules in the graph (unfollowed), so a server package the page imports shows.
    exclude: { path: "^examples/[^/]+/dist/|\\.test\\.tsx?$|/test/" },
  },
};
