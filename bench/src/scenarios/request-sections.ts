import { formatMicros, formatRatio } from "../report/format.ts";
import { loadColumns, loadRow } from "../report/load-row.ts";
import type { Section } from "../report/section.ts";
import type { RequestPathResults } from "./request-paths.ts";

function othersNote(measured: RequestPathResults): string[] {
  const cores = measured.othersCores;
  return cores === undefined
    ? []
    : [
        `Other processes kept ${cores.toFixed(2)} cores busy on average while these paths were measured.`,
      ];
}

/** Items 1–2: the ceiling and the host choice. */
export function hostSection(measured: RequestPathResults): Section {
  const { raw, standalone, honoBare, sesamePing } = measured.results;
  const ratio = sesamePing.rps / standalone.rps;
  return {
    number: "1–2",
    title: "The host: raw node:http, tRPC standalone, Sesame's host",
    method:
      "The trivial query `bench.ping` of Sesame's own router, served by tRPC's standalone adapter, by Hono + tRPC's fetch adapter on @hono/node-server with no middleware (the host choice alone), and by Sesame's host (the same, with all of Sesame's middleware: security headers, CORS, body limit, JSON-only, context, error headers), against raw node:http answering the same JSON bytes.",
    table: {
      columns: loadColumns("standalone"),
      rows: [
        loadRow("raw node:http (ceiling)", raw, standalone),
        loadRow("tRPC standalone adapter", standalone, standalone),
        loadRow("Hono + fetch adapter, no middleware", honoBare, standalone),
        loadRow("Sesame's host (Hono + fetch adapter + middleware)", sesamePing, standalone),
      ],
    },
    targets: [
      {
        target: "Sesame's host ≥ 2× tRPC's standalone adapter on the same router",
        measured: formatRatio(ratio),
        met: ratio >= 2,
      },
    ],
    notes: othersNote(measured),
    chart: {
      title: "Trivial query",
      unit: "req/s",
      bars: [
        { label: "raw node:http", value: raw.rps },
        { label: "tRPC standalone", value: standalone.rps },
        { label: "Hono + fetch adapter, bare", value: honoBare.rps },
        { label: "Sesame's host", value: sesamePing.rps, highlight: true },
      ],
    },
  };
}

/** Item 3: what checking the access token costs per request. */
export function authCostSection(measured: RequestPathResults): Section {
  const { meUnprotected, meProtected } = measured.results;
  const ratio = meProtected.rps / meUnprotected.rps;
  const notes = othersNote(measured);
  if (meProtected.serverCpuUs !== undefined && meUnprotected.serverCpuUs !== undefined) {
    notes.unshift(
      `Server CPU per request: ${formatMicros(meProtected.serverCpuUs - meUnprotected.serverCpuUs)} µs more with auth (bearer parsing, the verified-token cache, the revocation check, one more middleware).`,
    );
  }
  return {
    number: "3",
    title: "The cost of auth per request: `user.me` unprotected vs protected",
    method:
      "Both on the same Sesame server: `user.me` behind `protectedProcedure`, and the same body reading the same user row through `publicProcedure` (no auth middleware). 50 connections, each with its own session's access token (sent to both, so the requests are the same bytes).",
    table: {
      columns: loadColumns("unprotected"),
      rows: [
        loadRow("user.me without auth", meUnprotected, meUnprotected),
        loadRow("user.me protected", meProtected, meUnprotected),
      ],
    },
    targets: [
      {
        target: "protected `user.me` ≥ 0.9× unprotected (auth ≤ 10%)",
        measured: formatRatio(ratio),
        met: ratio >= 0.9,
      },
    ],
    notes,
    chart: {
      title: "user.me",
      unit: "req/s",
      bars: [
        { label: "without auth", value: meUnprotected.rps },
        { label: "protected (Sesame)", value: meProtected.rps, highlight: true },
      ],
    },
  };
}

/** Item 9: against the library a team would pick instead. */
export function peerSection(measured: RequestPathResults): Section {
  const { betterAuth, meProtected } = measured.results;
  const ratio = meProtected.rps / betterAuth.rps;
  return {
    number: "9",
    title: "The peer: better-auth `get-session` vs Sesame's protected `user.me`",
    method:
      "better-auth with its defaults (sessions in the database, no cookie cache) on Hono + @hono/node-server, on a better-sqlite3 file in WAL mode with synchronous=FULL, rate limiting off; 50 connections, each with its own session cookie. Sesame's figure is the protected `user.me` above, from the same run.",
    table: {
      columns: loadColumns("better-auth"),
      rows: [
        loadRow("better-auth get-session", betterAuth, betterAuth),
        loadRow("Sesame user.me (protected)", meProtected, betterAuth),
      ],
    },
    targets: [
      {
        target: "protected `user.me` ≥ 5× better-auth's get-session",
        measured: formatRatio(ratio),
        met: ratio >= 5,
      },
    ],
    notes: othersNote(measured),
    chart: {
      title: "An authenticated request: better-auth vs Sesame",
      unit: "req/s",
      bars: [
        { label: "better-auth get-session", value: betterAuth.rps },
        { label: "Sesame user.me (protected)", value: meProtected.rps, highlight: true },
      ],
    },
  };
}
