import { useOutletContext } from "react-router";

/**
 * What the signed-in frame knows and its pages may ask: whether the server
 * has said this session needs a second factor before it may do anything
 * else (MFA_ENROLLMENT_REQUIRED). It lives as long as the frame, so it is
 * forgotten at sign-out: the next session, signed in with a code, has one.
 */
export interface ShellContext {
  mfaEnrolmentRequired: boolean;
}

export function useShellContext(): ShellContext {
  return useOutletContext<ShellContext | undefined>() ?? { mfaEnrolmentRequired: false };
}
