import { Spinner } from "./spinner.tsx";

/** While the session is being restored (a reload, a new tab): nothing to show yet but that. */
export function LoadingScreen() {
  return (
    <div className="loading-screen" role="status">
      <Spinner />
      <span>Loading…</span>
    </div>
  );
}
