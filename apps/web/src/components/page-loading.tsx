import { Spinner } from "./spinner.tsx";

/** A page waiting for its data; the label says what for. */
export function PageLoading({ label }: { label: string }) {
  return (
    <div className="page-loading" role="status">
      <Spinner />
      <span>{label}…</span>
    </div>
  );
}
