import type { ResponseHeaders } from "../trpc/context.ts";

/**
 * The context's `resHeaders` on the node fast path: what tRPC's fetch
 * adapter's `resHeaders` is, a fetch `Headers` that procedures append to
 * (Set-Cookie) and `responseMeta`'s headers are `set` on — but made only
 * when a procedure appends something, so a call that sets no cookie builds
 * none (and an invalid header still fails the procedure as it would there).
 */
export class ProcedureResponseHeaders implements ResponseHeaders {
  private appended: Headers | undefined;
  private readonly meta: Record<string, string> = {};

  append(name: string, value: string): void {
    this.appended ??= new Headers();
    this.appended.append(name, value);
  }

  /**
   * Sets `responseMeta`'s headers, and gives every header so far, as tRPC's
   * `initResponse` reads the adapter's `resHeaders` (sorted, combined).
   */
  withMeta(headers: Record<string, string>): Iterable<[string, string]> {
    if (this.appended === undefined) {
      Object.assign(this.meta, headers);
      return Object.entries(this.meta);
    }
    for (const [name, value] of Object.entries(headers)) this.appended.set(name, value);
    return this.appended.entries();
  }
}
