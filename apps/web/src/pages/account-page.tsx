import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { ChangeEmailForm } from "../components/change-email-form.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { QueryError } from "../components/query-error.tsx";
import { SignInMethodsSection } from "../components/sign-in-methods-section.tsx";
import { formatDate } from "../format/format-time.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

export function AccountPage() {
  usePageTitle("Your account");
  const trpc = useTRPC();
  const me = useQuery(trpc.user.me.queryOptions());

  if (me.isPending) return <PageLoading label="Loading your account" />;
  if (me.isError) return <QueryError error={me.error} retry={() => void me.refetch()} />;

  const user = me.data;
  return (
    <div className="stack-lg">
      <header className="page-header">
        <h1>{user.name ? `Hello, ${user.name}` : "Your account"}</h1>
        <p className="lead">The details Sesame holds about you.</p>
      </header>
      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <dl className="details">
          <div>
            <dt>Name</dt>
            <dd>{user.name ?? <span className="muted">Not set</span>}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd className="break">
              {user.email}{" "}
              {user.emailVerified ? (
                <span className="badge">Confirmed</span>
              ) : (
                <span className="badge badge-warning">Not confirmed</span>
              )}
            </dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>
              <span className="badge capitalize">{user.role}</span>
            </dd>
          </div>
          <div>
            <dt>Member since</dt>
            <dd>
              <time dateTime={user.createdAt}>{formatDate(user.createdAt)}</time>
            </dd>
          </div>
        </dl>
      </section>
      <SignInMethodsSection />
      <section className="card" aria-labelledby="change-email-heading">
        <h2 id="change-email-heading">Change email</h2>
        <p className="muted">
          We'll mail a link to the new address; your account moves there once you open it.
        </p>
        <ChangeEmailForm currentEmail={user.email} />
      </section>
      <section className="tiles" aria-label="Security">
        <Link to="/devices" className="tile">
          <span className="tile-title">Devices</span>
          <span className="tile-text">See where you're signed in and sign out any device.</span>
        </Link>
        <Link to="/password" className="tile">
          <span className="tile-title">Password</span>
          <span className="tile-text">Change your password; other devices are signed out.</span>
        </Link>
      </section>
    </div>
  );
}
