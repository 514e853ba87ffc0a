import { z } from "zod";

/** Hosts an `http:` provider may live on: this machine only (local providers, tests). */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** `https:`, or `http:` on loopback. */
const providerUrl = z
  .url({ protocol: /^https?$/ })
  .refine((url) => url.startsWith("https:") || LOOPBACK.has(new URL(url).hostname), {
    message: "must be https: (http: only on localhost)",
  });

/**
 * One entry of `OAUTH_PROVIDERS`. `google` and `github` are presets;
 * any other id is an OpenID Connect provider found by discovery at `issuer`.
 * `endpoints` (an extension) points the GitHub preset at another host, such
 * as GitHub Enterprise or a local stand-in.
 */
export const oauthProviderConfigSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "lowercase letters, digits and dashes"),
  /** The button's words: "Continue with <name>". */
  name: z.string().min(1).max(64).optional(),
  issuer: providerUrl.optional(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scopes: z.array(z.string().min(1)).optional(),
  endpoints: z
    .object({ authorization: providerUrl, token: providerUrl, api: providerUrl })
    .optional(),
});
export type OAuthProviderConfig = z.infer<typeof oauthProviderConfigSchema>;

export const oauthProvidersSchema = z
  .array(oauthProviderConfigSchema)
  .refine(
    (list) => new Set(list.map((p) => p.id)).size === list.length,
    "provider ids must be unique",
  )
  .refine(
    (list) => list.every((p) => p.id === "google" || p.id === "github" || p.issuer !== undefined),
    "a provider other than google or github needs an issuer",
  );
