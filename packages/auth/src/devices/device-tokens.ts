import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

const INFO = "sesame/device-token/v1";
const PREFIX = "d1";

/**
 * OWASP's device cookie: a browser or app that has signed in to an account
 * before gets a signed, per-device token naming that account. Its password
 * attempts are throttled on the device alone, so an attacker who floods an
 * account with wrong passwords locks out only clients that never signed in
 * to it, never its owner's known devices. The token is stateless (an HMAC
 * under a key derived from the server secret): nothing to store, nothing a
 * database copy could forge.
 */
export class DeviceTokens {
  private readonly key: Buffer;

  constructor(serverSecret: Uint8Array) {
    this.key = Buffer.from(hkdfSync("sha256", serverSecret, new Uint8Array(0), INFO, 32));
  }

  issue(userId: string): string {
    const nonce = randomBytes(16).toString("base64url");
    return `${PREFIX}.${userId}.${nonce}.${this.mac(userId, nonce)}`;
  }

  /** The device's id if `token` is one of ours for `userId`, else undefined. */
  deviceOf(token: string | undefined, userId: string): string | undefined {
    if (!token || token.length > 256) return undefined;
    const [prefix, tokenUser, nonce, mac, ...rest] = token.split(".");
    if (prefix !== PREFIX || rest.length > 0 || !nonce || !mac || tokenUser !== userId) {
      return undefined;
    }
    const expected = Buffer.from(this.mac(userId, nonce));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return nonce;
  }

  private mac(userId: string, nonce: string): string {
    return createHmac("sha256", this.key).update(`${userId}.${nonce}`).digest("base64url");
  }
}
