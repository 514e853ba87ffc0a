/** A call that needs the session was made after it ended; the caller is already on its way to login. */
export class SignedOutError extends Error {
  override readonly name = "SignedOutError";

  constructor() {
    super("Signed out.");
  }
}
