import { existsSync, statSync } from "node:fs";
import {
  generateSigningKey,
  KeyRing,
  type KeyRingSource,
  type SigningAlgorithm,
  type SigningKeyRecord,
} from "@sesame/auth";
import { parseKeySet, readKeyFile, writeKeyFile } from "./key-file.ts";

export interface SigningKeysOptions {
  /** Inline key set JSON (SIGNING_KEYS); wins over the file. */
  inline?: string;
  file: string;
  alg: SigningAlgorithm;
  log: (message: string) => void;
  now: () => number;
}

/**
 * The server's key ring. Keys come from configuration or from the key file;
 * with neither, a key is generated on first start and kept in the file
 * (mode 0600). The file is re-read when it changes — `pnpm keys rotate` — so
 * keys rotate without a restart.
 */
export class SigningKeys implements KeyRingSource {
  private ring: KeyRing;
  private fileStamp = "";
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly options: SigningKeysOptions,
    ring: KeyRing,
  ) {
    this.ring = ring;
    this.fileStamp = this.stamp();
  }

  static async load(options: SigningKeysOptions): Promise<SigningKeys> {
    if (options.inline) {
      return new SigningKeys(options, new KeyRing(parseKeySet(options.inline, "SIGNING_KEYS")));
    }
    if (!existsSync(options.file)) {
      const now = options.now();
      const keys: SigningKeyRecord[] = [
        await generateSigningKey(options.alg, "current", now),
        await generateSigningKey(options.alg, "next", now),
      ];
      writeKeyFile(options.file, keys);
      options.log(
        `No signing key configured: generated a new ${options.alg} key and saved it to ${options.file} (mode 0600). Keep this file secret and back it up; set SIGNING_KEYS or SIGNING_KEYS_FILE to use your own.`,
      );
    }
    return new SigningKeys(options, new KeyRing(readKeyFile(options.file)));
  }

  current(): KeyRing {
    return this.ring;
  }

  /** Re-reads the key file if it changed; a bad file keeps the old keys and is reported. */
  reloadIfChanged(): boolean {
    if (this.options.inline) return false;
    const stamp = this.stamp();
    if (stamp === this.fileStamp) return false;
    this.fileStamp = stamp;
    try {
      this.ring = new KeyRing(readKeyFile(this.options.file));
      this.options.log(`Signing keys reloaded from ${this.options.file}.`);
      return true;
    } catch (error) {
      this.options.log(`Keeping the previous signing keys: ${(error as Error).message}`);
      return false;
    }
  }

  /** Checks the key file for changes every `intervalMs` until `stop()`. */
  watch(intervalMs: number): void {
    this.timer ??= setInterval(() => this.reloadIfChanged(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private stamp(): string {
    if (this.options.inline || !existsSync(this.options.file)) return "";
    const { mtimeMs, size, ino } = statSync(this.options.file);
    return `${mtimeMs}:${size}:${ino}`;
  }
}
