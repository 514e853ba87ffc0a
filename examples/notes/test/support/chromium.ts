import { type Browser, type BrowserContext, chromium } from "playwright-core";

/** The system's Chromium (Debian's), driven by playwright-core: no browser download. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** A fresh browser profile (its own cookies, storage and IndexedDB) on the app; waits fail after 10 s. */
export async function openProfile(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL });
  context.setDefaultTimeout(10_000);
  return context;
}
