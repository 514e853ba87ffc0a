/** Pages reached from the log-in page get the address typed there in the navigation state. */
export interface EmailState {
  email?: string;
}

/** The address handed over in `state`, if there is one. */
export function emailFromState(state: unknown): string | undefined {
  const email = (state as EmailState | null)?.email;
  return typeof email === "string" ? email : undefined;
}
