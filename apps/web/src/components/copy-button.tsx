import { useEffect, useState } from "react";

type Outcome = "idle" | "copied" | "failed";

/**
 * Copies `text` and says so in its own label for a few seconds ("Copied"),
 * announced politely. Where the clipboard is refused (an old browser, a
 * denied permission), it says to copy by hand: the text is on the page.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [outcome, setOutcome] = useState<Outcome>("idle");
  useEffect(() => {
    if (outcome === "idle") return;
    const timer = setTimeout(() => setOutcome("idle"), 4000);
    return () => clearTimeout(timer);
  }, [outcome]);

  const copy = () => {
    if (!navigator.clipboard) {
      setOutcome("failed");
      return;
    }
    navigator.clipboard.writeText(text).then(
      () => setOutcome("copied"),
      () => setOutcome("failed"),
    );
  };

  return (
    <>
      <button type="button" className="button button-secondary" onClick={copy}>
        {outcome === "copied" ? "Copied" : label}
      </button>
      <span className="live-region" role="status">
        {outcome === "failed" ? "Couldn't copy: select the text and copy it yourself." : null}
        {outcome === "copied" ? <span className="visually-hidden">Copied.</span> : null}
      </span>
    </>
  );
}
