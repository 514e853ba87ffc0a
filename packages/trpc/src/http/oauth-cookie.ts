import { parse, serialize } from "hono/utils/cookie";

/** How long a browser has to come back from the provider. */
const MAX_AGE_SECONDS = 10 * 60;

/**
 * Binds an authorization request to the browser that started it: a random
 * value only that browser holds, whose hash the request's state row keeps.
 * `SameSite=Lax`, so the provider's top-level redirect back carries it
 * (Strict would not); httpOnly, and only on the OAuth paths.
 */
export class OAuthCookie {
  readonly name: string;

  constructor(https: boolean) {
    this.name = https ? "__Secure-sesame_oauth" : "sesame_oauth";
  }

  read(cookieHeader: string | null): string | undefined {
    if (!cookieHeader) return undefined;
    return parse(cookieHeader, this.name)[this.name] || undefined;
  }

  set(value: string): string {
    return serialize(this.name, value, { ...this.attributes(), maxAge: MAX_AGE_SECONDS });
  }

  clear(): string {
    return serialize(this.name, "", { ...this.attributes(), maxAge: 0 });
  }

  private attributes() {
    return { httpOnly: true, secure: true, sameSite: "Lax", path: "/auth/oauth" } as const;
  }
}
