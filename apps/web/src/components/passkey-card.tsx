import type { Passkey } from "@sesame/contracts";
import { useEffect, useRef, useState } from "react";
import { formatDateTime, formatRelative } from "../format/format-time.ts";
import { Spinner } from "./spinner.tsx";

interface PasskeyCardProps {
  passkey: Passkey;
  now: number;
  removing: boolean;
  disabled: boolean;
  onRemove: () => void;
}

/** What a passkey without a name is called: the page's list needs a word for each. */
export const passkeyName = (passkey: Passkey): string => passkey.name ?? "Unnamed passkey";

/**
 * One passkey as its owner recognises it: its name, when it was added and
 * last used, and whether it is synced (a copy on each of their devices,
 * through their password manager) or lives on one authenticator. Removing
 * asks first: a passkey removed cannot be added back without the device.
 */
export function PasskeyCard({ passkey, now, removing, disabled, onRemove }: PasskeyCardProps) {
  const name = passkeyName(passkey);
  const synced = passkey.deviceType === "multiDevice" || passkey.backedUp;
  const [confirming, setConfirming] = useState(false);
  const startButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  // The button pressed is replaced (by the confirmation, or back): the keyboard goes to its replacement.
  const toggled = useRef(false);
  useEffect(() => {
    if (toggled.current) (confirming ? cancelButton : startButton).current?.focus();
  }, [confirming]);
  const confirm = (next: boolean) => {
    toggled.current = true;
    setConfirming(next);
  };

  return (
    <li className="passkey">
      <div className="passkey-main">
        <p className="passkey-name">
          {name}
          {synced ? <span className="badge">Synced</span> : null}
        </p>
        <p className="passkey-meta">
          <span>
            Added{" "}
            <time dateTime={passkey.createdAt} title={formatDateTime(passkey.createdAt)}>
              {formatRelative(passkey.createdAt, now)}
            </time>
          </span>
          <span>
            {passkey.lastUsedAt ? (
              <>
                Last used{" "}
                <time dateTime={passkey.lastUsedAt} title={formatDateTime(passkey.lastUsedAt)}>
                  {formatRelative(passkey.lastUsedAt, now)}
                </time>
              </>
            ) : (
              "Not used yet"
            )}
          </span>
        </p>
      </div>
      {confirming ? (
        <div className="passkey-confirm">
          <p>You won't be able to sign in with this passkey any more.</p>
          <div className="actions">
            <button
              type="button"
              className="button button-danger"
              onClick={() => {
                if (!removing) onRemove();
              }}
              disabled={disabled && !removing}
              aria-disabled={removing || undefined}
              aria-busy={removing}
              aria-label={`Yes, remove ${name}`}
            >
              {removing ? (
                <>
                  <Spinner /> Removing…
                </>
              ) : (
                "Yes, remove"
              )}
            </button>
            <button
              ref={cancelButton}
              type="button"
              className="button button-quiet"
              onClick={() => confirm(false)}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button
          ref={startButton}
          type="button"
          className="button button-secondary"
          onClick={() => confirm(true)}
          disabled={disabled}
          aria-label={`Remove ${name}, added ${formatDateTime(passkey.createdAt)}`}
        >
          Remove…
        </button>
      )}
    </li>
  );
}
