import { useEffect, useRef } from "react";

/**
 * Runs `action` the first time `ready` holds, and never again while the
 * page lives. Effects may run more than once (React's StrictMode mounts,
 * unmounts and mounts again in development), and an emailed link works
 * once: a second post would spend it, or be told LINK_INVALID after the
 * first succeeded.
 */
export function useOnce(ready: boolean, action: () => void): void {
  const done = useRef(false);
  useEffect(() => {
    if (!ready || done.current) return;
    done.current = true;
    action();
  });
}
