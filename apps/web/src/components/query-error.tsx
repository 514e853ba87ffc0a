import { describeError } from "../errors/describe-error.ts";
import { ErrorAlert } from "./error-alert.tsx";

/** A page whose data failed to load: why, and a way to try again. */
export function QueryError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="stack">
      <ErrorAlert error={describeError(error)} />
      <div>
        <button type="button" className="button button-secondary" onClick={retry}>
          Try again
        </button>
      </div>
    </div>
  );
}
