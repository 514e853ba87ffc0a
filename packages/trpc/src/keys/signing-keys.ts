import {
  KeyRing,
  type KeyRingSource,
  pruneRetiredKeys,
  type SigningAlgorithm,
  type SigningKeyRecord,
} from "@sesame/auth";
import { initialKeys } from "./initial-keys.ts";
import type { KeySetSource, ReadKeySet } from "./key-set-source.ts";

export interface SigningKeysOptions {
  source: KeySetSource;
  alg: SigningAlgorithm;
  /** Seconds a retired key stays trusted and published (`retiredKeyRetention`). */
  retentionSeconds: number;
  log: (message: string) => void;
  now: () => number;
}

/**
 * The server's key ring. Keys come from a source (key-set-source.ts); with
 * none there yet, a current and a next key are generated on first start and
 * stored — by exactly one of the processes starting together, the others
 * read what it stored. The source is re-read when it changes (`pnpm keys
 * rotate`), so keys rotate without a restart on every node: a running server
 * keeps verifying with the retired key and signs with the promoted one as
 * soon as it sees the new set. A retired key past its retention leaves the
 * ring (and the JWKS) by itself, whether or not anyone rotates again.
 */
export class SigningKeys implements KeyRingSource {
  private ring: KeyRing;
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<boolean> | undefined;

  private constructor(
    private readonly options: SigningKeysOptions,
    private read: ReadKeySet,
  ) {
    this.ring = this.buildRing(read.records);
    const signer = this.ring.signingKey();
    if (signer.alg !== options.alg) {
      options.log(
        `SIGNING_ALG is ${options.alg} but the current key ${signer.kid} is ${signer.alg}: run \`pnpm keys rotate\` twice to switch (each key keeps its own algorithm).`,
      );
    }
  }

  static async load(options: SigningKeysOptions): Promise<SigningKeys> {
    const { source } = options;
    let read = await source.read();
    if (!read) {
      if (await source.write(await initialKeys(options.alg, options.now()), undefined)) {
        options.log(
          `No signing key configured: generated a new ${options.alg} key and saved it to ${source.description}${source.description.startsWith("the key file") ? " (mode 0600). Keep this file secret and back it up; set SIGNING_KEYS or SIGNING_KEYS_FILE to use your own." : "."}`,
        );
      }
      // Whoever won the race to create it, every process now reads the one set.
      read = await source.read();
      if (!read) throw new Error(`No signing keys in ${source.description}.`);
    }
    return new SigningKeys(options, read);
  }

  current(): KeyRing {
    return this.ring;
  }

  /**
   * Re-reads the source if it changed, and drops retired keys whose
   * retention has ended. The ring is replaced only when its keys change, and
   * a bad set keeps the old keys and is reported. Answers whether it changed.
   */
  reloadIfChanged(): Promise<boolean> {
    this.reloading ??= this.reload().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  /** Checks the source and the retired keys' retention every `intervalMs` until `stop()`. */
  watch(intervalMs: number): void {
    this.timer ??= setInterval(() => void this.reloadIfChanged(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async reload(): Promise<boolean> {
    const { source } = this.options;
    let read = this.read;
    if (source.mayHaveChanged?.(read.stamp) ?? true) {
      try {
        read = (await source.read()) ?? read;
      } catch (error) {
        this.options.log(`Keeping the previous signing keys: ${(error as Error).message}`);
        return false;
      }
    }
    const live = this.live(read.records);
    if (read.stamp === this.read.stamp && sameKids(live, this.ring.kids())) return false;
    try {
      this.ring = this.buildRing(read.records);
      this.read = read;
    } catch (error) {
      this.options.log(`Keeping the previous signing keys: ${(error as Error).message}`);
      return false;
    }
    const signer = this.ring.signingKey();
    this.options.log(
      `Signing keys now: ${signer.alg} key ${signer.kid} signs; ${this.ring.kids().length} keys verify.`,
    );
    return true;
  }

  private live(records: readonly SigningKeyRecord[]): SigningKeyRecord[] {
    return pruneRetiredKeys(records, this.options.now(), this.options.retentionSeconds).kept;
  }

  private buildRing(records: readonly SigningKeyRecord[]): KeyRing {
    return new KeyRing(this.live(records));
  }
}

function sameKids(records: readonly SigningKeyRecord[], kids: readonly string[]): boolean {
  return records.length === kids.length && records.every((record, i) => record.kid === kids[i]);
}
