import type { KeyRingStore, SigningKeyRecord } from "@sesame/auth";
import type { KeySetSource, ReadKeySet } from "./key-set-source.ts";
import type { SealedKeySet } from "./sealed-key-set.ts";

/** The ring in the database (PostgreSQL): one for every node, private keys sealed. */
export class DatabaseKeySetSource implements KeySetSource {
  readonly description = "the database";

  constructor(
    private readonly store: KeyRingStore,
    private readonly sealed: SealedKeySet,
  ) {}

  async read(): Promise<ReadKeySet | undefined> {
    const stored = await this.store.read();
    if (!stored) return undefined;
    return { stamp: String(stored.version), records: this.sealed.open(stored.sealed) };
  }

  write(records: SigningKeyRecord[], expected: ReadKeySet | undefined): Promise<boolean> {
    return this.store.write(this.sealed.seal(records), expected ? Number(expected.stamp) : 0);
  }
}
