import type { AuditTrail } from "../audit/audit-trail.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { MailMessage, MailTransport } from "./mail-transport.ts";

/** A composed mail and the account it is about (for its `email_sent` / `email_failed` audit event). */
export interface ComposedMail {
  message: MailMessage;
  userId: string;
}

/** One mail to send: written by `compose` off the request path; nothing to send if it answers undefined. */
export interface MailJob {
  /** What the job is, for the log line if it fails (never the link). */
  label: string;
  meta: RequestMeta;
  compose: () => Promise<ComposedMail | undefined>;
}

/** Waits between the tries of one mail: a relay that greylists or restarts gets minutes, not milliseconds. */
export const MAIL_RETRY_DELAYS_MS = [2_000, 10_000, 60_000] as const;

/**
 * Sends mail off the request path. A request that mails something answers
 * at once, whatever the mail costs: so a reset asked for a known address
 * takes the same time as one for an unknown address (where `compose` finds
 * nothing to send), and a slow or failing relay never becomes an error page.
 * A failed send is logged and tried again after each of `retryDelaysMs`;
 * the link's token row stays, so a mail that finally goes out still works.
 */
export class MailQueue {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly transport: MailTransport,
    private readonly audit: AuditTrail,
    private readonly log: (line: string) => void,
    private readonly retryDelaysMs: readonly number[] = MAIL_RETRY_DELAYS_MS,
  ) {}

  /** Starts the job and returns at once; `drain` waits for it. */
  enqueue(job: MailJob): void {
    const running = this.run(job).finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }

  /** Resolves once every job enqueued so far is done (sent, or given up on): for shutdown and tests. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async run(job: MailJob): Promise<void> {
    let composed: ComposedMail | undefined;
    try {
      composed = await job.compose();
    } catch (error) {
      this.log(`mail: could not prepare ${job.label}: ${describe(error)}`);
      return;
    }
    if (!composed) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.transport.send(composed.message);
        await this.recorded("email_sent", job, composed.userId);
        return;
      } catch (error) {
        const delay = this.retryDelaysMs[attempt];
        const next = delay === undefined ? "giving up" : `trying again in ${delay / 1000} s`;
        this.log(`mail: sending ${job.label} failed (${describe(error)}); ${next}`);
        if (delay === undefined) {
          await this.recorded("email_failed", job, composed.userId);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** The audit event of the outcome; a failure to write it is logged, never thrown into nowhere. */
  private async recorded(
    type: "email_sent" | "email_failed",
    job: MailJob,
    userId: string,
  ): Promise<void> {
    try {
      await this.audit.record(type, { userId }, job.meta);
    } catch (error) {
      this.log(`mail: could not record ${type} for ${job.label}: ${describe(error)}`);
    }
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** The transport of a core given none: every send fails, and says why in the log. */
export const noMailTransport: MailTransport = {
  send: () => Promise.reject(new Error("no mail transport is configured")),
};
