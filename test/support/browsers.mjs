// The browsers the tests and the runtime scenarios drive: Debian's chromium and firefox-esr, both
// launched with puppeteer-core (Chromium over CDP, Firefox over WebDriver BiDi). No test tool may
// download a browser of its own, so this is the one place that knows where they are.
import { existsSync } from "node:fs";

/** Headless, sandbox off (CI runs as root), and none of the background requests a closed network refuses. */
export const CHROMIUM_FLAGS = Object.freeze([
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
]);

export const BROWSERS = Object.freeze({
  chromium: Object.freeze({ name: "Chromium", executablePath: "/usr/bin/chromium", apt: "chromium" }),
  firefox: Object.freeze({ name: "Firefox ESR", executablePath: "/usr/bin/firefox-esr", apt: "firefox-esr" }),
});

/** Whether Debian's `kind` browser is installed. */
export function hasBrowser(kind) {
  return existsSync(BROWSERS[kind].executablePath);
}

/** The line that installs the browsers named (all by default). */
export function installHint(kinds = Object.keys(BROWSERS)) {
  return `apt-get install -y --no-install-recommends ${kinds.map((kind) => BROWSERS[kind].apt).join(" ")}`;
}

/**
 * Launches Debian's Chromium or Firefox ESR headless with puppeteer-core.
 * @param {"chromium" | "firefox"} kind
 * @returns {Promise<import("puppeteer-core").Browser>}
 */
export async function launchBrowser(kind) {
  const { executablePath } = BROWSERS[kind];
  if (!existsSync(executablePath)) throw new Error(`${executablePath} is missing: ${installHint([kind])}`);
  const { default: puppeteer } = await import("puppeteer-core");
  if (kind === "firefox") {
    return puppeteer.launch({ browser: "firefox", executablePath, protocol: "webDriverBiDi", headless: true });
  }
  return puppeteer.launch({ browser: "chrome", executablePath, args: [...CHROMIUM_FLAGS], headless: true });
}

/** `Chromium 156.0.8078.108` / `Firefox 153.8.0esr`: the browser's name and version. */
export async function browserVersion(browser) {
  const version = await browser.version();
  return version.replace(/^(?:Headless)?Chrome\//i, "Chromium ").replace(/^firefox\//i, "Firefox ");
}
