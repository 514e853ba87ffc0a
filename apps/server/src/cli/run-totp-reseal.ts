import { randomBytes } from "node:crypto";
import { resealTotpSecrets, type TotpResealReport, TotpSecretBox } from "@sesame/auth";
import { openStorage } from "@sesame/db";
import type { Env } from "../env.ts";
import type { KeysCommandIo } from "./keys-command-io.ts";
import { readServerSecret } from "./read-server-secret.ts";

/**
 * `pnpm keys totp-reseal`: seals every TOTP secret that is under a previous
 * key (TOTP_ENCRYPTION_KEYS_PREVIOUS) again under the current one
 * (TOTP_ENCRYPTION_KEY, or the server secret's), with the server's own
 * environment, beside running servers. Once it reports nothing left under a
 * previous key, those keys can be dropped. Names keys by id only. Answers the
 * exit code: 1 when some secret did not open (its key is not configured).
 */
export async function runTotpReseal(env: Env, io: KeysCommandIo): Promise<number> {
  const storage = await openStorage(env.DATABASE_URL, { poolSize: 1 });
  try {
    const keys = { current: env.TOTP_ENCRYPTION_KEY, previous: env.TOTP_ENCRYPTION_KEYS_PREVIOUS };
    const usesServerSecret = keys.current === undefined || keys.previous.includes("server-secret");
    // Read only when a key is the server secret's; otherwise no key derives from it.
    const serverSecret = usesServerSecret ? readServerSecret(env, storage) : randomBytes(32);
    const box = new TotpSecretBox(serverSecret, keys);
    const report = await resealTotpSecrets(storage.secondFactors, box);
    for (const line of describeReport(report, box.currentKeyId)) io.out(line);
    if (report.unopened.length === 0) return 0;
    for (const line of describeUnopened(report.unopened)) io.err(line);
    return 1;
  } catch (error) {
    io.err((error as Error).message);
    return 1;
  } finally {
    await storage.close();
  }
}

function describeReport(report: TotpResealReport, currentKeyId: string): string[] {
  const lines = [
    `TOTP secrets sealed again under key ${currentKeyId}: ${report.resealed}; already under it: ${report.alreadyCurrent}; changed meanwhile (left as their owner made them): ${report.changedMeanwhile}.`,
  ];
  if (report.unopened.length === 0) {
    lines.push(
      "None is under a previous key now: once every server runs with this TOTP_ENCRYPTION_KEY, TOTP_ENCRYPTION_KEYS_PREVIOUS can be emptied.",
    );
  }
  return lines;
}

function describeUnopened(unopened: TotpResealReport["unopened"]): string[] {
  return [
    `${unopened.length} TOTP secret(s) did not open; their owners' codes answer MFA_UNAVAILABLE until they do:`,
    ...unopened.map(({ userId, kind, keyId }) =>
      kind === "invalid"
        ? `  user ${userId}: does not open under its key ${keyId} (altered, or moved from another account)`
        : keyId === null
          ? `  user ${userId}: sealed before key ids, under a server secret no configured key is`
          : `  user ${userId}: under key ${keyId}, which is not configured`,
    ),
    "Add the keys they need to TOTP_ENCRYPTION_KEYS_PREVIOUS (server-secret for the server secret's) and run this again.",
  ];
}
