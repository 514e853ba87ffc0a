import { Agent, get } from "node:http";

export interface ProbeResult {
  count: number;
  failures: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  max: number;
}

/**
 * A light second load generator: one GET every `intervalMs` on a fixed
 * schedule, whether or not the previous answer came (so a stalled event loop
 * shows up as latency, not as fewer samples), for `durationMs`.
 */
export async function probeLatency(
  url: string,
  { intervalMs, durationMs }: { intervalMs: number; durationMs: number },
): Promise<ProbeResult> {
  const agent = new Agent({ keepAlive: true });
  const latencies: number[] = [];
  let failures = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let n = 0; n * intervalMs < durationMs; n++) {
    const due = started + n * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      once(url, agent).then(
        (ms) => void latencies.push(ms),
        () => void failures++,
      ),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    count: latencies.length,
    failures,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1) ?? 0,
  };
}

function once(url: string, agent: Agent): Promise<number> {
  const sent = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      response.resume();
      response.on("end", () =>
        response.statusCode === 200
          ? resolve(performance.now() - sent)
          : reject(new Error(`${response.statusCode}`)),
      );
    }).on("error", reject);
  });
}
