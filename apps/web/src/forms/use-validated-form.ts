import { useRef, useState } from "react";
import { useFocusFirstInvalid } from "../hooks/use-focus-first-invalid.ts";
import type { FieldErrors } from "./form-validation.ts";

/**
 * The state every form page keeps: its values, the problems found on the
 * last submit (each cleared as soon as its field is edited), and the focus
 * moved to the first field to fix whenever there are problems — found here
 * or reported by the server.
 */
export function useValidatedForm<F extends string>(
  initial: Record<F, string>,
  validate: (values: Record<F, string>) => FieldErrors<F>,
) {
  const [values, setValues] = useState(initial);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<F>>({});
  const [focusRequest, setFocusRequest] = useState(0);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, focusRequest);

  /** Puts the keyboard on the first invalid field (after render). */
  const focusFirstInvalid = () => setFocusRequest((n) => n + 1);

  return {
    form,
    values,
    fieldErrors,
    reset: () => setValues(initial),
    edit: (field: F) => (value: string) => {
      setValues((current) => ({ ...current, [field]: value }));
      setFieldErrors(({ [field]: _fixed, ...rest }) => rest as FieldErrors<F>);
    },
    focusFirstInvalid,
    /** Validates the values; answers whether they may be sent, focusing the first problem if not. */
    validate: (): boolean => {
      const problems = validate(values);
      setFieldErrors(problems);
      if (Object.keys(problems).length === 0) return true;
      focusFirstInvalid();
      return false;
    },
  };
}
