import { createHash, randomBytes } from "node:crypto";
import type { Identity, OAuthProvider } from "@sesame/contracts";
import { AuthError } from "@sesame/contracts";
import * as client from "openid-client";
import type { AuthDeps } from "../auth-deps.ts";
import { requireSecondFactorIfEnrolled } from "../mfa/mfa-challenge.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { IssuedTokens } from "../sessions/issued-tokens.ts";
import { startSession } from "../sessions/start-session.ts";
import type { AuditRecord, IdentityRecord, OAuthStateRecord, UserRecord } from "../storage.ts";
import type { ProviderClient, ProviderProfile } from "./provider-profile.ts";

/** How long the round trip to the provider may take. */
export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

/** RFC 8176 registers no method for a sign-in federated from another provider; this one names it. */
const FEDERATED_AMR = "fed";

/** Where a finished authorization leads: a session, or an identity added to the signed-in account. */
export type OAuthOutcome =
  | { kind: "signed_in"; issued: IssuedTokens; returnTo: string }
  | { kind: "linked"; returnTo: string };

/** How a start is bound: to the browser that began it (a cookie's value), or to a native app's redirect URI. */
export type OAuthBinding = { browserSecret: string } | { nativeRedirectUri: string };

/**
 * Sign-in with Google, GitHub and any OpenID Connect provider: the result is
 * a normal session, whichever way the person came in. The authorization
 * request's state, PKCE verifier and nonce live in a server-side row keyed
 * by the state's hash, single use, ten minutes, bound to the browser that
 * started (a cookie only it holds) or to a native app's allow-listed
 * redirect URI. An identity joins an existing account only when both the
 * provider and Sesame have verified the address; otherwise `ACCOUNT_EXISTS`,
 * and the owner signs in and links it from the account page.
 */
export class OAuthSignIn {
  constructor(
    private readonly deps: AuthDeps,
    private readonly clients: Map<string, ProviderClient>,
    /** Native apps' redirect URIs (RFC 8252: a custom scheme or loopback), exactly as allowed. */
    private readonly nativeRedirectUris: readonly string[],
  ) {}

  providers(): OAuthProvider[] {
    return [...this.clients.values()].map(({ id, name }) => ({ id, name }));
  }

  /**
   * The provider's authorization URL for a new request. `callbackUri` is the
   * server's own callback for browsers; a native app's redirect URI must be
   * on the allow-list.
   */
  async start(request: {
    provider: string;
    callbackUri: string;
    returnTo: string;
    binding: OAuthBinding;
    linkUserId?: string;
  }): Promise<URL> {
    const provider = this.client(request.provider);
    const redirectUri = this.redirectUriOf(request.binding, request.callbackUri);
    const state = client.randomState();
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    await this.deps.storage.oauthStates.issue({
      stateHash: sha256(state),
      provider: provider.id,
      codeVerifier,
      nonce,
      returnTo: request.returnTo,
      redirectUri: "nativeRedirectUri" in request.binding ? redirectUri : null,
      browserHash:
        "browserSecret" in request.binding ? sha256(request.binding.browserSecret) : null,
      linkUserId: request.linkUserId ?? null,
      expiresAt: this.deps.clock.now() + OAUTH_STATE_TTL_MS,
    });
    return provider.authorizationUrl({
      redirectUri,
      state,
      nonce,
      codeChallenge: await client.calculatePKCECodeChallenge(codeVerifier),
    });
  }

  /**
   * The callback: the state must be live, this provider's and bound to this
   * browser (or this native redirect); then the code exchange and the ID
   * token checks; then the identity signs in, joins, creates or is linked.
   */
  async finish(
    request: {
      provider: string;
      callbackUrl: URL;
      callbackUri: string;
      binding: OAuthBinding;
    },
    meta: RequestMeta,
    deviceToken?: string,
  ): Promise<OAuthOutcome> {
    const provider = this.client(request.provider);
    const state = request.callbackUrl.searchParams.get("state");
    const stored = state ? await this.deps.storage.oauthStates.consume(sha256(state)) : undefined;
    if (!stored || !state || !this.matches(stored, provider, request.binding)) {
      throw new AuthError("OAUTH_STATE_INVALID");
    }
    const redirectUri = stored.redirectUri ?? request.callbackUri;
    let profile: ProviderProfile;
    try {
      profile = await provider.profile(request.callbackUrl, {
        state,
        nonce: stored.nonce,
        codeVerifier: stored.codeVerifier,
        redirectUri,
      });
    } catch {
      throw new AuthError("OAUTH_FAILED");
    }
    if (stored.linkUserId !== null) {
      await this.link(stored.linkUserId, provider.id, profile, meta);
      return { kind: "linked", returnTo: stored.returnTo };
    }
    const issued = await this.signIn(provider.id, profile, meta, deviceToken);
    return { kind: "signed_in", issued, returnTo: stored.returnTo };
  }

  async list(userId: string): Promise<Identity[]> {
    const identities = await this.deps.storage.identities.listForUser(userId);
    return identities.map((identity) => ({
      provider: identity.provider,
      name: this.clients.get(identity.provider)?.name ?? identity.provider,
      email: identity.email,
      createdAt: new Date(identity.createdAt).toISOString(),
      lastUsedAt: identity.lastUsedAt === null ? null : new Date(identity.lastUsedAt).toISOString(),
    }));
  }

  /** Refuses to remove the account's last way in (`LAST_SIGN_IN_METHOD`). */
  async unlink(
    userId: string,
    sessionId: string,
    provider: string,
    meta: RequestMeta,
  ): Promise<void> {
    const now = this.deps.clock.now();
    const outcome = await this.deps.storage.identities.unlink(userId, provider, {
      type: "identity_unlinked",
      at: now,
      userId,
      sessionId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      detail: { provider },
    });
    if (outcome === "not_found") throw new AuthError("IDENTITY_NOT_FOUND");
    if (outcome === "last_method") throw new AuthError("LAST_SIGN_IN_METHOD");
  }

  private async signIn(
    provider: string,
    profile: ProviderProfile,
    meta: RequestMeta,
    deviceToken?: string,
  ): Promise<IssuedTokens> {
    const { storage, clock } = this.deps;
    const now = clock.now();
    const known = await storage.identities.find(provider, profile.subject);
    let user: UserRecord | undefined;
    if (known) {
      user = await storage.users.findById(known.userId);
      if (!user) throw new AuthError("OAUTH_FAILED");
    } else {
      user = await this.joinOrCreate(provider, profile, meta, now);
    }
    if (user.disabledAt !== null) throw new AuthError("ACCOUNT_DISABLED");
    if (this.deps.config.requireEmailVerification && user.emailVerifiedAt === null) {
      throw new AuthError("EMAIL_NOT_VERIFIED");
    }
    await storage.identities.touch(provider, profile.subject, now);
    await requireSecondFactorIfEnrolled(this.deps, user, [FEDERATED_AMR]);
    const deviceId = this.deps.devices.deviceOf(deviceToken, user.id);
    return startSession(this.deps, user, meta, {
      event: "oauth_sign_in",
      dpopJkt: null,
      amr: [FEDERATED_AMR],
      deviceToken: deviceId ? deviceToken : undefined,
      detail: { provider },
    });
  }

  /**
   * A first sign-in with this identity: it joins the account that has its
   * address only when both sides verified that address (else anyone could
   * claim an account by adding its address, unverified, at some provider);
   * with no such account, it makes one, without a password.
   */
  private async joinOrCreate(
    provider: string,
    profile: ProviderProfile,
    meta: RequestMeta,
    now: number,
  ): Promise<UserRecord> {
    const { storage, ids } = this.deps;
    if (profile.email === null) throw new AuthError("OAUTH_FAILED");
    const identity = this.identityOf(provider, profile, "", now);
    const existing = await storage.users.findByEmail(profile.email);
    if (existing) {
      if (!profile.emailVerified || existing.emailVerifiedAt === null) {
        throw new AuthError("ACCOUNT_EXISTS");
      }
      const linked = await storage.identities.link(
        { ...identity, userId: existing.id },
        this.auditOf("identity_linked", existing.id, provider, meta, now),
      );
      if (linked !== "linked") throw new AuthError("ACCOUNT_EXISTS");
      return existing;
    }
    const user: UserRecord = {
      id: ids.id(),
      email: profile.email,
      name: null,
      role: "user",
      passwordHash: null,
      createdAt: now,
      updatedAt: now,
      disabledAt: null,
      credentialVersion: 0,
      emailVerifiedAt: profile.emailVerified ? now : null,
    };
    const created = await storage.identities.createUserWithIdentity(
      user,
      { ...identity, userId: user.id },
      this.auditOf("register", user.id, provider, meta, now),
    );
    if (created === "email_taken") throw new AuthError("ACCOUNT_EXISTS");
    if (created === "identity_taken") {
      // Another callback of the same person won the race: sign in as what it made.
      const winner = await storage.identities.find(provider, profile.subject);
      const user = winner && (await storage.users.findById(winner.userId));
      if (!user) throw new AuthError("OAUTH_FAILED");
      return user;
    }
    return user;
  }

  private async link(
    userId: string,
    provider: string,
    profile: ProviderProfile,
    meta: RequestMeta,
  ): Promise<void> {
    const now = this.deps.clock.now();
    const outcome = await this.deps.storage.identities.link(
      this.identityOf(provider, profile, userId, now),
      this.auditOf("identity_linked", userId, provider, meta, now),
    );
    if (outcome !== "linked") throw new AuthError("IDENTITY_TAKEN");
  }

  private identityOf(
    provider: string,
    profile: ProviderProfile,
    userId: string,
    now: number,
  ): IdentityRecord {
    return {
      provider,
      subject: profile.subject,
      userId,
      email: profile.email,
      emailVerified: profile.emailVerified,
      createdAt: now,
      lastUsedAt: now,
    };
  }

  /** The event of an identity joining an account, or of the account it made; it names the provider. */
  private auditOf(
    type: "identity_linked" | "register",
    userId: string,
    provider: string,
    meta: RequestMeta,
    now: number,
  ): AuditRecord {
    return {
      type,
      at: now,
      userId,
      sessionId: null,
      ip: meta.ip,
      userAgent: meta.userAgent,
      detail: { provider },
    };
  }

  private client(id: string): ProviderClient {
    const provider = this.clients.get(id);
    if (!provider) throw new AuthError("OAUTH_PROVIDER_UNKNOWN");
    return provider;
  }

  private redirectUriOf(binding: OAuthBinding, callbackUri: string): string {
    if (!("nativeRedirectUri" in binding)) return callbackUri;
    if (!this.nativeRedirectUris.includes(binding.nativeRedirectUri)) {
      throw new AuthError("OAUTH_REDIRECT_URI_INVALID");
    }
    return binding.nativeRedirectUri;
  }

  private matches(
    stored: OAuthStateRecord,
    provider: ProviderClient,
    binding: OAuthBinding,
  ): boolean {
    if (stored.provider !== provider.id || stored.expiresAt <= this.deps.clock.now()) return false;
    if ("browserSecret" in binding) {
      return stored.browserHash !== null && stored.browserHash === sha256(binding.browserSecret);
    }
    return stored.redirectUri !== null && stored.redirectUri === binding.nativeRedirectUri;
  }
}

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}

/** A random secret for the browser-binding cookie. */
export function newBrowserSecret(): string {
  return randomBytes(32).toString("base64url");
}
