import { useSession } from "@sesame/client/react";
import { useState } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router";
import { describeError, type ErrorDescription } from "../errors/describe-error.ts";
import { useMfaEnrolmentRedirect } from "../hooks/use-mfa-enrolment-redirect.ts";
import type { ShellContext } from "../routes/shell-context.ts";
import { EmailVerificationBanner } from "./email-verification-banner.tsx";
import { ErrorAlert } from "./error-alert.tsx";
import { Logo } from "./logo.tsx";
import { Spinner } from "./spinner.tsx";

const NAV = [
  { to: "/account", label: "Account" },
  { to: "/devices", label: "Devices" },
  { to: "/password", label: "Password" },
  { to: "/activity", label: "Activity" },
  { to: "/security", label: "Security" },
];

/**
 * The frame of every signed-in page: brand, navigation, log out, a banner
 * until the address is confirmed, and the way to the Security page for an
 * account that must turn on two-factor authentication first.
 */
export function AppShell() {
  const shell: ShellContext = { mfaEnrolmentRequired: useMfaEnrolmentRedirect() };
  const session = useSession();
  const [pending, setPending] = useState(false);
  const { pathname } = useLocation();
  // A failed log-out is news on the page where it happened, not on every page after.
  const [error, setError] = useState<{ page: string; description: ErrorDescription } | null>(null);
  const shownError = error?.page === pathname ? error.description : null;

  const logOut = async () => {
    setPending(true);
    setError(null);
    try {
      // Success signs out every tab; the route guard then shows the login page.
      await session.logout();
    } catch (failure) {
      setError({ page: pathname, description: describeError(failure) });
      setPending(false);
    }
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <div className="shell-bar">
          <Link to="/account" className="brand">
            <Logo />
            <span>Sesame</span>
          </Link>
          <nav className="shell-nav" aria-label="Main">
            {NAV.map((item) => (
              <NavLink key={item.to} to={item.to} className="nav-link">
                {item.label}
              </NavLink>
            ))}
          </nav>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              if (!pending) void logOut();
            }}
            // Not `disabled`: that would drop the keyboard focus on <body> if the log-out fails.
            aria-disabled={pending || undefined}
            aria-busy={pending}
          >
            {pending ? <Spinner /> : null} Log out
          </button>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <EmailVerificationBanner />
        <ErrorAlert error={shownError} />
        <Outlet context={shell} />
      </main>
    </div>
  );
}
