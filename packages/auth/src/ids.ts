import { randomBytes } from "node:crypto";

/** Random identifiers, injected so tests can make them predictable. */
export interface IdGenerator {
  /** A 128-bit random id, base64url (22 characters). */
  id(): string;
  /** A 256-bit random secret, base64url (43 characters). */
  secret(): string;
}

export const randomIds: IdGenerator = {
  id: () => randomBytes(16).toString("base64url"),
  secret: () => randomBytes(32).toString("base64url"),
};
