import type { SecondFactorStore } from "../storage.ts";
import type { TotpSecretBox } from "./totp-secret-box.ts";

/** What a pass of `resealTotpSecrets` did, factor by factor. */
export interface TotpResealReport {
  /** Sealed again under the current key. */
  resealed: number;
  /** Already under the current key: nothing to do. */
  alreadyCurrent: number;
  /** Changed while the pass ran (set up again, turned off): left to the change. */
  changedMeanwhile: number;
  /** Factors that did not open, and why: what still needs a key that is not configured. */
  unopened: Array<{ userId: string; kind: "key_missing" | "invalid"; keyId: string | null }>;
}

/** Factors read per page: bounded memory however many accounts have TOTP. */
const PAGE_SIZE = 500;

/**
 * Seals every TOTP secret under a previous key again under the current one
 * (`npm run keys -- totp-reseal`), so that previous key can be dropped from
 * the configuration. Each write is a compare-and-set on the value read, so it
 * is safe beside running servers: a factor set up again meanwhile is left as
 * its owner made it. Safe to run again: what is current is left alone.
 */
export async function resealTotpSecrets(
  store: SecondFactorStore,
  box: TotpSecretBox,
): Promise<TotpResealReport> {
  const report: TotpResealReport = {
    resealed: 0,
    alreadyCurrent: 0,
    changedMeanwhile: 0,
    unopened: [],
  };
  let after: string | null = null;
  for (;;) {
    const page = await store.listSealedTotp(after, PAGE_SIZE);
    for (const { userId, sealedSecret } of page) {
      const opened = box.open(userId, sealedSecret);
      if (opened.kind !== "opened") {
        report.unopened.push({ userId, kind: opened.kind, keyId: opened.keyId });
      } else if (!opened.stale) {
        report.alreadyCurrent++;
      } else if (await store.resealTotp(userId, sealedSecret, box.seal(userId, opened.secret))) {
        report.resealed++;
      } else {
        report.changedMeanwhile++;
      }
    }
    const last = page.at(-1);
    if (page.length < PAGE_SIZE || last === undefined) return report;
    after = last.userId;
  }
}
