import { formatClock, formatCountdown } from "../format/format-time.ts";
import { useNow } from "../hooks/use-now.ts";

/** "Try again in 0:42 (at 14:03:10)", ticking down, for a RATE_LIMITED answer. */
export function RetryCountdown({ retryAt }: { retryAt: number }) {
  const now = useNow(1000);
  const remaining = retryAt - now / 1000;
  if (remaining <= 0) return <span>You can try again now.</span>;
  return (
    <span>
      Try again in <strong>{formatCountdown(remaining)}</strong> (at {formatClock(retryAt)}).
    </span>
  );
}
