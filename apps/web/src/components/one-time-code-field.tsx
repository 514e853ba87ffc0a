import { TextField, type TextFieldProps } from "./text-field.tsx";

type OneTimeCodeFieldProps = Omit<
  TextFieldProps,
  "type" | "accessory" | "autoComplete" | "inputMode"
> & {
  /** An app's 6-digit code, or a recovery code (letters and digits, as printed). */
  kind?: "totp" | "recovery_code";
};

/**
 * The input for a code from an authenticator app: `one-time-code` lets
 * browsers and phones offer a code they know of, and the numeric keypad
 * comes up on a phone. A recovery code has letters, so it gets the usual
 * keyboard, with nothing corrected or capitalised in it.
 */
export function OneTimeCodeField({ kind = "totp", ...props }: OneTimeCodeFieldProps) {
  return (
    <TextField
      {...props}
      type="text"
      autoComplete={kind === "totp" ? "one-time-code" : "off"}
      inputMode={kind === "totp" ? "numeric" : "text"}
      spellCheck={false}
      autoCapitalize="none"
      autoCorrect="off"
      enterKeyHint="done"
    />
  );
}
