import { describeError } from "../errors/describe-error.ts";
import { ErrorAlert } from "./error-alert.tsx";
import { FormAlert } from "./form-alert.tsx";
import { Spinner } from "./spinner.tsx";

interface NewLinkOfferProps {
  /** Where the new link goes (LINK_EXPIRED's `data.email`), to name it once it is sent. */
  to: string | undefined;
  pending: boolean;
  sent: boolean;
  /** The request's failure, e.g. RATE_LIMITED with when to try again. */
  error: unknown;
  onSend: () => void;
}

/**
 * For a link that expired: one click mails a new one to the same address,
 * without typing it again. A newer link replaces the older ones, so the
 * message says which mail to open.
 */
export function NewLinkOffer({ to, pending, sent, error, onSend }: NewLinkOfferProps) {
  return (
    <div className="stack">
      {/* The button is gone once the link is sent: the keyboard goes to the message. */}
      <FormAlert tone="success" takeFocus>
        {sent ? (
          <>
            We've sent a new link
            {to ? (
              <>
                {" "}
                to <strong className="break">{to}</strong>
              </>
            ) : null}
            . Open the newest mail: earlier links no longer work.
          </>
        ) : null}
      </FormAlert>
      <ErrorAlert error={error ? describeError(error) : null} />
      {sent ? null : (
        <div>
          {/* aria-disabled while sending, not disabled: that would drop the keyboard on <body>. */}
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              if (!pending) onSend();
            }}
            aria-disabled={pending || undefined}
            aria-busy={pending}
          >
            {pending ? <Spinner /> : null} Email me a new link
          </button>
        </div>
      )}
    </div>
  );
}
