import { type RefObject, useEffect } from "react";

/**
 * After a submit that found problems, puts the keyboard on the first field
 * to fix, so nobody has to hunt for it (WCAG 3.3.1).
 */
export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>, attempt: number) {
  useEffect(() => {
    if (attempt === 0) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, attempt]);
}
