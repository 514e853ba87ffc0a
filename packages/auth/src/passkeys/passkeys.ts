import { randomBytes } from "node:crypto";
import type { Passkey, PasskeyLoginStart } from "@sesame/contracts";
import { AuthError } from "@sesame/contracts";
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { toPasskey } from "../accounts/to-wire.ts";
import type { AuthConfig } from "../auth-config.ts";
import type { AuthDeps } from "../auth-deps.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { IssuedTokens } from "../sessions/issued-tokens.ts";
import { dpopThumbprint, startSession } from "../sessions/start-session.ts";
import type { WebAuthnChallengeRecord } from "../storage.ts";

/** How long a ceremony may take, from the options to the response. */
export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60 * 1000;

/** The relying party: configured, or the issuer's host and origin. */
export function relyingParty(config: AuthConfig): {
  rpId: string;
  rpName: string;
  origins: string[];
} {
  if (config.webauthn) return config.webauthn;
  const issuer = new URL(config.issuer);
  return { rpId: issuer.hostname, rpName: issuer.hostname, origins: [issuer.origin] };
}

/**
 * Passkeys (WebAuthn) through @simplewebauthn/server. The relying party id
 * and the origins a ceremony may come from are configuration, never read
 * from the request; challenges are stored server-side, single use, five
 * minutes; user verification is required, so a passkey alone is two factors
 * (something you have, unlocked by something you are or know) and its
 * sign-in satisfies MFA. A signature counter that goes backwards means a
 * cloned authenticator: the sign-in is refused and audited.
 */
export class Passkeys {
  constructor(private readonly deps: AuthDeps) {}

  /** The options for `navigator.credentials.create()`, excluding the user's passkeys. */
  async beginRegistration(userId: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { storage } = this.deps;
    const user = await storage.users.findById(userId);
    if (!user || user.disabledAt !== null) throw new AuthError("SESSION_REVOKED");
    const existing = await storage.passkeys.listForUser(userId);
    const rp = relyingParty(this.deps.config);
    const options = await generateRegistrationOptions({
      rpName: rp.rpName,
      rpID: rp.rpId,
      userName: user.email,
      // The WebAuthn user handle: the account's random id, never the address.
      userID: new TextEncoder().encode(user.id),
      challenge: newChallenge(),
      attestationType: "none",
      excludeCredentials: existing.map((passkey) => ({
        id: passkey.id,
        transports: passkey.transports,
      })),
      authenticatorSelection: { residentKey: "required", userVerification: "required" },
    });
    await this.storeChallenge({ challenge: options.challenge, purpose: "registration", userId });
    return options;
  }

  async finishRegistration(
    userId: string,
    sessionId: string,
    response: RegistrationResponseJSON,
    name: string | undefined,
    meta: RequestMeta,
  ): Promise<{ id: string }> {
    const challenge = await this.consumeChallenge(response.response.clientDataJSON, "registration");
    if (challenge.userId !== userId) throw new AuthError("PASSKEY_INVALID");
    const rp = relyingParty(this.deps.config);
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpId,
      requireUserVerification: true,
    }).catch(() => undefined);
    if (!verified?.verified) throw new AuthError("PASSKEY_INVALID");
    const info = verified.registrationInfo;
    const now = this.deps.clock.now();
    const created = await this.deps.storage.passkeys.create(
      {
        id: info.credential.id,
        userId,
        publicKey: Buffer.from(info.credential.publicKey).toString("base64url"),
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        name: name ?? null,
        createdAt: now,
        lastUsedAt: null,
      },
      { type: "passkey_added", at: now, userId, sessionId, ip: meta.ip, userAgent: meta.userAgent },
    );
    if (created === "exists") throw new AuthError("PASSKEY_INVALID");
    return { id: info.credential.id };
  }

  async list(userId: string): Promise<Passkey[]> {
    return (await this.deps.storage.passkeys.listForUser(userId)).map(toPasskey);
  }

  async remove(userId: string, sessionId: string, id: string, meta: RequestMeta): Promise<void> {
    const now = this.deps.clock.now();
    const removed = await this.deps.storage.passkeys.remove(userId, id, {
      type: "passkey_removed",
      at: now,
      userId,
      sessionId,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    if (!removed) throw new AuthError("PASSKEY_NOT_FOUND");
  }

  /** A sign-in without an email typed: any passkey of this relying party may answer (discoverable). */
  async beginLogin(): Promise<PasskeyLoginStart> {
    const options = await generateAuthenticationOptions({
      rpID: relyingParty(this.deps.config).rpId,
      challenge: newChallenge(),
      userVerification: "required",
    });
    await this.storeChallenge({
      challenge: options.challenge,
      purpose: "authentication",
      userId: null,
    });
    return { challengeId: options.challenge, options };
  }

  async finishLogin(
    challengeId: string,
    response: AuthenticationResponseJSON,
    meta: RequestMeta,
    deviceToken?: string,
  ): Promise<IssuedTokens> {
    const dpopJkt = await dpopThumbprint(this.deps, meta);
    const { storage, clock, devices, audit } = this.deps;
    const challenge = await storage.webauthnChallenges.consume(challengeId);
    if (challenge?.purpose !== "authentication" || challenge.expiresAt <= clock.now()) {
      throw new AuthError("PASSKEY_INVALID");
    }
    const passkey = await storage.passkeys.findById(response.id);
    if (!passkey) throw new AuthError("PASSKEY_INVALID");
    const handle = response.response.userHandle;
    if (
      handle !== undefined &&
      Buffer.from(handle, "base64url").toString("utf8") !== passkey.userId
    ) {
      throw new AuthError("PASSKEY_INVALID");
    }
    const rp = relyingParty(this.deps.config);
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpId,
      // The counter is compared below, once the signature is known to be good:
      // only a signed response may be audited as a cloned authenticator.
      credential: {
        id: passkey.id,
        publicKey: Buffer.from(passkey.publicKey, "base64url"),
        counter: 0,
      },
      requireUserVerification: true,
    }).catch(() => undefined);
    if (!verified?.verified) throw new AuthError("PASSKEY_INVALID");
    const { newCounter, credentialBackedUp } = verified.authenticationInfo;
    const now = clock.now();
    const used = await storage.passkeys.recordUse({
      id: passkey.id,
      counter: newCounter,
      backedUp: credentialBackedUp,
      now,
    });
    if (!used) {
      await audit.record("passkey_counter_regressed", { userId: passkey.userId }, meta);
      throw new AuthError("PASSKEY_INVALID");
    }
    const user = await storage.users.findById(passkey.userId);
    if (!user) throw new AuthError("PASSKEY_INVALID");
    if (user.disabledAt !== null) throw new AuthError("ACCOUNT_DISABLED");
    const deviceId = devices.deviceOf(deviceToken, user.id);
    return startSession(this.deps, user, meta, {
      event: "login_succeeded",
      dpopJkt,
      // RFC 8176: a key in hardware, or a synced (software-held) one; user verification makes it two factors.
      amr: [passkey.deviceType === "singleDevice" ? "hwk" : "swk", "mfa"],
      deviceToken: deviceId ? deviceToken : undefined,
    });
  }

  private storeChallenge(challenge: Omit<WebAuthnChallengeRecord, "expiresAt">): Promise<void> {
    const expiresAt = this.deps.clock.now() + WEBAUTHN_CHALLENGE_TTL_MS;
    return this.deps.storage.webauthnChallenges.issue({ ...challenge, expiresAt });
  }

  /** The registration challenge named in the response's client data, consumed; `PASSKEY_INVALID` if it is not live. */
  private async consumeChallenge(
    clientDataJSON: string,
    purpose: WebAuthnChallengeRecord["purpose"],
  ): Promise<WebAuthnChallengeRecord> {
    let named: unknown;
    try {
      named = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8")).challenge;
    } catch {
      throw new AuthError("PASSKEY_INVALID");
    }
    if (typeof named !== "string" || named.length > 128) throw new AuthError("PASSKEY_INVALID");
    const challenge = await this.deps.storage.webauthnChallenges.consume(named);
    if (
      !challenge ||
      challenge.purpose !== purpose ||
      challenge.expiresAt <= this.deps.clock.now()
    ) {
      throw new AuthError("PASSKEY_INVALID");
    }
    return challenge;
  }
}

/** 32 random bytes, base64url: the challenge, and the key it is stored under. */
function newChallenge(): string {
  return randomBytes(32).toString("base64url");
}
