import type { ReactNode } from "react";
import { Logo } from "./logo.tsx";

/** Login and sign-up: the brand and one card, centred, nothing else to distract. */
export function AuthLayout({
  title,
  intro,
  children,
}: {
  title: string;
  intro: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="auth-layout">
      <main className="auth-card">
        <div className="brand brand-large">
          <Logo />
          <span>Sesame</span>
        </div>
        <h1>{title}</h1>
        <p className="lead">{intro}</p>
        {children}
      </main>
    </div>
  );
}
