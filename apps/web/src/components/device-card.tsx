import type { AppRouter } from "@sesame/trpc";
import type { inferRouterOutputs } from "@trpc/server";
import { describeDevice } from "../format/describe-device.ts";
import { formatDateTime, formatRelative } from "../format/format-time.ts";
import { Spinner } from "./spinner.tsx";

export type Device = inferRouterOutputs<AppRouter>["session"]["list"][number];

interface DeviceCardProps {
  device: Device;
  now: number;
  revoking: boolean;
  disabled: boolean;
  onRevoke: () => void;
}

/** One signed-in session as a person recognises it: which browser, where from, when. */
export function DeviceCard({ device, now, revoking, disabled, onRevoke }: DeviceCardProps) {
  const name = describeDevice(device.userAgent);
  return (
    <li
      className={device.current ? "device device-current" : "device"}
      aria-current={device.current || undefined}
    >
      <div className="device-main">
        <p className="device-name">
          {name}
          {device.current ? <span className="badge badge-accent">This device</span> : null}
        </p>
        <p className="device-meta">
          <span>IP {device.ip ?? "unknown"}</span>
          <span>
            Signed in{" "}
            <time dateTime={device.createdAt} title={formatDateTime(device.createdAt)}>
              {formatRelative(device.createdAt, now)}
            </time>
          </span>
          <span>
            Last active{" "}
            <time dateTime={device.lastUsedAt} title={formatDateTime(device.lastUsedAt)}>
              {formatRelative(device.lastUsedAt, now)}
            </time>
          </span>
        </p>
      </div>
      {device.current ? null : (
        <button
          type="button"
          className="button button-secondary"
          onClick={onRevoke}
          disabled={disabled || revoking}
          aria-busy={revoking}
          aria-label={`Sign out ${name}, signed in ${formatDateTime(device.createdAt)}`}
        >
          {revoking ? (
            <>
              <Spinner /> Signing out…
            </>
          ) : (
            "Sign out"
          )}
        </button>
      )}
    </li>
  );
}
