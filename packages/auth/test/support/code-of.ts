import { AuthError } from "../../src/index.ts";

/** The auth code a call failed with, or "accepted". */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
  return "accepted";
}
