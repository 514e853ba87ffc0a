import { useSession } from "@sesame/client/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../api/trpc.ts";
import { FormAlert } from "../components/form-alert.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { PasskeysSection } from "../components/passkeys-section.tsx";
import { PasswordAndCodeForm } from "../components/password-and-code-form.tsx";
import { QueryError } from "../components/query-error.tsx";
import { RecoveryCodes } from "../components/recovery-codes.tsx";
import { Spinner } from "../components/spinner.tsx";
import { TotpSetup } from "../components/totp-setup.tsx";
import { messageOf } from "../errors/describe-error.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { useShellContext } from "../routes/shell-context.ts";

/** What the page is doing besides showing the status: at most one change at a time. */
type Task = "idle" | "turning-on" | "turning-off" | "new-codes";

/** Below this many recovery codes left, the page suggests a new set. */
const FEW_CODES = 3;

/**
 * How the account is protected beyond its password: two-factor
 * authentication with an authenticator app (TOTP) and its recovery codes,
 * and passkeys. Each section is one factor.
 */
export function SecurityPage() {
  usePageTitle("Security");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useSession();
  const enrolmentRequired = useShellContext().mfaEnrolmentRequired;
  const status = useQuery(trpc.mfa.status.queryOptions());
  const me = useQuery(trpc.user.me.queryOptions());
  const [task, setTask] = useState<Task>("idle");
  // What the last finished change did, said where its form was.
  const [news, setNews] = useState<string | null>(null);
  const [signingOut, setSigningOut] = useState(false);
  const start = (next: Task) => {
    setNews(null);
    setTask(next);
  };

  const turnOff = useMutation(
    trpc.mfa.totp.disable.mutationOptions({
      onSuccess: async () => {
        setTask("idle");
        setNews("Two-factor authentication is off. Every other device was signed out.");
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.mfa.status.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.session.list.queryKey() }),
        ]);
      },
    }),
  );
  const newCodes = useMutation(
    trpc.mfa.recoveryCodes.regenerate.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.mfa.status.queryKey() }),
    }),
  );

  // The session that enrolled still has no second factor: a new sign-in, with a code, gives it one.
  const signInAgain = () => {
    setSigningOut(true);
    session.logout().catch(() => setSigningOut(false));
  };

  if (status.isPending) return <PageLoading label="Loading your security settings" />;
  if (status.isError)
    return <QueryError error={status.error} retry={() => void status.refetch()} />;

  const { totp, recoveryCodesLeft } = status.data;
  const account = me.data?.email ?? "your Sesame account";
  const finish = enrolmentRequired
    ? { label: "Log out and sign in again", onFinish: signInAgain }
    : { label: "I've stored them: done", onFinish: () => setTask("idle") };

  return (
    <div className="stack-lg">
      <header className="page-header">
        <h1>Security</h1>
        <p className="lead">
          With two-factor authentication, logging in takes a code from your phone as well as your
          password, so a stolen password alone can't open your account. A passkey does both at once.
        </p>
      </header>
      {enrolmentRequired ? (
        <FormAlert tone="info">
          {/* Until the set-up's last step is left, its own button is the way on. */}
          {totp && task !== "turning-on" ? (
            <div className="stack">
              <span>
                Two-factor authentication is on. Sign in again with a code to use the rest of your
                account.
              </span>
              <div>
                <button
                  type="button"
                  className="button button-primary"
                  onClick={() => {
                    if (!signingOut) signInAgain();
                  }}
                  aria-disabled={signingOut || undefined}
                  aria-busy={signingOut}
                >
                  {signingOut ? <Spinner /> : null} Log out and sign in again
                </button>
              </div>
            </div>
          ) : (
            messageOf("MFA_ENROLLMENT_REQUIRED")
          )}
        </FormAlert>
      ) : null}

      <section className="card" aria-labelledby="totp-heading">
        <div className="card-title">
          <h2 id="totp-heading">Two-factor authentication</h2>
          {totp ? (
            <span className="badge badge-success">On</span>
          ) : (
            <span className="badge">Off</span>
          )}
        </div>
        {/* A finished change's form is gone: the keyboard goes to what it did. */}
        <FormAlert tone="success" takeFocus>
          {news}
        </FormAlert>
        {task === "turning-on" ? (
          <TotpSetup account={account} onCancel={() => setTask("idle")} finish={finish} />
        ) : task === "turning-off" ? (
          <PasswordAndCodeForm
            request={turnOff}
            submitLabel="Turn off two-factor authentication"
            pendingLabel="Turning off…"
            variant="danger"
            onCancel={() => setTask("idle")}
          >
            <p className="warning">
              Every other device will be signed out, and logging in will ask for your password only.
              Your recovery codes stop working.
            </p>
          </PasswordAndCodeForm>
        ) : totp ? (
          <>
            <p>Logging in asks for your password and a code from your authenticator app.</p>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => start("turning-off")}
            >
              Turn off…
            </button>
          </>
        ) : (
          <>
            <p>
              Use an authenticator app on your phone, such as Google Authenticator, Microsoft
              Authenticator, 1Password or Aegis. Setting it up takes a minute.
            </p>
            <button
              type="button"
              className="button button-primary"
              onClick={() => start("turning-on")}
            >
              Turn on two-factor authentication
            </button>
          </>
        )}
      </section>

      {totp && task !== "turning-on" ? (
        <section className="card" aria-labelledby="recovery-heading">
          <h2 id="recovery-heading">Recovery codes</h2>
          {task === "new-codes" && newCodes.data ? (
            <div className="stack">
              <FormAlert tone="success" takeFocus>
                Here are your new recovery codes. The earlier ones no longer work.
              </FormAlert>
              <RecoveryCodes codes={newCodes.data.recoveryCodes} account={account} />
              <div>
                <button
                  type="button"
                  className="button button-primary"
                  onClick={() => {
                    setTask("idle");
                    newCodes.reset();
                  }}
                >
                  I've stored them: done
                </button>
              </div>
            </div>
          ) : (
            <>
              <p>
                For when you don't have your phone: each code logs you in once.{" "}
                <strong>
                  {recoveryCodesLeft} unused {recoveryCodesLeft === 1 ? "code" : "codes"} left.
                </strong>
              </p>
              {recoveryCodesLeft <= FEW_CODES ? (
                <p className="warning">
                  You're running out of recovery codes: make a new set and store it.
                </p>
              ) : null}
              {task === "new-codes" ? (
                <PasswordAndCodeForm
                  request={newCodes}
                  submitLabel="Make new recovery codes"
                  pendingLabel="Making new codes…"
                  onCancel={() => setTask("idle")}
                >
                  <p>The codes you have now stop working once the new ones are made.</p>
                </PasswordAndCodeForm>
              ) : (
                <button
                  type="button"
                  className="button button-secondary"
                  onClick={() => start("new-codes")}
                >
                  Make new recovery codes…
                </button>
              )}
            </>
          )}
        </section>
      ) : null}

      {/* Until two-factor is on, the server refuses an account that must have it everything else. */}
      {enrolmentRequired ? null : <PasskeysSection />}
    </div>
  );
}
