import type { TotpEnrolment } from "@sesame/contracts";
import { type FormEvent, useEffect, useRef } from "react";
import { describeError } from "../errors/describe-error.ts";
import { groupSecret } from "../format/group-secret.ts";
import { type FieldErrors, serverFieldErrors, validateTotpCode } from "../forms/form-validation.ts";
import { useValidatedForm } from "../forms/use-validated-form.ts";
import { CopyButton } from "./copy-button.tsx";
import { ErrorAlert } from "./error-alert.tsx";
import { OneTimeCodeField } from "./one-time-code-field.tsx";
import { QrCode } from "./qr-code.tsx";
import { SubmitButton } from "./submit-button.tsx";

/** The call that turns the factor on with a first code (`mfa.totp.confirm`). */
export interface ConfirmCodeRequest {
  mutate: (input: { code: string }, options?: { onError?: () => void }) => void;
  isPending: boolean;
  error: unknown;
}

interface TotpScanStepProps {
  enrolment: TotpEnrolment;
  request: ConfirmCodeRequest;
  onCancel: () => void;
}

/**
 * The middle of turning two-factor on: the new secret, shown this once, as
 * a QR code for a phone's camera and as a key to type (grouped, as apps
 * take it), then the code the app makes from it. The factor is active only
 * once that code checks out, so a mistyped key locks nobody out.
 */
export function TotpScanStep({ enrolment, request, onCancel }: TotpScanStepProps) {
  // The password form is gone: the keyboard (and a screen reader) starts at what to do first.
  const firstStep = useRef<HTMLHeadingElement>(null);
  useEffect(() => firstStep.current?.focus(), []);
  const { form, values, fieldErrors, edit, focusFirstInvalid, validate } = useValidatedForm<"code">(
    { code: "" },
    validateTotpCode,
  );
  const error = request.error ? describeError(request.error) : null;
  const fromServer: FieldErrors<"code"> = {
    ...serverFieldErrors(error?.issues, ["code"]),
    ...(error?.code === "MFA_CODE_INVALID"
      ? {
          code: "That code didn't work. Check that the key was entered in full, then enter the code the app shows now.",
        }
      : {}),
  };
  const shownErrors = { ...fromServer, ...fieldErrors };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!validate()) return;
    request.mutate({ code: values.code }, { onError: focusFirstInvalid });
  };

  return (
    <ol className="setup-steps">
      <li className="setup-step">
        <h3 ref={firstStep} tabIndex={-1}>
          Add Sesame to your authenticator app
        </h3>
        <p className="muted">
          Scan the QR code with an app such as Google Authenticator, Microsoft Authenticator,
          1Password or Aegis.
        </p>
        <div className="totp-enrolment">
          <QrCode
            text={enrolment.otpauthUri}
            alt="QR code for setting up two-factor authentication in an authenticator app. Can't scan it? Enter the key shown next to it."
          />
          <div className="totp-key">
            <dl className="totp-key-term">
              <dt className="totp-key-label">Can't scan it? Enter this key:</dt>
              <dd>
                <code className="totp-key-value">{groupSecret(enrolment.secret)}</code>
              </dd>
            </dl>
            <div className="actions">
              <CopyButton text={enrolment.secret} label="Copy key" />
            </div>
            {/* On a phone the app is on this very device: the link hands it the set-up directly. */}
            <p className="field-hint">
              On your phone? <a href={enrolment.otpauthUri}>Open the set-up in your app</a>.
            </p>
          </div>
        </div>
      </li>
      <li className="setup-step">
        <h3>Enter the code it shows</h3>
        <form ref={form} className="form" onSubmit={submit} noValidate>
          <ErrorAlert error={error?.code === "MFA_CODE_INVALID" ? null : error} />
          <OneTimeCodeField
            label="6-digit code"
            name="code"
            hint="The app shows a new code every 30 seconds; any current one will do."
            value={values.code}
            onValueChange={edit("code")}
            error={shownErrors.code}
          />
          <div className="actions">
            <SubmitButton pending={request.isPending} pendingLabel="Turning on…" block={false}>
              Turn on
            </SubmitButton>
            <button type="button" className="button button-quiet" onClick={onCancel}>
              Cancel
            </button>
          </div>
        </form>
      </li>
    </ol>
  );
}
