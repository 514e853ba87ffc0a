/** A small rotating ring; it carries no text, so pair it with words or an aria-busy container. */
export function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}
