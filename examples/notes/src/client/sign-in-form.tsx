import type { SignOutReason } from "@sesame/client";
import { useAuth } from "@sesame/client/react";
import { type FormEvent, useState } from "react";
import { api } from "./api.ts";
import { errorMessage } from "./error-message.ts";

type Mode = "log-in" | "sign-up";

/** Log in, or create an account; either signs this tab (and every other) in. */
export function SignInForm({ reason }: { reason: SignOutReason | null }) {
  const { signIn } = useAuth();
  const [mode, setMode] = useState<Mode>("log-in");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const credentials = {
      email: String(form.get("email")),
      password: String(form.get("password")),
    };
    setBusy(true);
    setError(null);
    try {
      signIn(
        mode === "sign-up"
          ? await api.auth.auth.register.mutate(credentials)
          : await api.auth.auth.login.mutate(credentials),
      );
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  const title = mode === "sign-up" ? "Sign up" : "Log in";
  return (
    <main>
      <h1>{title}</h1>
      {reason && reason.code !== "SIGNED_OUT" && (
        <p role="status">Your session has ended. Please log in again.</p>
      )}
      <form onSubmit={submit}>
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
            required
          />
        </label>
        {error && <p role="alert">{error}</p>}
        <button type="submit" disabled={busy}>
          {mode === "sign-up" ? "Create account" : "Log in"}
        </button>
      </form>
      <button type="button" onClick={() => setMode(mode === "sign-up" ? "log-in" : "sign-up")}>
        {mode === "sign-up" ? "I have an account" : "Create an account"}
      </button>
    </main>
  );
}
