import { parse, serialize } from "hono/utils/cookie";

/**
 * The one cookie Sesame sets: the refresh token, httpOnly so scripts never see
 * it, `SameSite=Strict` and `Secure` (browsers accept Secure cookies from
 * http://localhost, so local use works too), `Path=/` and no `Domain`. Over
 * HTTPS it takes the `__Host-` prefix, which makes the browser enforce exactly
 * those attributes (RFC 6265bis §4.1.3.2). Max-Age never exceeds the
 * session's remaining life.
 */
export class RefreshCookie {
  readonly name: string;

  constructor(https: boolean, baseName = "sesame_refresh") {
    this.name = https ? `__Host-${baseName}` : baseName;
  }

  read(cookieHeader: string | null): string | undefined {
    if (!cookieHeader) return undefined;
    const value = parse(cookieHeader, this.name)[this.name];
    return value || undefined;
  }

  set(token: string, maxAgeSeconds: number): string {
    return serialize(this.name, token, {
      ...this.attributes(),
      maxAge: Math.max(0, maxAgeSeconds),
    });
  }

  /** Same attributes and `Max-Age=0`: the browser drops it at once. */
  clear(): string {
    return serialize(this.name, "", { ...this.attributes(), maxAge: 0 });
  }

  private attributes() {
    return { httpOnly: true, secure: true, sameSite: "Strict", path: "/" } as const;
  }
}
