import { type PollRequest, RECEIVER_INSTANCE_PATTERN } from "@sesame/verify/rules";
import { z } from "zod";

const jti = z.string().min(1).max(256);
const MAX_IDS = 1000;

/**
 * RFC 8936 §2.4: what a receiver may post. Members this version does not
 * know are ignored (the RFC lets a request carry more); a known member of
 * the wrong shape is refused, as are lists long enough to be abuse.
 */
const pollRequestSchema = z.object({
  ack: z.array(jti).max(MAX_IDS).optional(),
  setErrs: z
    .record(
      jti,
      z.object({ err: z.string().max(256), description: z.string().max(2048).optional() }),
    )
    .refine((errors) => Object.keys(errors).length <= MAX_IDS, `at most ${MAX_IDS} setErrs`)
    .optional(),
  maxEvents: z.number().int().min(0).max(10_000).optional(),
  returnImmediately: z.boolean().optional(),
});

export type PollRequestResult =
  | { ok: true; request: PollRequest; instance: string }
  | { ok: false; description: string };

/**
 * A poll's body and its receiver-instance header, checked: a typed refusal
 * (RFC 8936 `invalid_request`) for anything else, never a throw. Without the
 * header, the receiver has one instance.
 */
export function parsePollRequest(body: unknown, instance: string | undefined): PollRequestResult {
  if (instance !== undefined && !RECEIVER_INSTANCE_PATTERN.test(instance)) {
    return {
      ok: false,
      description: "The receiver instance must be 1 to 64 base64url characters.",
    };
  }
  const parsed = pollRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return { ok: false, description: `${where}${issue?.message ?? "not a poll request"}` };
  }
  return { ok: true, request: parsed.data, instance: instance ?? "" };
}
