import type { ReactNode } from "react";
import type { ErrorDescription } from "../errors/describe-error.ts";
import { FormAlert } from "./form-alert.tsx";
import { RetryCountdown } from "./retry-countdown.tsx";

/** A failed request in words, with the wait for RATE_LIMITED and any extra the page adds (a link). */
export function ErrorAlert({
  error,
  takeFocus = false,
  children,
}: {
  error: ErrorDescription | null;
  /** For when the control the user pressed is gone with the failure (see FormAlert). */
  takeFocus?: boolean;
  children?: ReactNode;
}) {
  return (
    <FormAlert takeFocus={takeFocus}>
      {error ? (
        <>
          <span>{error.message}</span>{" "}
          {error.retryAt !== undefined ? <RetryCountdown retryAt={error.retryAt} /> : null}
          {children}
        </>
      ) : null}
    </FormAlert>
  );
}
