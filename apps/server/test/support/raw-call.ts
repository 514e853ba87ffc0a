/** One tRPC procedure called over plain HTTP, so a test controls every header (User-Agent, DPoP, Cookie). */
export async function rawCall(
  url: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${url}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(input ?? {}),
  });
  const body = (await response.json()) as {
    result?: { data: Record<string, unknown> };
    error?: { data: { authCode?: string } };
  };
  return {
    status: response.status,
    data: body.result?.data as Record<string, unknown> & {
      refreshToken?: string;
      accessToken?: string;
    },
    authCode: body.error?.data.authCode,
    setCookies: response.headers.getSetCookie(),
  };
}

/** The `name=value` of a Set-Cookie list's cookie `name`, if set (and not cleared). */
export function cookieFrom(setCookies: string[], name: string): string | undefined {
  for (const header of setCookies) {
    const [pair = ""] = header.split(";");
    if (pair.startsWith(`${name}=`) && pair.length > name.length + 1) return pair;
  }
  return undefined;
}
