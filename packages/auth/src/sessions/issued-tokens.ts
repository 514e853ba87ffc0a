import type { User } from "@sesame/contracts";

/** A fresh token pair; the transport decides where the refresh token travels. */
export interface IssuedTokens {
  accessToken: string;
  /** Epoch seconds. */
  accessTokenExpiresAt: number;
  refreshToken: string;
  /** Epoch seconds. */
  refreshTokenExpiresAt: number;
  sessionId: string;
  user: User;
  /** At sign-in: the device token this client should keep for its next sign-ins (device-tokens.ts). */
  deviceToken?: string;
}
