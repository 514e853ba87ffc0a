import { RemoteKeysError } from "./remote-keys-error.ts";

export interface FetchJsonOptions {
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  /** Key sets and metadata are a few KB; anything far larger is refused, not buffered. */
  maxBytes?: number;
}

export interface FetchedJson {
  body: unknown;
  /** `max-age` of the response's Cache-Control, in seconds, if it had one. */
  maxAgeSeconds: number | undefined;
}

/**
 * GETs a JSON document from a configured URL (never one taken from a token):
 * bounded in time and size, and without following redirects, so a verifier
 * only ever talks to the endpoint it was configured or discovered with.
 */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<FetchedJson> {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  let response: Response;
  try {
    response = await options.fetch(url, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (cause) {
    throw new RemoteKeysError("ERR_JWKS_UNAVAILABLE", `Could not fetch ${url}.`, { cause });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new RemoteKeysError("ERR_JWKS_UNAVAILABLE", `${url} answered ${response.status}.`);
  }
  let text: string;
  try {
    text = await readLimited(response, maxBytes);
  } catch (cause) {
    throw new RemoteKeysError("ERR_JWKS_UNAVAILABLE", `Could not read ${url}.`, { cause });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RemoteKeysError("ERR_JWKS_INVALID", `${url} did not return JSON.`);
  }
  return { body, maxAgeSeconds: maxAge(response.headers.get("cache-control")) };
}

/** The body as text, or a throw once it grows past `maxBytes`: nothing large is ever buffered. */
export async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`Response larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function maxAge(cacheControl: string | null): number | undefined {
  if (!cacheControl || /(?:^|,)\s*no-(?:store|cache)\b/i.test(cacheControl)) return undefined;
  const match = /(?:^|,)\s*max-age=(\d{1,9})\b/i.exec(cacheControl);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
