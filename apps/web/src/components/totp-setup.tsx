import { authCodeOf } from "@sesame/client";
import type { TotpEnrolment } from "@sesame/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../api/trpc.ts";
import { CurrentPasswordForm } from "./current-password-form.tsx";
import { FormAlert } from "./form-alert.tsx";
import { RecoveryCodes } from "./recovery-codes.tsx";
import { TotpScanStep } from "./totp-scan-step.tsx";

interface TotpSetupProps {
  /** The account's address, for the recovery codes' file. */
  account: string;
  onCancel: () => void;
  /** What the last step's button does, and says: back to the page, or sign in again to use the factor. */
  finish: { label: string; onFinish: () => void };
}

/**
 * Turning two-factor on, one step at a time: the password (`mfa.totp.begin`
 * answers a new secret), the QR code and a first code from the app
 * (`mfa.totp.confirm` turns it on and answers the recovery codes), then the
 * recovery codes, shown this once. The status on the page is refreshed as
 * soon as the factor is on; these steps stay until the codes are put away.
 */
export function TotpSetup({ account, onCancel, finish }: TotpSetupProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const refreshStatus = () =>
    queryClient.invalidateQueries({ queryKey: trpc.mfa.status.queryKey() });

  const begin = useMutation(
    trpc.mfa.totp.begin.mutationOptions({
      onSuccess: setEnrolment,
      onError: (failure) => {
        // Turned on meanwhile elsewhere: the status shows it, and the message says so.
        if (authCodeOf(failure) === "MFA_ALREADY_ENABLED") void refreshStatus();
      },
    }),
  );
  const confirm = useMutation(
    trpc.mfa.totp.confirm.mutationOptions({
      onSuccess: (result) => {
        setRecoveryCodes(result.recoveryCodes);
        return refreshStatus();
      },
    }),
  );

  if (recoveryCodes) {
    return (
      <div className="stack">
        {/* The code form is gone: the keyboard goes to the news, and the warning right under it. */}
        <FormAlert tone="success" takeFocus>
          Two-factor authentication is on. Save your recovery codes before you go on.
        </FormAlert>
        <h3>Your recovery codes</h3>
        <RecoveryCodes codes={recoveryCodes} account={account} />
        <div>
          <button type="button" className="button button-primary" onClick={finish.onFinish}>
            {finish.label}
          </button>
        </div>
      </div>
    );
  }
  if (enrolment)
    return <TotpScanStep enrolment={enrolment} request={confirm} onCancel={onCancel} />;
  return (
    <CurrentPasswordForm
      request={begin}
      hint="So that nobody at an unlocked screen can change how your account is protected."
      submitLabel="Continue"
      pendingLabel="Checking…"
      onCancel={onCancel}
    />
  );
}
