import type { ReactNode } from "react";

interface FormAlertProps {
  tone?: "error" | "success" | "info";
  children?: ReactNode;
}

/**
 * A message about the whole form. The live region is always in the page, so
 * screen readers announce the message the moment it appears.
 */
export function FormAlert({ tone = "error", children }: FormAlertProps) {
  return (
    <div
      className="live-region"
      aria-live={tone === "error" ? "assertive" : "polite"}
      aria-atomic="true"
    >
      {children ? (
        <div className={`alert alert-${tone}`} role={tone === "error" ? "alert" : "status"}>
          {children}
        </div>
      ) : null}
    </div>
  );
}
