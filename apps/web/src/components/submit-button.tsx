import type { ReactNode } from "react";
import { Spinner } from "./spinner.tsx";

interface SubmitButtonProps {
  pending: boolean;
  /** Shown while pending, e.g. "Logging in…". */
  pendingLabel: string;
  disabled?: boolean;
  variant?: "primary" | "danger";
  children: ReactNode;
}

/** A form's submit button: disabled and saying what it is doing while the request runs. */
export function SubmitButton({
  pending,
  pendingLabel,
  disabled = false,
  variant = "primary",
  children,
}: SubmitButtonProps) {
  return (
    <button
      type="submit"
      className={`button button-${variant} button-block`}
      disabled={pending || disabled}
      aria-busy={pending}
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
