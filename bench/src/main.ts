import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PasswordHasher } from "@sesame/auth";
import { BENCH_PASSWORD, type BenchContext } from "./bench-context.ts";
import { benchKeys } from "./fixtures/signing-keys.ts";
import { benchCommand, parseOptions, type SectionId } from "./options.ts";
import { CpuMeter } from "./report/cpu-meter.ts";
import { describeMachine } from "./report/machine.ts";
import type { Section } from "./report/section.ts";
import { plainTable } from "./report/text-table.ts";
import { rewriteDocs, writeDocs } from "./report/write-docs.ts";
import { loginSection, measureLoginStorm } from "./scenarios/login-storm.ts";
import { measureMemory, memorySection, seedMemoryDatabases } from "./scenarios/memory-footprint.ts";
import { measurePostgres, postgresSection } from "./scenarios/postgres-backend.ts";
import { measureRefreshBounds } from "./scenarios/refresh-bounds.ts";
import {
  measureRefresh,
  refreshProfileSection,
  refreshSection,
} from "./scenarios/refresh-rotations.ts";
import { measureRequestPaths } from "./scenarios/request-paths.ts";
import { authCostSection, hostSection, peerSection } from "./scenarios/request-sections.ts";
import { measureSessionLookup, sessionLookupSection } from "./scenarios/session-lookup.ts";
import { measureSoak } from "./scenarios/soak.ts";
import { soakSection } from "./scenarios/soak-section.ts";
import {
  measureVerifyCosts,
  type VerifyCosts,
  verifyCostSection,
} from "./scenarios/verify-cost.ts";
import { benchSettings } from "./settings.ts";

/**
 * `pnpm bench [-- --quick]`: runs every scenario of issue #6, prints each
 * table as it completes, and writes docs/benchmarks.md, .svg and .json.
 * `pnpm bench -- --soak` runs the 10-minute soak alone and merges its section in.
 */
const options = parseOptions(process.argv.slice(2));
if (options.reportOnly) {
  rewriteDocs();
  console.log("Rewrote docs/benchmarks.md and docs/benchmarks.svg from docs/benchmarks.json.");
  process.exit(0);
}
const started = performance.now();
const wholeRun = new CpuMeter();
const workDir = mkdtempSync(join(tmpdir(), "sesame-bench-"));
const ctx: BenchContext = {
  settings: benchSettings(options.quick),
  workDir,
  keys: await benchKeys(),
  log: (message) => console.log(`  · ${message}`),
};
const machine = describeMachine();
console.log(
  `Sesame benchmarks${options.soak ? ", soak" : ""}${options.quick ? " (quick)" : ""}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`,
);

const sections: Section[] = [];
const report = (...added: Section[]) => {
  for (const section of added) {
    sections.push(section);
    console.log(`\n${section.number}. ${section.title}\n${plainTable(section.table)}`);
    for (const target of section.targets) {
      console.log(`  ${target.met ? "✓" : "✗"} ${target.target}: ${target.measured}`);
    }
    for (const note of section.notes) console.log(`  - ${note}`);
  }
  console.log("");
};
const runs = (id: SectionId) => options.only.includes(id);

try {
  let verify: VerifyCosts | undefined;
  if (runs("verify") || runs("storage")) {
    verify = await measureVerifyCosts(ctx);
    if (runs("verify")) report(verifyCostSection(verify));
  }
  if (runs("http")) {
    const paths = await measureRequestPaths(ctx);
    report(hostSection(paths), authCostSection(paths), peerSection(paths));
  }
  if (runs("refresh")) {
    const rotations = await measureRefresh(ctx);
    report(
      refreshSection(rotations, await measureRefreshBounds(ctx)),
      refreshProfileSection(rotations),
    );
  }
  if (runs("login")) report(loginSection(await measureLoginStorm(ctx)));
  if (runs("storage") && verify) {
    const passwordHash = await new PasswordHasher().hash(BENCH_PASSWORD);
    const databases = seedMemoryDatabases(ctx, passwordHash);
    const large = databases.at(-1);
    if (large) report(sessionLookupSection(await measureSessionLookup(ctx, large), verify));
    report(memorySection(await measureMemory(ctx, databases)));
  }
  if (runs("postgres")) report(postgresSection(await measurePostgres(ctx)));
  if (options.soak) report(soakSection(await measureSoak(ctx)));
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const seconds = (performance.now() - started) / 1000;
const met = sections.flatMap((s) => s.targets).filter((t) => t.met).length;
const total = sections.flatMap((s) => s.targets).length;
console.log(`${met} of ${total} targets met; ${Math.round(seconds)} s in all.`);

if (options.write) {
  writeDocs(
    {
      machine,
      command: benchCommand(options),
      date: new Date().toISOString().slice(0, 10),
      seconds,
      othersCores: wholeRun.othersCores(),
      quick: options.quick,
    },
    sections,
    options.soak ? "apart" : "suite",
  );
  console.log("Wrote docs/benchmarks.md, docs/benchmarks.svg and docs/benchmarks.json.");
}
