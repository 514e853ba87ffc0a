import { readFileSync } from "node:fs";

/** The parts of V8's `.cpuprofile` (what `node --cpu-prof` writes) a summary needs. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  /** The node sampled at each tick. */
  samples: number[];
  /** µs since the previous sample, one per sample. */
  timeDeltas: number[];
}

/** One function's share of the profile. */
export interface ProfileFrame {
  /**
   * `name (package/file:line)`; a native function as `name ← its caller`;
   * `(program)` and `(garbage collector)` as V8 names them.
   */
  frame: string;
  /** Share of the non-idle samples spent in this function itself. */
  selfShare: number;
  /** Share of the non-idle samples with this function anywhere on the stack. */
  totalShare: number;
}

export interface ProfileSummary {
  /** Non-idle µs sampled on the thread. */
  busyUs: number;
  /** Functions by self time, highest first. */
  top: ProfileFrame[];
}

export function readCpuProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
}

/**
 * A flame graph read as a table: self time per function (the flame graph's
 * plateau widths), summed over every stack the function appears in, and its
 * total (inclusive) time counted once per sample even when it recurses. Idle
 * samples are left out, so the shares are of the time the thread was working.
 */
export function summarizeCpuProfile(profile: CpuProfile, count = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busyUs = 0;
  for (const [i, id] of profile.samples.entries()) {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (!node || node.callFrame.functionName === "(idle)") continue;
    busyUs += us;
    // A native function (no script of its own, e.g. better-sqlite3's `run`) is named with its caller.
    const callerId = parent.get(id);
    const caller = callerId === undefined ? undefined : byId.get(callerId)?.callFrame;
    const name =
      !node.callFrame.url && !node.callFrame.functionName.startsWith("(") && caller
        ? `${node.callFrame.functionName} ← ${frameName(caller)}`
        : frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + us);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && frame.functionName !== "(root)") onStack.add(frameName(frame));
    }
    for (const frame of onStack) total.set(frame, (total.get(frame) ?? 0) + us);
  }
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, us]) => ({
      frame,
      selfShare: busyUs > 0 ? us / busyUs : 0,
      totalShare: busyUs > 0 ? (total.get(frame) ?? 0) / busyUs : 0,
    }));
  return { busyUs, top };
}

/** A function's name and where it lives, short enough for a table: the package and file, not the path. */
function frameName(frame: CpuProfile["nodes"][number]["callFrame"]): string {
  const name = frame.functionName || "(anonymous)";
  if (!frame.url) return name;
  const path = frame.url.replace(/^file:\/\//, "");
  const inPackage = path.match(
    /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/,
  );
  const where = inPackage
    ? `${inPackage[1]}/${lastSegments(inPackage[2] ?? "", 1)}`
    : path.startsWith("node:")
      ? path
      : lastSegments(path, 3);
  return `${name} (${where}:${frame.lineNumber + 1})`;
}

const lastSegments = (path: string, count: number) => path.split("/").slice(-count).join("/");
