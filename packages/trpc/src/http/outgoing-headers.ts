import type { OutgoingHttpHeaders } from "node:http";

/**
 * A response's headers as the fallback builds them — a fetch `Headers`
 * (tRPC's, then the security middleware's `set`s) — and written out as
 * @hono/node-server writes a `Headers` to node: sorted by name (fetch's
 * "sort and combine"), the Set-Cookie lines last, then Content-Length. Only
 * for names that are lowercase already and values that are valid: Sesame's
 * own lists, tRPC's, or what a fetch `Headers` has already checked.
 */
export class OutgoingHeaders {
  private readonly values = new Map<string, string>();
  private readonly cookies: string[] = [];

  set(name: string, value: string): void {
    if (name === "set-cookie") this.cookies.splice(0, this.cookies.length, value);
    else this.values.set(name, value);
  }

  append(name: string, value: string): void {
    if (name === "set-cookie") {
      this.cookies.push(value);
      return;
    }
    const previous = this.values.get(name);
    this.values.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }

  delete(name: string): void {
    if (name === "set-cookie") this.cookies.length = 0;
    else this.values.delete(name);
  }

  /** For `writeHead`, with the body's length, as @hono/node-server passes them. */
  toNode(contentLength: number): OutgoingHttpHeaders {
    const out: OutgoingHttpHeaders = {};
    for (const name of [...this.values.keys()].sort()) out[name] = this.values.get(name);
    if (this.cookies.length > 0) out["set-cookie"] = [...this.cookies];
    out["Content-Length"] = contentLength;
    return out;
  }
}
