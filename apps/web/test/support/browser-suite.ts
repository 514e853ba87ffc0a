import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { DESKTOP, launchChromium, openContext } from "./chromium.ts";
import { Mailbox } from "./mailbox.ts";
import { type SesameApp, startSesameApp } from "./sesame-app.ts";

/**
 * The lifecycle every browser test file shares: one Chromium per file, one
 * fresh Sesame (server, database, built app) per test, closed after it.
 */
export function browserSuite() {
  let browser: Browser | undefined;
  let app: SesameApp | undefined;
  let mailbox: Mailbox | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  afterEach(async () => {
    // The server first: closing it waits for the mail it is still sending.
    await app?.close();
    await mailbox?.close();
    app = undefined;
    mailbox = undefined;
  });

  return {
    /** Starts this test's Sesame with extra environment. */
    async start(env: Record<string, string> = {}): Promise<SesameApp> {
      app = await startSesameApp(env);
      return app;
    },
    /** Starts this test's Sesame sending its mail over SMTP to an inbox the test reads. */
    async startWithMail(env: Record<string, string> = {}): Promise<[SesameApp, Mailbox]> {
      const opened = await Mailbox.open((smtpUrl) =>
        startSesameApp({ SMTP_URL: smtpUrl, MAIL_FROM: "Sesame <no-reply@sesame.test>", ...env }),
      );
      app = opened.app;
      mailbox = opened.mailbox;
      return [opened.app, opened.mailbox];
    },
    /**
     * A fresh browser profile (its own cookie jar) pointed at this test's
     * Sesame: at the address it listens on, or `at: "public"` at its
     * PUBLIC_URL (http://localhost:<port> unless set), for what the public
     * origin decides, such as a passkey's relying party: an IP address
     * cannot be one.
     */
    openContext(
      viewport = DESKTOP,
      at: "listening" | "public" = "listening",
    ): Promise<BrowserContext> {
      if (!browser || !app) throw new Error("Call start() before openContext().");
      return openContext(browser, at === "public" ? app.server.issuer : app.url, viewport);
    },
  };
}
