import type { Browser } from "puppeteer-core";

export type BrowserKind = "chromium" | "firefox";

/** Chromium's command-line flags for a headless run with no background requests. */
export const CHROMIUM_FLAGS: readonly string[];

/** Debian's browsers: where each is installed and its apt package. */
export const BROWSERS: Readonly<Record<BrowserKind, { readonly name: string; readonly executablePath: string; readonly apt: string }>>;

/** Whether Debian's `kind` browser is installed. */
export function hasBrowser(kind: BrowserKind): boolean;

/** The apt-get line that installs the browsers named (all by default). */
export function installHint(kinds?: BrowserKind[]): string;

/** Launches Debian's Chromium (CDP) or Firefox ESR (WebDriver BiDi) headless with puppeteer-core. */
export function launchBrowser(kind: BrowserKind): Promise<Browser>;

/** `Chromium 156.0.8078.108` / `Firefox 153.8.0esr`: the browser's name and version. */
export function browserVersion(browser: Browser): Promise<string>;
