import { RefreshCookie } from "./refresh-cookie.ts";

/** A year: browsers cap cookie lifetimes near 400 days, and a device that stays away longer signs in as new. */
export const DEVICE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60;

/**
 * The browser's device token (the auth core's device-tokens.ts): with the
 * same attributes as the refresh cookie (httpOnly, Secure, SameSite=Strict,
 * `__Host-` over HTTPS), but it outlives sessions — it says "this browser has
 * signed in to this account before", so floods against the account do not
 * lock it out. It grants nothing by itself.
 */
export class DeviceCookie extends RefreshCookie {
  constructor(https: boolean) {
    super(https, "sesame_device");
  }
}
