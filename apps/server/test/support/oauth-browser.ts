import { createServer } from "node:net";

/**
 * A free loopback port, for a server whose URL another must know before it
 * starts. Picked below Linux's ephemeral range (32768–60999): a port found
 * free there and closed again could be taken by any other process's
 * `listen(0)` before the server binds it (seen in CI); below it, only
 * another caller of this function could, and each picks at random.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
}

/**
 * What a browser does across the OAuth redirects, over plain HTTP: it
 * follows each redirect by hand, keeps each host's cookies, and stops at
 * the first URL `stopAt` accepts (the Sesame callback), without following it.
 */
export class RedirectWalker {
  private readonly jars = new Map<string, Map<string, string>>();

  /** Requests `url` with this walker's cookies for its host; stores the cookies it sets. */
  async get(url: string): Promise<Response> {
    const host = new URL(url).host;
    const jar = this.jars.get(host) ?? new Map<string, string>();
    this.jars.set(host, jar);
    const response = await fetch(url, {
      redirect: "manual",
      headers: jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } : {},
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(header) || value === "") jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  /** Follows redirects from `url` until one points at a URL `stopAt` accepts; answers that URL. */
  async walk(url: string, stopAt: (url: URL) => boolean): Promise<URL> {
    let current = new URL(url);
    for (let hops = 0; hops < 10; hops++) {
      if (stopAt(current)) return current;
      const response = await this.get(current.href);
      const location = response.headers.get("location");
      if (!location)
        throw new Error(`${current.href} answered ${response.status} without a redirect`);
      current = new URL(location, current);
    }
    throw new Error("too many redirects");
  }

  /** The cookie header this walker sends to `host` (e.g. Sesame's, for a refresh after the callback). */
  cookiesFor(host: string): string {
    return [...(this.jars.get(host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}
