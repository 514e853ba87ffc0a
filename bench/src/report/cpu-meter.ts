import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's CPU counters (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface CpuSnapshot {
  at: number;
  /** Busy ticks of the whole machine. */
  machine: number;
  /** Ticks of this process, its reaped children, and its live descendants. */
  ours: number;
}

/**
 * How much CPU other processes took while a scenario ran, from Linux's
 * /proc: the machine's busy time minus the bench's own process tree. The
 * machine is shared with other work; this says how much a run was disturbed.
 * Answers undefined where /proc is not there.
 */
export class CpuMeter {
  private readonly start: CpuSnapshot | undefined;

  constructor() {
    this.start = snapshot();
  }

  /** Average number of cores busy with other processes since construction. */
  othersCores(): number | undefined {
    const end = snapshot();
    if (!this.start || !end) return undefined;
    const seconds = (end.at - this.start.at) / 1000;
    if (seconds <= 0) return undefined;
    const others = end.machine - this.start.machine - (end.ours - this.start.ours);
    return Math.max(0, others / TICKS_PER_SECOND / seconds);
  }
}

/** Busy CPU time of the whole machine since boot, in µs (every core), or undefined without /proc. */
export function machineBusyMicros(): number | undefined {
  try {
    return (machineBusyTicks() / TICKS_PER_SECOND) * 1_000_000;
  } catch {
    return undefined;
  }
}

function machineBusyTicks(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  const [, ...fields] = cpu.trim().split(/\s+/).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return user + nice + system + irq + softirq + steal;
}

function snapshot(): CpuSnapshot | undefined {
  try {
    return {
      at: performance.now(),
      machine: machineBusyTicks(),
      ours: treeTicks(process.pid),
    };
  } catch {
    return undefined;
  }
}

/** utime + stime + cutime + cstime of `root` and every live descendant. */
function treeTicks(root: number): number {
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may hold spaces.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(rest[i]), 0);
      stats.set(Number(entry), { parent: Number(rest[1]), ticks });
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  for (const [pid, { ticks }] of stats) {
    for (let at: number | undefined = pid; at !== undefined && at > 0; at = stats.get(at)?.parent) {
      if (at === root) {
        total += ticks;
        break;
      }
    }
  }
  return total;
}

/**
 * CPU time of this process's main thread (the event loop) so far, in
 * microseconds, at /proc's 10 ms resolution: time spent on libuv's pool is
 * not in it. Undefined where /proc is not there.
 */
export function mainThreadCpuMicros(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(rest[11]) + Number(rest[12])) / TICKS_PER_SECOND) * 1_000_000;
  } catch {
    return undefined;
  }
}
