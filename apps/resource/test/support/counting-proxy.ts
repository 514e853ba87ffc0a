import { createServer, request as forward } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

export interface CountingProxy {
  url: string;
  /** Where requests go; set once the real server is listening. */
  target: string;
  /** Every request that went through, by path, in order. */
  paths: string[];
  /** Requests being answered right now (a held long poll is one). */
  open(): number;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

/**
 * A plain HTTP proxy in front of Sesame that counts what passes through it:
 * made Sesame's PUBLIC_URL, it sees every request another service makes to
 * Sesame (discovery, keys, polls of the revocation feed) and nothing else.
 */
export async function startCountingProxy(): Promise<CountingProxy> {
  let inFlight = 0;
  const server = createServer((incoming, outgoing) => {
    proxy.paths.push(incoming.url ?? "");
    inFlight += 1;
    outgoing.once("close", () => {
      inFlight -= 1;
    });
    const target = new URL(incoming.url ?? "/", proxy.target);
    const upstream = forward(
      target,
      { method: incoming.method, headers: { ...incoming.headers, host: target.host } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on("error", () => outgoing.destroy());
    outgoing.once("close", () => upstream.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const proxy: CountingProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    target: "http://127.0.0.1:9",
    paths: [],
    open: () => inFlight,
  };
  return proxy;
}
