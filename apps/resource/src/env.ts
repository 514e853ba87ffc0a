import { z } from "zod";

/**
 * Settings of the notes service, read once at start; nothing else reads
 * `process.env`. It needs only where Sesame is: no secret is shared for
 * verifying tokens. To learn of logouts it also needs a receiver id and
 * secret that Sesame knows (its SECURITY_EVENT_RECEIVERS): both or neither.
 */
export const resourceEnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().min(1).default("127.0.0.1"),
    /** Sesame's issuer (its PUBLIC_URL): tokens must carry exactly this `iss`; keys are discovered from it. */
    SESAME_ISSUER: z.url(),
    /** Skip discovery and fetch the keys from here. */
    SESAME_JWKS_URL: z.url().optional(),
    /** The `aud` Sesame puts in access tokens (its JWT_AUDIENCE). */
    SESAME_AUDIENCE: z.string().min(1).default("sesame"),
    /** This service's receiver at Sesame's revocation feed: its id (the `aud` of its events)… */
    SESAME_RECEIVER_ID: z.string().min(1).optional(),
    /** …and its secret. */
    SESAME_RECEIVER_SECRET: z.string().min(32).optional(),
    CLOCK_TOLERANCE: z.coerce.number().int().min(0).default(30),
  })
  .refine(
    (env) => (env.SESAME_RECEIVER_ID === undefined) === (env.SESAME_RECEIVER_SECRET === undefined),
    {
      message: "Set both SESAME_RECEIVER_ID and SESAME_RECEIVER_SECRET, or neither.",
      path: ["SESAME_RECEIVER_SECRET"],
    },
  );

export type ResourceEnv = z.infer<typeof resourceEnvSchema>;

/** Parses the environment, or throws one readable error naming every bad variable. */
export function readResourceEnv(
  source: Record<string, string | undefined> = process.env,
): ResourceEnv {
  const parsed = resourceEnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `  ${issue.path.join(".")}: ${issue.message}`)
      .join("\n");
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return parsed.data;
}
