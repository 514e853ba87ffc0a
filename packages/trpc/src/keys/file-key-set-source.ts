import { existsSync, statSync } from "node:fs";
import type { SigningKeyRecord } from "@sesame/auth";
import { readKeyFile, writeKeyFile } from "./key-file.ts";
import { withKeyFileLock } from "./key-file-lock.ts";
import type { KeySetSource, ReadKeySet } from "./key-set-source.ts";

/** The key file (mode 0600), shared by the processes on one machine; writes under its lock. */
export class FileKeySetSource implements KeySetSource {
  readonly description: string;

  constructor(private readonly file: string) {
    this.description = `the key file ${file}`;
  }

  async read(): Promise<ReadKeySet | undefined> {
    if (!existsSync(this.file)) return undefined;
    return { stamp: this.stamp(), records: readKeyFile(this.file) };
  }

  write(records: SigningKeyRecord[], expected: ReadKeySet | undefined): Promise<boolean> {
    return withKeyFileLock(this.file, async () => {
      const now = existsSync(this.file) ? this.stamp() : undefined;
      if (now !== expected?.stamp) return false;
      writeKeyFile(this.file, records);
      return true;
    });
  }

  mayHaveChanged(stamp: string): boolean {
    return this.stamp() !== stamp;
  }

  private stamp(): string {
    if (!existsSync(this.file)) return "";
    const { mtimeMs, size, ino } = statSync(this.file);
    return `${mtimeMs}:${size}:${ino}`;
  }
}
