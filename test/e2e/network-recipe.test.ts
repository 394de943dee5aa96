import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import type { Browser, BrowserContext, Page } from "puppeteer-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BROWSERS, hasBrowser, installHint, launchBrowser } from "../support/browsers.mjs";
import { startFaultServer, type FaultServer } from "../support/fault-server.mjs";
import { ensureBuiltPackage, projectRoot } from "./built-package";

const WAIT_MS = 10_000;
const builtEntry = join(projectRoot, "dist/index.js");

const hasChromium = hasBrowser("chromium");
if (!hasChromium) {
  console.warn(`e2e: skipped — ${BROWSERS.chromium.executablePath} not found (${installHint(["chromium"])})`);
}

/**
 * The page: the built package and the recipe, with a store whose own retries wait a minute, so
 * that only the recipe's reconnect() on `online` can bring it back within the test.
 */
const PAGE_SCRIPT = `
import { SocketStore } from "socket-store";
import { watchNetwork } from ${JSON.stringify(join(projectRoot, "examples/recipes/network.ts"))};

const log = { windowEvents: [], statuses: [], closes: [] };
window.__log = log;
const url = "ws://" + location.host + "/feed";
const store = new SocketStore(new WebSocket(url), {
  onClose: (event) => log.closes.push({ code: event.code, reason: event.reason }),
}, { reconnect: { enabled: true, backoff: "fixed", initialDelayMs: 60000, maxDelayMs: 60000 } });
log.statuses.push(store.status);
store.subscribe(() => {
  if (log.statuses.at(-1) !== store.status) log.statuses.push(store.status);
});
window.__store = store;
window.__stopWatching = watchNetwork(store, { window, document });
// Added after the recipe's listeners: when these run, the recipe has handled the event.
for (const type of ["offline", "online"]) {
  window.addEventListener(type, () => log.windowEvents.push({ type, status: store.status, lastClose: store.getSnapshot().lastClose }));
}
`;

/** Points the recipe's import of the package source at the built package, so the page runs what users install. */
const useBuiltPackage: Plugin = {
  name: "use-built-package",
  setup(esbuild) {
    esbuild.onResolve({ filter: /^socket-store$|\/src\/index\.js$/ }, () => ({ path: builtEntry }));
  },
};

async function bundlePage(dir: string): Promise<void> {
  const entry = join(dir, "page.js");
  writeFileSync(entry, PAGE_SCRIPT);
  writeFileSync(join(dir, "index.html"), '<!doctype html><meta charset="utf-8"><title>network recipe</title><script type="module" src="/page.bundle.js"></script>');
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: join(dir, "page.bundle.js"),
    nodePaths: [join(projectRoot, "node_modules")],
    plugins: [useBuiltPackage],
    logLevel: "silent",
  });
}

/** The fault server at /feed (answering "ping" with "pong"), also serving the page. */
function startPageServer(dir: string): Promise<FaultServer> {
  const files: Record<string, [string, string]> = {
    "/": ["index.html", "text/html; charset=utf-8"],
    "/page.bundle.js": ["page.bundle.js", "text/javascript; charset=utf-8"],
  };
  return startFaultServer({
    path: "/feed",
    onRequest(request, response) {
      const file = files[new URL(request.url ?? "/", "http://127.0.0.1").pathname];
      if (!file) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": file[1], "cache-control": "no-store" });
      response.end(readFileSync(join(dir, file[0])));
    },
    onMessage: (connection, data) => {
      if (String(data) === "ping") connection.send("pong");
    },
  });
}

interface PageLog {
  windowEvents: { type: string; status: string; lastClose: { code: number; reason: string; wasClean: boolean } | null }[];
  statuses: string[];
  closes: { code: number; reason: string }[];
}

describe.skipIf(!hasChromium)("the network recipe in Chromium", () => {
  let dir: string;
  let server: FaultServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    await ensureBuiltPackage();
    dir = mkdtempSync(join(tmpdir(), "socket-store-network-recipe-"));
    await bundlePage(dir);
    server = await startPageServer(dir);
    browser = await launchBrowser("chromium");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    server.reset();
    pageErrors = [];
    context = await browser.createBrowserContext();
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push((error as Error).message));
    await page.goto(`${server.url}/`);
  });

  afterEach(async () => {
    await context?.close();
  });

  const status = () => page.evaluate(() => (window as unknown as { __store: { status: string } }).__store.status);
  const pageLog = () => page.evaluate(() => (window as unknown as { __log: PageLog }).__log);
  const statusIs = (expected: string) =>
    page.waitForFunction((value) => (window as unknown as { __store: { status: string } }).__store.status === value, { timeout: WAIT_MS }, expected);

  it("drops the connection when the browser goes offline, and is open again on a fresh connection as soon as it is back online", async () => {
    await statusIs("open");
    expect(server.state().accepted).toBe(1);

    await page.setOfflineMode(true);
    await page.waitForFunction(() => (window as unknown as { __log: PageLog }).__log.windowEvents.length === 1, { timeout: WAIT_MS });
    const [offline] = (await pageLog()).windowEvents;
    expect(offline!.type).toBe("offline");
    // Chromium's offline emulation leaves an open WebSocket alone: the recipe is what ends it.
    expect(offline!.status).toBe("reconnecting");
    expect(offline!.lastClose).toEqual({ code: 1006, reason: "offline", wasClean: false });
    expect(await status()).toBe("reconnecting");

    await page.setOfflineMode(false);
    await statusIs("open");
    const log = await pageLog();
    expect(log.windowEvents.map((event) => event.type)).toEqual(["offline", "online"]);
    expect(log.statuses).toEqual(["connecting", "open", "reconnecting", "connecting", "open"]);
    expect(server.state().accepted).toBe(2);
    expect(pageErrors).toEqual([]);
  });

  it("removes its listeners when stopped: going offline then leaves the connection alone", async () => {
    await statusIs("open");
    await page.evaluate(() => (window as unknown as { __stopWatching: () => void }).__stopWatching());
    await page.setOfflineMode(true);
    await page.waitForFunction(() => (window as unknown as { __log: PageLog }).__log.windowEvents.length === 1, { timeout: WAIT_MS });
    const [offline] = (await pageLog()).windowEvents;
    expect(offline).toEqual({ type: "offline", status: "open", lastClose: null });
    await page.setOfflineMode(false);
    await page.waitForFunction(() => (window as unknown as { __log: PageLog }).__log.windowEvents.length === 2, { timeout: WAIT_MS });
    expect((await pageLog()).statuses).toEqual(["connecting", "open"]);
    expect(server.state().accepted).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
