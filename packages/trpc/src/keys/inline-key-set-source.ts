import type { SigningKeyRecord } from "@sesame/auth";
import { parseKeySet } from "./key-file.ts";
import type { KeySetSource, ReadKeySet } from "./key-set-source.ts";

/** SIGNING_KEYS: the operator's own set, which this process never writes. */
export class InlineKeySetSource implements KeySetSource {
  readonly description = "SIGNING_KEYS";
  private readonly records: SigningKeyRecord[];

  constructor(json: string) {
    this.records = parseKeySet(json, "SIGNING_KEYS");
  }

  async read(): Promise<ReadKeySet> {
    return { stamp: "inline", records: this.records };
  }

  async write(): Promise<boolean> {
    throw new Error(
      "The keys come from SIGNING_KEYS, which this command cannot write. Put that JSON in a file, run this command with --file <path>, and store the file's new content in SIGNING_KEYS.",
    );
  }

  mayHaveChanged(): boolean {
    return false;
  }
}
