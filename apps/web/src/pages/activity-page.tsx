import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Link } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { ActivityItem } from "../components/activity-item.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { QueryError } from "../components/query-error.tsx";
import { isFromSession, sessionUserAgents, visibleActivity } from "../format/describe-activity.ts";
import { describeDevice } from "../format/describe-device.ts";
import { useNow } from "../hooks/use-now.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

/** How many of the newest events to fetch (the server allows up to 200). */
const LIMIT = 100;

export function ActivityPage() {
  usePageTitle("Recent activity");
  const trpc = useTRPC();
  const now = useNow(30_000);
  const toggleHint = useId();
  const [showRefreshes, setShowRefreshes] = useState(false);
  // Always fresh on arrival: the user has just been acting elsewhere in the app.
  const activity = useQuery(trpc.audit.list.queryOptions({ limit: LIMIT }, { staleTime: 0 }));
  // Only to mark this session's events.
  const sessions = useQuery(trpc.session.list.queryOptions());

  if (activity.isPending || sessions.isPending)
    return <PageLoading label="Loading your recent activity" />;
  if (activity.isError || sessions.isError)
    return (
      <QueryError
        error={activity.error ?? sessions.error}
        retry={() => {
          if (activity.isError) void activity.refetch();
          if (sessions.isError) void sessions.refetch();
        }}
      />
    );

  const currentSessionId = sessions.data.find((session) => session.current)?.id;
  const agents = sessionUserAgents(activity.data);
  const { shown, refreshes } = visibleActivity(activity.data, showRefreshes);
  const endedDevice = (sessionId: string | null) =>
    sessionId !== null && agents.has(sessionId)
      ? describeDevice(agents.get(sessionId) ?? null)
      : undefined;

  return (
    <div className="stack-lg">
      <header className="page-header">
        <h1>Recent activity</h1>
        <p className="lead">
          Sign-ins and other security events on your account, newest first. Don't recognise
          something? Sign out that device on <Link to="/devices">Devices</Link> and{" "}
          <Link to="/password">change your password</Link>.
        </p>
      </header>
      <div className="check">
        <input
          id={`${toggleHint}-toggle`}
          type="checkbox"
          className="check-input"
          checked={showRefreshes}
          onChange={(change) => setShowRefreshes(change.target.checked)}
          aria-describedby={toggleHint}
        />
        <label htmlFor={`${toggleHint}-toggle`} className="check-label">
          Show session refreshes ({refreshes})
        </label>
        <p id={toggleHint} className="check-hint">
          Your browser renews its sign-in on every visit and every few minutes while you use Sesame.
        </p>
      </div>
      {shown.length === 0 ? (
        <div className="card empty">
          <h2>Nothing to show yet</h2>
          <p className="muted">
            {refreshes > 0
              ? "Only session refreshes so far: tick the box above to see them."
              : "Sign-ins, sign-outs and password changes will appear here."}
          </p>
        </div>
      ) : (
        <ol className="activity-list" aria-label="Security events">
          {shown.map((event) => (
            <ActivityItem
              key={event.id}
              event={event}
              now={now}
              current={isFromSession(event, currentSessionId)}
              endedDevice={endedDevice(event.sessionId)}
            />
          ))}
        </ol>
      )}
      {activity.data.length === LIMIT ? (
        <p className="muted activity-limit">Showing your latest {LIMIT} events.</p>
      ) : null}
    </div>
  );
}
