/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; the scheme in any case). */
export function bearerToken(header: string | null): string | undefined {
  if (!header || header.length < 8 || header.slice(0, 7).toLowerCase() !== "bearer ") {
    return undefined;
  }
  return header.slice(7).trim() || undefined;
}
