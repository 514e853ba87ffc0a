import { PasswordHasher } from "@sesame/auth";

/** The real argon2id hasher, counting its calls: shows a request was refused before any hashing. */
export class CountingHasher extends PasswordHasher {
  readonly calls = { hash: 0, verify: 0, verifyDummy: 0 };

  override hash(password: string): Promise<string> {
    this.calls.hash++;
    return super.hash(password);
  }

  override verify(passwordHash: string, password: string): Promise<boolean> {
    this.calls.verify++;
    return super.verify(passwordHash, password);
  }

  override verifyDummy(password: string): Promise<false> {
    this.calls.verifyDummy++;
    return super.verifyDummy(password);
  }
}
