import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { DESKTOP, launchChromium, openContext } from "./chromium.ts";
import { type SesameApp, startSesameApp } from "./sesame-app.ts";

/**
 * The lifecycle every browser test file shares: one Chromium per file, one
 * fresh Sesame (server, database, built app) per test, closed after it.
 */
export function browserSuite() {
  let browser: Browser | undefined;
  let app: SesameApp | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  return {
    /** Starts this test's Sesame with extra environment. */
    async start(env: Record<string, string> = {}): Promise<SesameApp> {
      app = await startSesameApp(env);
      return app;
    },
    /** A fresh browser profile (its own cookie jar) pointed at this test's Sesame. */
    openContext(viewport = DESKTOP): Promise<BrowserContext> {
      if (!browser || !app) throw new Error("Call start() before openContext().");
      return openContext(browser, app.url, viewport);
    },
  };
}
