/**
 * The procedures of Sesame's router that the client itself names, as paths
 * in the host's tRPC router. A team that mounts Sesame under a key of its
 * own (`sesame: sesameRouter`) says so once, and every call, every "needs no
 * token" and every "carries a proof" follows.
 */
export interface SesameProcedures {
  register: string;
  login: string;
  refresh: string;
  logout: string;
  /** The second step of a sign-in (the code after MFA_REQUIRED). */
  verifyMfa: string;
  beginPasskeyLogin: string;
  finishPasskeyLogin: string;
  requestPasswordReset: string;
  resetPassword: string;
  requestSignInLink: string;
  signInWithLink: string;
  verifyEmail: string;
  confirmEmailChange: string;
}

/** Where Sesame's own server mounts them: its router is the root. */
export const DEFAULT_PROCEDURES: Readonly<SesameProcedures> = Object.freeze({
  register: "auth.register",
  login: "auth.login",
  refresh: "auth.refresh",
  logout: "auth.logout",
  verifyMfa: "auth.verifyMfa",
  beginPasskeyLogin: "auth.beginPasskeyLogin",
  finishPasskeyLogin: "auth.finishPasskeyLogin",
  requestPasswordReset: "auth.requestPasswordReset",
  resetPassword: "auth.resetPassword",
  requestSignInLink: "auth.requestSignInLink",
  signInWithLink: "auth.signInWithLink",
  verifyEmail: "auth.verifyEmail",
  confirmEmailChange: "auth.confirmEmailChange",
});

export interface ProcedureOptions {
  /** The key Sesame's router is mounted under (`"sesame"` → `sesame.auth.refresh`); none at the root. */
  prefix?: string;
  /** Single paths, in full, for a router that places some elsewhere; the prefix does not apply to these. */
  paths?: Partial<SesameProcedures>;
}

/** The paths for a router that mounts Sesame as `options` say. */
export function sesameProcedures(options: ProcedureOptions = {}): SesameProcedures {
  const prefix = options.prefix ? `${options.prefix.replace(/\.$/, "")}.` : "";
  const prefixed = Object.fromEntries(
    Object.entries(DEFAULT_PROCEDURES).map(([name, path]) => [name, prefix + path]),
  ) as unknown as SesameProcedures;
  return { ...prefixed, ...options.paths };
}

/**
 * The calls a visitor makes before there is a session: they carry no access
 * token, never wait for the refresh under way, and a refusal is theirs to
 * show, not a reason to refresh. That is every procedure the client names.
 */
export function publicProcedures(procedures: SesameProcedures): string[] {
  return Object.values(procedures);
}

/**
 * The calls that carry a DPoP proof: every one that starts a session (it is
 * bound to the key), and the refresh that must show it. Not
 * `beginPasskeyLogin`: it only hands out a challenge and binds nothing.
 */
export function proofProcedures(procedures: SesameProcedures): string[] {
  return [
    procedures.register,
    procedures.login,
    procedures.signInWithLink,
    procedures.verifyMfa,
    procedures.finishPasskeyLogin,
    procedures.refresh,
  ];
}
