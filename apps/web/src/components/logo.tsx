/** The Sesame mark: a keyhole in a rounded door. Decorative; the wordmark next to it carries the name. */
export function Logo() {
  return (
    <svg
      className="logo"
      viewBox="0 0 32 32"
      width="28"
      height="28"
      aria-hidden="true"
      focusable="false"
    >
      <rect x="2" y="2" width="28" height="28" rx="9" className="logo-door" />
      <circle cx="16" cy="13" r="4.5" className="logo-hole" />
      <path d="M13.6 15.5h4.8l1.6 8.5h-8z" className="logo-hole" />
    </svg>
  );
}
