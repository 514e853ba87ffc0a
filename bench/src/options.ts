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
}

export function parseOptions(args: string[]): BenchOptions {
  const options: BenchOptions = {
    quick: false,
    only: [...SECTION_IDS],
    write: true,
    reportOnly: false,
  };
  let write: boolean | undefined;
  for (const arg of args) {
    if (arg === "--") continue;
    if (arg === "--quick") options.quick = true;
    else if (arg === "--no-write") write = false;
    else if (arg === "--write") write = true;
    else if (arg === "--report") options.reportOnly = true;
    else if (arg.startsWith("--only=")) {
      const ids = arg.slice("--only=".length).split(",");
      const unknown = ids.filter((id) => !(SECTION_IDS as readonly string[]).includes(id));
      if (unknown.length > 0)
        throw new Error(`Unknown section ${unknown.join(", ")}; use ${SECTION_IDS.join(", ")}.`);
      options.only = ids as SectionId[];
      write ??= false;
    } else {
      throw new Error(
        `Unknown option ${arg}. Use --quick, --only=${SECTION_IDS.join(",")}, --write, --no-write or --report.`,
      );
    }
  }
  // A smoke run's rough figures must not replace the published ones by accident.
  options.write = write ?? !options.quick;
  return options;
}
