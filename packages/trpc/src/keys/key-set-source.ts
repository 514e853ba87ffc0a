import type { SigningKeyRecord } from "@sesame/auth";

/** A key set as read, with a stamp that changes whenever the set does. */
export interface ReadKeySet {
  stamp: string;
  records: SigningKeyRecord[];
}

/**
 * Where the server's signing keys live: the SIGNING_KEYS variable (read-only),
 * the key file beside the database (SQLite), or the database itself
 * (PostgreSQL, every node sharing one ring). Writes are compare-and-set on the
 * stamp, so nodes starting together create one ring and two rotations at once
 * never both win.
 */
export interface KeySetSource {
  /** For messages: "the key file ./data/signing-keys.json", "the database". */
  readonly description: string;
  read(): Promise<ReadKeySet | undefined>;
  /** Stores `records` if the set is still as `expected` read it (undefined: there was none); false if another process changed it first. */
  write(records: SigningKeyRecord[], expected: ReadKeySet | undefined): Promise<boolean>;
  /** A cheap check for `watch`: whether the stamp may have moved since `stamp`. */
  mayHaveChanged?(stamp: string): boolean;
}
