import { existsSync } from "node:fs";

/** Debian's chromium: no test tool may download a browser of its own. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Headless, sandbox off (CI runs as root), and none of the background requests a closed network refuses. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const hasChromium = existsSync(CHROMIUM_PATH);
