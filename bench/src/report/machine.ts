import { readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  openssl: string;
  os: string;
}

/** What the figures were measured on. */
export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    openssl: process.versions.openssl ?? "unknown",
    os: osRelease(),
  };
}

/** The 1-minute load average: above the core count, other work shared the CPUs during the run. */
export function loadAverage(): number {
  return loadavg()[0] ?? 0;
}

function osRelease(): string {
  try {
    const release = readFileSync("/etc/os-release", "utf8");
    return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(release)?.[1] ?? process.platform;
  } catch {
    return process.platform;
  }
}
