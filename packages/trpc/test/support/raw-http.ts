import { connect } from "node:net";

/** The host every raw request names, whichever port it goes to: both servers then build the same URL. */
export const RAW_HOST = "localhost:3000";

/**
 * One request as bytes on the wire, with `Connection: close` so the answer
 * ends with the connection. A body gets its Content-Length unless the
 * headers frame it themselves (Transfer-Encoding).
 */
export function rawRequest(
  method: string,
  target: string,
  headers: Array<[string, string]> = [],
  body?: string | Buffer,
): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${RAW_HOST}`];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  const framed = headers.some(([name]) => name.toLowerCase() === "transfer-encoding");
  if (body !== undefined && !framed) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  lines.push("Connection: close", "", "");
  return Buffer.concat([Buffer.from(lines.join("\r\n"), "latin1"), Buffer.from(body ?? "")]);
}

export interface RawResponse {
  /** The status line and every header line, exactly as sent. */
  head: string;
  /** The body's bytes (a chunked body decoded: its framing depends on timing, not on the server). */
  body: Buffer;
  status: number;
}

/** Sends the bytes to 127.0.0.1:port and reads the whole answer. */
export async function exchange(port: number, request: Buffer): Promise<RawResponse> {
  const socket = connect(port, "127.0.0.1");
  // Not `end()`: node's server drops a request whose client half-closed before the answer was ready.
  socket.write(request);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const end = bytes.indexOf("\r\n\r\n");
  if (end === -1)
    throw new Error(`No complete answer: ${JSON.stringify(bytes.toString("latin1"))}`);
  const head = bytes.subarray(0, end).toString("latin1");
  const rest = bytes.subarray(end + 4);
  const chunked = /\r\ntransfer-encoding: chunked/i.test(head);
  return { head, body: chunked ? unchunked(rest) : rest, status: Number(head.split(" ")[1]) };
}

function unchunked(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const lineEnd = bytes.indexOf("\r\n", at);
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString("latin1"), 16);
    if (!size) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
