import { existsSync, statSync } from "node:fs";
import {
  KeyRing,
  type KeyRingSource,
  pruneRetiredKeys,
  type SigningAlgorithm,
  type SigningKeyRecord,
} from "@sesame/auth";
import { initialKeys } from "./initial-keys.ts";
import { parseKeySet, readKeyFile, writeKeyFile } from "./key-file.ts";

export interface SigningKeysOptions {
  /** Inline key set JSON (SIGNING_KEYS); wins over the file. */
  inline?: string;
  file: string;
  alg: SigningAlgorithm;
  /** Seconds a retired key stays trusted and published (`retiredKeyRetention`). */
  retentionSeconds: number;
  log: (message: string) => void;
  now: () => number;
}

/**
 * The server's key ring. Keys come from configuration or from the key file;
 * with neither, a current and a next key are generated on first start and
 * kept in the file (mode 0600). The file is re-read when it changes — `pnpm
 * keys rotate` — so keys rotate without a restart: a running server keeps
 * verifying with the retired key and signs with the promoted one as soon as
 * it sees the new file. A retired key past its retention leaves the ring (and
 * the JWKS) by itself, whether or not anyone rotates again.
 */
export class SigningKeys implements KeyRingSource {
  private records: SigningKeyRecord[];
  private ring: KeyRing;
  private fileStamp = "";
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly options: SigningKeysOptions,
    records: SigningKeyRecord[],
  ) {
    this.records = records;
    this.ring = this.buildRing(records);
    this.fileStamp = this.stamp();
    const signer = this.ring.signingKey();
    if (signer.alg !== options.alg) {
      options.log(
        `SIGNING_ALG is ${options.alg} but the current key ${signer.kid} is ${signer.alg}: run \`pnpm keys rotate\` twice to switch (each key keeps its own algorithm).`,
      );
    }
  }

  static async load(options: SigningKeysOptions): Promise<SigningKeys> {
    if (options.inline) {
      return new SigningKeys(options, parseKeySet(options.inline, "SIGNING_KEYS"));
    }
    if (!existsSync(options.file)) {
      writeKeyFile(options.file, await initialKeys(options.alg, options.now()));
      options.log(
        `No signing key configured: generated a new ${options.alg} key and saved it to ${options.file} (mode 0600). Keep this file secret and back it up; set SIGNING_KEYS or SIGNING_KEYS_FILE to use your own.`,
      );
    }
    return new SigningKeys(options, readKeyFile(options.file));
  }

  current(): KeyRing {
    return this.ring;
  }

  /**
   * Re-reads the key file if it changed, and drops retired keys whose
   * retention has ended. The ring is replaced only when its keys change, and a
   * bad file keeps the old keys and is reported. Answers whether it changed.
   */
  reloadIfChanged(): boolean {
    const stamp = this.stamp();
    let records = this.records;
    if (stamp !== this.fileStamp) {
      this.fileStamp = stamp;
      try {
        records = readKeyFile(this.options.file);
      } catch (error) {
        this.options.log(`Keeping the previous signing keys: ${(error as Error).message}`);
        return false;
      }
    }
    const live = this.live(records);
    if (records === this.records && sameKids(live, this.ring.kids())) return false;
    try {
      const ring = this.buildRing(records);
      this.records = records;
      this.ring = ring;
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

  /** Checks the key file and the retired keys' retention every `intervalMs` until `stop()`. */
  watch(intervalMs: number): void {
    this.timer ??= setInterval(() => this.reloadIfChanged(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private live(records: readonly SigningKeyRecord[]): SigningKeyRecord[] {
    return pruneRetiredKeys(records, this.options.now(), this.options.retentionSeconds).kept;
  }

  private buildRing(records: readonly SigningKeyRecord[]): KeyRing {
    return new KeyRing(this.live(records));
  }

  private stamp(): string {
    if (this.options.inline || !existsSync(this.options.file)) return "";
    const { mtimeMs, size, ino } = statSync(this.options.file);
    return `${mtimeMs}:${size}:${ino}`;
  }
}

function sameKids(records: readonly SigningKeyRecord[], kids: readonly string[]): boolean {
  return records.length === kids.length && records.every((record, i) => record.kid === kids[i]);
}
