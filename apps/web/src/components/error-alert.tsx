import type { ReactNode } from "react";
import type { ErrorDescription } from "../errors/describe-error.ts";
import { FormAlert } from "./form-alert.tsx";
import { RetryCountdown } from "./retry-countdown.tsx";

/** A failed request in words, with the wait for RATE_LIMITED and any extra the page adds (a link). */
export function ErrorAlert({
  error,
  children,
}: {
  error: ErrorDescription | null;
  children?: ReactNode;
}) {
  return (
    <FormAlert>
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
