/** The sections a run can be limited to with `--only`. */
export const SECTION_IDS = ["verify", "http", "refresh", "login", "storage", "postgres"] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export interface BenchOptions {
  /** `--quick`: a short smoke run with small databases; it prints only, unless `--write`. */
  quick: boolean;
  /** `--only=http,login`: run just these (the docs are then not rewritten). */
  only: SectionId[];
  /** Whether to rewrite docs/benchmarks.*: a full run does, `--no-write` or `--quick` does not, `--write` forces it. */
  write: boolean;
  /** `--report`: measure nothing; rewrite docs/benchmarks.md and .svg from the last run's docs/benchmarks.json. */
  reportOnly: boolean;
  /**
   * `--soak`: the 10-minute soak alone (`--quick`: about a minute). A full run
   * does not include it, since it would add 10 minutes; its section is
   * merged into the docs beside the full run's.
   */
  soak: boolean;
}

export function parseOptions(args: string[]): BenchOptions {
  const options: BenchOptions = {
    quick: false,
    only: [...SECTION_IDS],
    write: true,
    reportOnly: false,
    soak: false,
  };
  let only = false;
  let write: boolean | undefined;
  for (const arg of args) {
    if (arg === "--") continue;
    if (arg === "--quick") options.quick = true;
    else if (arg === "--no-write") write = false;
    else if (arg === "--write") write = true;
    else if (arg === "--report") options.reportOnly = true;
    else if (arg === "--soak") options.soak = true;
    else if (arg.startsWith("--only=")) {
      const ids = arg.slice("--only=".length).split(",");
      const unknown = ids.filter((id) => !(SECTION_IDS as readonly string[]).includes(id));
      if (unknown.length > 0)
        throw new Error(`Unknown section ${unknown.join(", ")}; use ${SECTION_IDS.join(", ")}.`);
      options.only = ids as SectionId[];
      only = true;
      write ??= false;
    } else {
      throw new Error(
        `Unknown option ${arg}. Use --quick, --soak, --only=${SECTION_IDS.join(",")}, --write, --no-write or --report.`,
      );
    }
  }
  if (options.soak) {
    if (only) throw new Error("--soak runs the soak alone; it does not combine with --only.");
    options.only = [];
  }
  // A smoke run's rough figures must not replace the published ones by accident.
  options.write = write ?? !options.quick;
  return options;
}

/** The command line that gives these options, as the docs quote it: "pnpm bench -- --soak --quick". */
export function benchCommand(options: BenchOptions): string {
  const flags = [options.soak ? "--soak" : "", options.quick ? "--quick" : ""].filter(Boolean);
  return flags.length === 0 ? "pnpm bench" : `pnpm bench -- ${flags.join(" ")}`;
}
