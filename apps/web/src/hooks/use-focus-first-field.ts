import { type RefObject, useEffect } from "react";

/**
 * Puts the keyboard on the form's first field as it appears, and again each
 * time `request` changes (0: not yet). For a form that replaced the control
 * just pressed — the next step of a set-up, a field swapped for another —
 * which would otherwise leave the focus on <body>.
 */
export function useFocusFirstField(form: RefObject<HTMLFormElement | null>, request = 1): void {
  useEffect(() => {
    if (request === 0) return;
    form.current?.querySelector<HTMLElement>("input")?.focus();
  }, [form, request]);
}
