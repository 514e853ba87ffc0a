import { useEffect } from "react";

/**
 * Each page names itself in the tab and to screen readers announcing the
 * navigation. A step shown inside a page (the code step of a log-in) names
 * itself too, and gives the page its name back when it is gone.
 */
export function usePageTitle(title: string): void {
  useEffect(() => {
    const before = document.title;
    document.title = `${title} · Sesame`;
    return () => {
      document.title = before;
    };
  }, [title]);
}
