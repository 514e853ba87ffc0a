import type { IncomingMessage } from "node:http";
import type { SesameRequest } from "./sesame-request.ts";

/**
 * Node's request as Sesame reads it (SesameRequest), without building a
 * fetch `Request` and its `Headers` (several microseconds a call, most of a
 * trivial query's budget). `headers.get` answers exactly what the fetch
 * host (@hono/node-server's `Request`) answers for the same bytes: every
 * field line of that name, in order, joined with `, ` (`; ` for Cookie),
 * outer whitespace trimmed — where node's own `headers` object would keep
 * only the first of a repeated `Authorization` or `User-Agent`.
 */
export class NodeRequestView implements SesameRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: NodeHeaderView;

  constructor(incoming: IncomingMessage, url: string) {
    this.method = incoming.method ?? "GET";
    this.url = url;
    this.headers = new NodeHeaderView(incoming.rawHeaders);
  }

  /** For tRPC's node:http adapter, which gives the request alone: its URL as the old `Request` had it. */
  static of(incoming: IncomingMessage): NodeRequestView {
    const encrypted = (incoming.socket as { encrypted?: boolean }).encrypted === true;
    const raw = `${encrypted ? "https" : "http"}://${incoming.headers.host ?? "localhost"}${incoming.url ?? "/"}`;
    return new NodeRequestView(incoming, new URL(raw).href);
  }
}

class NodeHeaderView {
  constructor(private readonly rawHeaders: string[]) {}

  get(name: string): string | null {
    const wanted = name.toLowerCase();
    const separator = wanted === "cookie" ? "; " : ", ";
    let value: string | null = null;
    for (let i = 0; i < this.rawHeaders.length; i += 2) {
      const rawName = this.rawHeaders[i] as string;
      if (rawName.length !== wanted.length || rawName.toLowerCase() !== wanted) continue;
      const one = withoutOuterWhitespace(this.rawHeaders[i + 1] as string);
      value = value === null ? one : value + separator + one;
    }
    return value;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }
}

/** Trims HTTP's whitespace (tab, space, CR, LF) as fetch does; `String.trim` would also take Unicode spaces. */
function withoutOuterWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function isHttpWhitespace(code: number): boolean {
  return code === 9 || code === 10 || code === 13 || code === 32;
}
