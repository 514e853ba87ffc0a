import type { ReactNode } from "react";
import { Spinner } from "./spinner.tsx";

interface SubmitButtonProps {
  pending: boolean;
  /** Shown while pending, e.g. "Logging in…". */
  pendingLabel: string;
  disabled?: boolean;
  variant?: "primary" | "danger";
  /** Full width, as the one action of a form; false beside another button (Cancel). */
  block?: boolean;
  children: ReactNode;
}

/**
 * A form's submit button, saying what it is doing while the request runs.
 * While pending it is `aria-disabled`, not `disabled`: a disabled button drops
 * the keyboard focus on <body>, and the user would have to find their way
 * back after an error. A click (or Enter in a field, which clicks the
 * default button) does nothing then.
 */
export function SubmitButton({
  pending,
  pendingLabel,
  disabled = false,
  variant = "primary",
  block = true,
  children,
}: SubmitButtonProps) {
  return (
    <button
      type="submit"
      className={`button button-${variant}${block ? " button-block" : ""}`}
      disabled={disabled}
      aria-disabled={pending || undefined}
      aria-busy={pending}
      onClick={(event) => {
        if (pending) event.preventDefault();
      }}
    >
      {pending ? (
        <>
          <Spinner /> {pendingLabel}
        </>
      ) : (
        children
      )}
    </button>
  );
}
