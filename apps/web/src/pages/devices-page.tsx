import { useSession } from "@sesame/client/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "../api/trpc.ts";
import { type Device, DeviceCard } from "../components/device-card.tsx";
import { ErrorAlert } from "../components/error-alert.tsx";
import { FormAlert } from "../components/form-alert.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { QueryError } from "../components/query-error.tsx";
import { Spinner } from "../components/spinner.tsx";
import { describeError } from "../errors/describe-error.ts";
import { describeDevice } from "../format/describe-device.ts";
import { useNow } from "../hooks/use-now.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

/** This device first, then the most recently active. */
const byRelevance = (a: Device, b: Device) =>
  Number(b.current) - Number(a.current) || b.lastUsedAt.localeCompare(a.lastUsedAt);

export function DevicesPage() {
  usePageTitle("Devices");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useSession();
  const now = useNow(30_000);
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
  const [revoked, setRevoked] = useState<string | null>(null);
  const devices = useQuery(trpc.session.list.queryOptions());

  const revoke = useMutation(
    trpc.session.revoke.mutationOptions({
      onSuccess: (_result, input) => {
        const device = devices.data?.find((d) => d.id === input.sessionId);
        setRevoked(`Signed out ${describeDevice(device?.userAgent ?? null)}.`);
        return queryClient.invalidateQueries({ queryKey: trpc.session.list.queryKey() });
      },
    }),
  );
  const logoutAll = useMutation(
    trpc.auth.logoutAll.mutationOptions({ onSuccess: () => session.endSession("SIGNED_OUT") }),
  );
  const failure = revoke.error ?? logoutAll.error;

  if (devices.isPending) return <PageLoading label="Loading your devices" />;
  if (devices.isError)
    return <QueryError error={devices.error} retry={() => void devices.refetch()} />;

  const sorted = [...devices.data].sort(byRelevance);
  return (
    <div className="stack-lg">
      <header className="page-header">
        <h1>Devices</h1>
        <p className="lead">
          Browsers and apps signed in to your account. Sign out any you don't recognise.
        </p>
      </header>
      <ErrorAlert error={failure ? describeError(failure) : null} />
      {/* The card whose button was pressed is gone; the keyboard goes to what happened. */}
      <FormAlert tone="success" takeFocus>
        {revoked}
      </FormAlert>
      <ul className="device-list" aria-label="Signed-in devices">
        {sorted.map((device) => (
          <DeviceCard
            key={device.id}
            device={device}
            now={now}
            revoking={revoke.isPending && revoke.variables?.sessionId === device.id}
            disabled={revoke.isPending}
            onRevoke={() => {
              setRevoked(null);
              revoke.mutate({ sessionId: device.id });
            }}
          />
        ))}
      </ul>
      <section className="card card-danger" aria-labelledby="everywhere-heading">
        <h2 id="everywhere-heading">Log out everywhere</h2>
        <p>
          Signs out all {sorted.length} {sorted.length === 1 ? "device" : "devices"}, this one
          included. Use it if you lost a device or think someone else is signed in.
        </p>
        {confirming ? (
          <div className="actions">
            <button
              type="button"
              className="button button-danger"
              onClick={() => logoutAll.mutate()}
              disabled={logoutAll.isPending}
              aria-busy={logoutAll.isPending}
            >
              {logoutAll.isPending ? <Spinner /> : null} Yes, log out everywhere
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
        ) : (
          <button
            ref={startButton}
            type="button"
            className="button button-danger"
            onClick={() => confirm(true)}
          >
            Log out everywhere…
          </button>
        )}
      </section>
    </div>
  );
}
