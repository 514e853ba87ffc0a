import type { SesameRole, VerifiedAccessClaims } from "./tokens/verify-access-token.ts";

/** Who is calling, as Sesame's own procedures see it: `ctx.user`. */
export interface VerifiedUser {
  id: string;
  role: SesameRole;
}

/** The session the token belongs to: `ctx.session`. */
export interface VerifiedSession {
  id: string;
  /** Epoch seconds: the token's `exp`. */
  expiresAt: number;
  /** RFC 8176 methods of the sign-in, e.g. `["pwd", "otp", "mfa"]`. */
  amr: string[];
}

/** The same shapes Sesame's `protectedProcedure` gives, so code moves between the two unchanged. */
export function identityOf(claims: VerifiedAccessClaims): {
  user: VerifiedUser;
  session: VerifiedSession;
} {
  return {
    user: { id: claims.sub, role: claims.role },
    session: { id: claims.sid, expiresAt: claims.exp, amr: claims.amr },
  };
}
