import { availableParallelism } from "node:os";
import type { CpuSpent } from "../load/load-test.ts";
import { formatCount, formatMicros } from "./format.ts";

/** A run's CPU per served request, by who spent it, and the rate the machine's cores allow at that cost. */
export interface CpuBudget {
  serverUs: number;
  generatorUs: number;
  /** Everything else on the machine: a database server's processes, and any other work. */
  restUs: number;
  totalUs: number;
  /** Cores busy on average during the run, of `cores`. */
  busyCores: number;
  cores: number;
  /** Requests/s all cores would serve at `totalUs` each: the machine's ceiling for this mix. */
  ceiling: number;
}

export function cpuBudget(spent: CpuSpent, cores = availableParallelism()): CpuBudget | undefined {
  if (spent.served === 0 || spent.seconds <= 0) return undefined;
  const per = (us: number) => us / spent.served;
  const restUs = Math.max(0, spent.machineUs - spent.generatorUs - spent.serverUs);
  const totalUs = per(spent.serverUs) + per(spent.generatorUs) + per(restUs);
  return {
    serverUs: per(spent.serverUs),
    generatorUs: per(spent.generatorUs),
    restUs: per(restUs),
    totalUs,
    busyCores: spent.machineUs / (spent.seconds * 1_000_000),
    cores,
    ceiling: (cores * 1_000_000) / totalUs,
  };
}

/**
 * The budget as a sentence: whether the run was bound by the machine's
 * cores (all of them busy, so only less CPU per request raises the rate),
 * and who spent the CPU. `rest` names what the remainder is in that run.
 */
export function cpuBudgetNote(
  label: string,
  spent: CpuSpent | undefined,
  rest: string,
  cores = availableParallelism(),
): string {
  const budget = spent && cpuBudget(spent, cores);
  if (!budget) return "";
  const saturated = budget.busyCores >= budget.cores * 0.9;
  return `${label}: the machine's CPU per request was ${formatMicros(budget.totalUs)} µs (server ${formatMicros(budget.serverUs)}, load generator ${formatMicros(budget.generatorUs)}, ${rest} ${formatMicros(budget.restUs)}), with ${budget.busyCores.toFixed(2)} of ${budget.cores} cores busy: at that cost all ${budget.cores} cores serve at most ${formatCount(budget.ceiling)}/s${saturated ? ", so the run was bound by the cores" : ""}.`;
}
