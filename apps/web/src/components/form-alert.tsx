import { type ReactNode, useEffect, useRef } from "react";

interface FormAlertProps {
  tone?: "error" | "success" | "info";
  /** Move the keyboard to the message when it appears: for when the control the user pressed is gone. */
  takeFocus?: boolean;
  children?: ReactNode;
}

/**
 * A message about the whole form. The live region is always in the page, so
 * screen readers announce the message the moment it appears.
 */
export function FormAlert({ tone = "error", takeFocus = false, children }: FormAlertProps) {
  const message = useRef<HTMLDivElement>(null);
  const shown = Boolean(children);
  useEffect(() => {
    if (takeFocus && shown) message.current?.focus();
  }, [takeFocus, shown]);
  return (
    <div
      className="live-region"
      aria-live={tone === "error" ? "assertive" : "polite"}
      aria-atomic="true"
    >
      {children ? (
        <div
          ref={message}
          className={`alert alert-${tone}`}
          role={tone === "error" ? "alert" : "status"}
          tabIndex={-1}
        >
          {children}
        </div>
      ) : null}
    </div>
  );
}
