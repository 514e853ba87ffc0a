import type { AppRouter } from "@sesame/trpc";
import type { inferRouterOutputs } from "@trpc/server";
import { describeActivity } from "../format/describe-activity.ts";
import { describeDevice } from "../format/describe-device.ts";
import { formatDateTime, formatDateTimeSpan, formatRelative } from "../format/format-time.ts";

export type Activity = inferRouterOutputs<AppRouter>["audit"]["list"][number];

interface ActivityItemProps {
  event: Activity;
  now: number;
  /** Made by the session this browser is using. */
  current: boolean;
  /** The device of the session this event ended, for a device signed out or a reused token. */
  endedDevice?: string | undefined;
}

/**
 * One security event as a person reads it: what happened, when, from which
 * device and address. A row standing for repeated events (failed sign-ins,
 * refreshes) says how many and over what span; its device, address and time
 * are the latest one's.
 */
export function ActivityItem({ event, now, current, endedDevice }: ActivityItemProps) {
  const { title, detail, tone } = describeActivity(
    event.type,
    endedDevice,
    event.count,
    event.detail,
  );
  const repeated = event.count > 1;
  return (
    <li className={`activity activity-${tone}`}>
      <span className="activity-mark" aria-hidden="true" />
      <div className="activity-main">
        <p className="activity-title">
          <span>{title}</span>
          {current ? <span className="badge badge-accent">This session</span> : null}
        </p>
        {detail ? <p className="activity-detail">{detail}</p> : null}
        {repeated ? <ActivitySpan firstAt={event.firstAt} at={event.at} /> : null}
        <p className="activity-meta">
          <span>
            {repeated ? "Last from " : null}
            {describeDevice(event.userAgent)}
          </span>
          <span>IP {event.ip ?? "unknown"}</span>
        </p>
      </div>
      <time className="activity-time" dateTime={event.at} title={formatDateTime(event.at)}>
        {formatRelative(event.at, now)}
      </time>
    </li>
  );
}

/** When the first and the last of a row's events happened, in words and machine-readable. */
function ActivitySpan({ firstAt, at }: { firstAt: string; at: string }) {
  const { from, to } = formatDateTimeSpan(firstAt, at);
  return (
    <p className="activity-detail activity-span">
      {to === undefined ? (
        <>
          All at <time dateTime={firstAt}>{from}</time>
        </>
      ) : (
        <>
          From <time dateTime={firstAt}>{from}</time> to <time dateTime={at}>{to}</time>
        </>
      )}
    </p>
  );
}
