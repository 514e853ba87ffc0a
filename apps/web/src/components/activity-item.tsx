import type { AppRouter } from "@sesame/server";
import type { inferRouterOutputs } from "@trpc/server";
import { describeActivity } from "../format/describe-activity.ts";
import { describeDevice } from "../format/describe-device.ts";
import { formatDateTime, formatRelative } from "../format/format-time.ts";

export type Activity = inferRouterOutputs<AppRouter>["audit"]["list"][number];

interface ActivityItemProps {
  event: Activity;
  now: number;
  /** Made by the session this browser is using. */
  current: boolean;
  /** The device of the session this event ended, for a device signed out or a reused token. */
  endedDevice?: string | undefined;
}

/** One security event as a person reads it: what happened, when, from which device and address. */
export function ActivityItem({ event, now, current, endedDevice }: ActivityItemProps) {
  const { title, detail, tone } = describeActivity(event.type, endedDevice);
  return (
    <li className={`activity activity-${tone}`}>
      <span className="activity-mark" aria-hidden="true" />
      <div className="activity-main">
        <p className="activity-title">
          <span>{title}</span>
          {current ? <span className="badge badge-accent">This session</span> : null}
        </p>
        {detail ? <p className="activity-detail">{detail}</p> : null}
        <p className="activity-meta">
          <span>{describeDevice(event.userAgent)}</span>
          <span>IP {event.ip ?? "unknown"}</span>
        </p>
      </div>
      <time className="activity-time" dateTime={event.at} title={formatDateTime(event.at)}>
        {formatRelative(event.at, now)}
      </time>
    </li>
  );
}
