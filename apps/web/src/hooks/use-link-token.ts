import { emailLinkTokenSchema } from "@sesame/contracts";
import { useEffect, useState } from "react";

/**
 * The token of an emailed link (`<page>#token=…`), read once as the page
 * opens. The fragment then leaves the address bar, so the token is not kept
 * in history or copied along with the address; the one call that consumes
 * it is the only place it is ever sent (a fragment never reaches a server,
 * nor a Referer). Null when there is no token, or none a link of ours could
 * carry (cut short by a mail client, say), so nothing is posted for it.
 */
export function useLinkToken(): string | null {
  // Read during the first render, before the effect below removes it.
  const [token] = useState(readToken);
  useEffect(() => {
    const { pathname, search, hash } = window.location;
    // The router's entry state is kept, so Back and Forward still work.
    if (hash !== "") window.history.replaceState(window.history.state, "", pathname + search);
    // Another link pasted into this tab changes only the fragment, and a browser does not load
    // the page again for that: loading it here opens the new link as if in a new tab.
    const openNewLink = () => {
      if (new URLSearchParams(window.location.hash.slice(1)).has("token")) window.location.reload();
    };
    window.addEventListener("hashchange", openNewLink);
    return () => window.removeEventListener("hashchange", openNewLink);
  }, []);
  return token;
}

function readToken(): string | null {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
  return emailLinkTokenSchema.safeParse(token).success ? token : null;
}
