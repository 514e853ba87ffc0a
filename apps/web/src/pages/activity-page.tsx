import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { ActivityItem } from "../components/activity-item.tsx";
import { ErrorAlert } from "../components/error-alert.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { QueryError } from "../components/query-error.tsx";
import { Spinner } from "../components/spinner.tsx";
import { describeError } from "../errors/describe-error.ts";
import { isFromSession, sessionUserAgents, visibleActivity } from "../format/describe-activity.ts";
import { describeDevice } from "../format/describe-device.ts";
import { useNow } from "../hooks/use-now.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

/** How many events one page fetches (the server allows up to 200). */
const PAGE_SIZE = 50;

export function ActivityPage() {
  usePageTitle("Recent activity");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const toggleHint = useId();
  const [showRefreshes, setShowRefreshes] = useState(false);
  // Pages chained by `before` (the last id of the page above): a refetch
  // walks them again from the newest, so events that arrived meanwhile push
  // the rest down without a gap or a repeat. Always fresh on arrival: the
  // user has just been acting elsewhere in the app.
  const activity = useInfiniteQuery({
    queryKey: [...trpc.audit.list.pathKey(), { pages: PAGE_SIZE }],
    queryFn: ({ pageParam }) =>
      queryClient.fetchQuery(
        trpc.audit.list.queryOptions({ limit: PAGE_SIZE, before: pageParam }, { staleTime: 0 }),
      ),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => (page.length < PAGE_SIZE ? undefined : page.at(-1)?.id),
    staleTime: 0,
  });
  // Only to mark this session's events.
  const sessions = useQuery(trpc.session.list.queryOptions());
  // The "Show older" button goes once there is nothing older: the keyboard
  // goes to the words that say so, if it was on the button.
  const olderButton = useRef<HTMLButtonElement>(null);
  const endNote = useRef<HTMLParagraphElement>(null);
  const [focusEnd, setFocusEnd] = useState(false);
  const hasOlder = activity.hasNextPage;
  useEffect(() => {
    if (focusEnd && !hasOlder) endNote.current?.focus();
  }, [focusEnd, hasOlder]);

  if (activity.isPending || sessions.isPending)
    return <PageLoading label="Loading your recent activity" />;
  if (activity.isError && !activity.isFetchNextPageError)
    return <QueryError error={activity.error} retry={() => void activity.refetch()} />;
  if (sessions.isError)
    return <QueryError error={sessions.error} retry={() => void sessions.refetch()} />;

  const events = activity.data.pages.flat();
  const currentSessionId = sessions.data.find((session) => session.current)?.id;
  const agents = sessionUserAgents(events);
  const { shown, refreshes } = visibleActivity(events, showRefreshes);
  const endedDevice = (sessionId: string | null) =>
    sessionId !== null && agents.has(sessionId)
      ? describeDevice(agents.get(sessionId) ?? null)
      : undefined;
  const loadingOlder = activity.isFetchingNextPage;
  const showOlder = () => {
    if (loadingOlder) return;
    setFocusEnd(document.activeElement === olderButton.current);
    void activity.fetchNextPage();
  };

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
      {shown.length === 0 && !hasOlder ? (
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
      <ErrorAlert error={activity.isFetchNextPageError ? describeError(activity.error) : null} />
      {hasOlder ? (
        <div className="activity-limit">
          {/* aria-disabled while loading, not disabled: a disabled button would drop the keyboard on <body>. */}
          <button
            ref={olderButton}
            type="button"
            className="button button-secondary"
            onClick={showOlder}
            aria-disabled={loadingOlder || undefined}
            aria-busy={loadingOlder}
          >
            {loadingOlder ? (
              <>
                <Spinner /> Loading older events…
              </>
            ) : (
              "Show older"
            )}
          </button>
        </div>
      ) : activity.data.pages.length > 1 ? (
        <p ref={endNote} className="muted activity-limit" tabIndex={-1}>
          No older events.
        </p>
      ) : null}
    </div>
  );
}
