/**
 * What Sesame reads of a request: its method, its absolute URL and its
 * headers (`get` as a fetch `Headers` answers it). A fetch `Request` is
 * one; Sesame's node listener passes a view of node's own request instead,
 * so that a call builds no `Request` (docs/embedding.md). The body is not
 * here: tRPC has read it into the procedure's input.
 */
export interface SesameRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
}
