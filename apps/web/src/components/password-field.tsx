import { useState } from "react";
import { TextField, type TextFieldProps } from "./text-field.tsx";

/** A password input with a Show/Hide toggle: typing a long passphrase blind invites mistakes. */
export function PasswordField(props: Omit<TextFieldProps, "type" | "accessory">) {
  const [visible, setVisible] = useState(false);
  return (
    <TextField
      {...props}
      type={visible ? "text" : "password"}
      spellCheck={false}
      autoCapitalize="none"
      accessory={
        <button
          type="button"
          className="field-toggle"
          aria-pressed={visible}
          aria-label={
            visible ? `Hide ${props.label.toLowerCase()}` : `Show ${props.label.toLowerCase()}`
          }
          onClick={() => setVisible((shown) => !shown)}
        >
          {visible ? "Hide" : "Show"}
        </button>
      }
    />
  );
}
