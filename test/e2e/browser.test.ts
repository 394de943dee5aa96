import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "puppeteer-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDemoServer, type DemoServer } from "../../examples/demo/demo-server.mjs";
import { BROWSERS, hasBrowser, installHint, launchBrowser } from "../support/browsers.mjs";
import { ensureBuiltPackage, projectRoot } from "./built-package";

const SCREENSHOT_PATH = join(projectRoot, "test/artifacts/demo.png");
// The page's policy: fixed 500 ms, 4 attempts, stable after 1000 ms, connect timeout 3000 ms;
// heartbeat every 1000 ms.
const MAX_ATTEMPTS = 4;
const RETRY_DELAY_MS = 500;
const CONNECT_TIMEOUT_MS = 3000;
const WAIT_MS = 10_000;
// Another build of the package to serve instead of dist/ (e.g. one made with `tsup --out-dir`).
const distDir = process.env.SOCKET_STORE_DIST_DIR;
const hasChromium = hasBrowser("chromium");

if (!hasChromium) {
  console.warn(`e2e: skipped — ${BROWSERS.chromium.executablePath} not found (${installHint(["chromium"])})`);
}

const byTestId = (testId: string) => `[data-testid="${testId}"]`;

describe.skipIf(!hasChromium)("the demo page in Chromium", () => {
  let demo: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  let consoleLines: string[];

  beforeAll(async () => {
    if (distDir === undefined) await ensureBuiltPackage();
    demo = await startDemoServer({ tickMs: 250, ...(distDir === undefined ? {} : { distDir }) });
    browser = await launchBrowser("chromium");
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  beforeEach(async () => {
    demo.heal();
    pageErrors = [];
    consoleLines = [];
    context = await browser.createBrowserContext();
    page = await context.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on("pageerror", (error) => pageErrors.push((error as Error).message));
    page.on("console", (message) => consoleLines.push(message.text()));
    await page.goto(demo.url);
  });

  afterEach(async () => {
    await context?.close();
  });

  const statusIs = (status: string, timeout = WAIT_MS) => page.waitForSelector(`${byTestId("status")}[data-status="${status}"]`, { timeout });
  const transitionSeen = (from: string, to: string) => page.waitForSelector(`${byTestId("transition")}[data-from="${from}"][data-to="${to}"]`, { timeout: WAIT_MS });
  const transitions = () =>
    page.$$eval(byTestId("transition"), (items) => items.map((item) => `${(item as HTMLElement).dataset.from}→${(item as HTMLElement).dataset.to}`).reverse());
  const text = (testId: string) => page.$eval(byTestId(testId), (element) => element.textContent ?? "");
  /** Resolves once the element's text is `expected` (or, with `contains`, includes it). */
  const textIs = (testId: string, expected: string, { contains = false, timeout = WAIT_MS } = {}) =>
    page.waitForFunction(
      (selector, wanted, partial) => {
        const now = document.querySelector(selector)?.textContent ?? "";
        return partial ? now.includes(wanted) : now === wanted;
      },
      { timeout },
      byTestId(testId),
      expected,
      contains,
    );
  /** The states the diagram highlighted, in order, each with the event that led there. */
  const highlights = () => page.$$eval(byTestId("highlight"), (items) => items.map((item) => `${(item as HTMLElement).dataset.event} → ${(item as HTMLElement).dataset.state}`));
  const highlighted = (state: string, timeout = WAIT_MS) => page.waitForSelector(`${byTestId("machine-state")}[data-state="${state}"]`, { timeout });
  /** The boxes of the diagram marked current: the innermost state, and its parents. */
  const diagramMarks = () =>
    page.$$eval(`${byTestId("statechart")} [data-state].active-leaf, ${byTestId("statechart")} [data-state].active`, (boxes) =>
      boxes.map((box) => `${box.classList.contains("active-leaf") ? "current" : "parent"} ${(box as HTMLElement).dataset.state}`).sort(),
    );
  const fill = (testId: string, value: string) => page.locator(byTestId(testId)).fill(value);
  const click = (testId: string) => page.click(byTestId(testId));

  async function clockUpdatesAfter(previous: string): Promise<string> {
    await page.waitForFunction(
      (selector, before) => {
        const now = document.querySelector(selector)?.textContent ?? "";
        return now !== before && now !== "–";
      },
      { timeout: WAIT_MS },
      byTestId("clock"),
      previous,
    );
    return text("clock");
  }

  /** The only console lines allowed are the browser's own socket warnings: the package writes nothing. */
  function expectNoPackageOutput() {
    expect(pageErrors).toEqual([]);
    expect(consoleLines.filter((line) => !line.startsWith("WebSocket connection to"))).toEqual([]);
  }

  it("shows open once the socket connects, and the clock topic arrives", async () => {
    await statusIs("open");
    expect(await transitions()).toEqual(["connecting→open"]);
    expect(await text("attempt")).toBe("0");
    expect(await text("retry-delay")).toBe("–");
    const firstTick = await clockUpdatesAfter("–");
    expect(Number.isNaN(Date.parse(firstTick))).toBe(false);
    expectNoPackageOutput();
  });

  it("goes reconnecting, then open again when the server drops the connection, and the clock keeps updating", async () => {
    await statusIs("open");
    expect(demo.dropConnections()).toBe(1);

    await transitionSeen("open", "reconnecting");
    await transitionSeen("connecting", "open");
    await statusIs("open");
    expect(await transitions()).toEqual(["connecting→open", "open→reconnecting", "reconnecting→connecting", "connecting→open"]);
    expect(await text("last-close")).toContain("1006");

    const afterReconnect = await text("clock");
    await clockUpdatesAfter(afterReconnect);
    // Once the replacement has stayed open for maxDelayMs the outage is over.
    await textIs("attempt", "0");

    await fill("send-text", "after the drop");
    await click("send");
    await textIs("echo", "after the drop");
    expectNoPackageOutput();
  });

  it("ends in error after the budget while the server refuses upgrades, and retry now opens again once it accepts", async () => {
    await statusIs("open");
    demo.refuseUpgrades(60);
    demo.dropConnections();

    await statusIs("error");
    expect(await text("last-error")).toBe("ERR_RECONNECT_EXHAUSTED");
    expect(await text("attempt")).toBe(`${MAX_ATTEMPTS} of ${MAX_ATTEMPTS}`);
    const outage = (await transitions()).slice(1);
    expect(outage.filter((step) => step === "reconnecting→connecting")).toHaveLength(MAX_ATTEMPTS);
    expect(outage.at(-1)).toBe("connecting→error");

    await click("send");
    expect(await text("send-result")).toBe("ERR_SOCKET_NOT_OPEN");

    demo.stopRefusing();
    await click("retry");
    await statusIs("open");
    const afterRetry = await text("clock");
    await clockUpdatesAfter(afterRetry);
    await textIs("server-state", "healthy", { contains: true });

    mkdirSync(join(projectRoot, "test/artifacts"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
    expect(existsSync(SCREENSHOT_PATH)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it("stays closed after the close button, rejects sends with ERR_SOCKET_NOT_OPEN, and retry now opens again", async () => {
    await statusIs("open");
    await click("close");
    await statusIs("closed");
    expect(await transitions()).toEqual(["connecting→open", "open→closing", "closing→closed"]);

    await click("send");
    expect(await text("send-result")).toBe("ERR_SOCKET_NOT_OPEN");

    await click("retry");
    await statusIs("open");
    await click("send");
    expect(await text("send-result")).toBe("sent");
    expectNoPackageOutput();
  });

  it("draws the statechart from the machine and highlights live.open.stable inside live.open once the socket connects", async () => {
    await statusIs("open");
    await highlighted("live.open.stable");
    const boxes = await page.$$eval(`${byTestId("statechart")} svg [data-state]`, (items) => items.map((item) => (item as HTMLElement).dataset.state));
    expect(boxes).toEqual(
      expect.arrayContaining([
        "live.connecting",
        "live.connecting.handshake",
        "live.connecting.creatingSocket",
        "live.connecting.handshakeEnding",
        "live.open.settling",
        "live.closing.byStore",
        "disconnected.reconnecting",
        "disconnected.error",
      ]),
    );
    expect(await diagramMarks()).toEqual(["current live.open.stable", "parent live", "parent live.open"]);
    expect(await highlights()).toEqual(["xstate.init → live.connecting.handshake", "SOCKET.OPENED → live.open.stable"]);
    expectNoPackageOutput();
  });

  it("moves the highlight through disconnected.reconnecting, creatingSocket, handshake, live.open.settling and live.open.stable after a server drop", async () => {
    await highlighted("live.open.stable");
    expect(demo.dropConnections()).toBe(1);

    await highlighted("live.open.settling");
    expect(await diagramMarks()).toEqual(["current live.open.settling", "parent live", "parent live.open"]);
    await highlighted("live.open.stable");
    expect((await highlights()).slice(2)).toEqual([
      "SOCKET.CLOSED → disconnected.reconnecting",
      "xstate.after.backoff.reconnecting → live.connecting.creatingSocket.pending",
      "REPLACEMENT.READY → live.connecting.handshake",
      "SOCKET.OPENED → live.open.settling",
      "xstate.after.stabilityWindow.settling → live.open.stable",
    ]);
    expect(await diagramMarks()).toEqual(["current live.open.stable", "parent live", "parent live.open"]);
    expectNoPackageOutput();
  });

  it("highlights live.closing.byStore, then disconnected.closed, after the close button", async () => {
    await highlighted("live.open.stable");
    await click("close");
    await highlighted("disconnected.closed");
    expect((await highlights()).slice(2)).toEqual(["STORE.CLOSE → live.closing.byStore", "SOCKET.CLOSED → disconnected.closed"]);
    expect(await diagramMarks()).toEqual(["current disconnected.closed", "parent disconnected"]);
  });

  it("shows the connect timeout ending attempt after attempt while the server never answers upgrades, until error", async () => {
    await highlighted("live.open.stable");
    demo.neverAnswerUpgrades(60);
    demo.dropConnections();

    // Each attempt waits its delay, then the connect timeout ends it.
    await statusIs("error", MAX_ATTEMPTS * (RETRY_DELAY_MS + CONNECT_TIMEOUT_MS) + WAIT_MS);
    expect(await text("last-error")).toBe("ERR_RECONNECT_EXHAUSTED");
    expect(await text("attempt")).toBe(`${MAX_ATTEMPTS} of ${MAX_ATTEMPTS}`);
    expect(await text("last-close")).toBe("1006 (not clean)");
    const outage = ["open→reconnecting"];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) outage.push("reconnecting→connecting", attempt < MAX_ATTEMPTS ? "connecting→reconnecting" : "connecting→error");
    expect((await transitions()).slice(1)).toEqual(outage);
    const timeouts = await page.$$eval(`${byTestId("log")} li`, (items) => items.filter((item) => item.textContent?.endsWith("error ERR_CONNECT_TIMEOUT")).length);
    expect(timeouts).toBe(MAX_ATTEMPTS);
    // The last attempt in the diagram: its handshake, the timeout, the store ending it in error.
    expect((await highlights()).slice(-3)).toEqual([
      "REPLACEMENT.READY → live.connecting.handshake",
      "xstate.after.connectTimeout.connecting → live.connecting.handshakeEnding",
      "STORE.DROP → disconnected.error",
    ]);
    expect(demo.state().unanswered).toBe(MAX_ATTEMPTS);
    expect(await text("connect-timeout")).toBe(`${CONNECT_TIMEOUT_MS / 1000} s`);

    await click("server-heal");
    await textIs("server-state", "healthy", { contains: true });
    await click("retry");
    await statusIs("open");
    expectNoPackageOutput();
  }, MAX_ATTEMPTS * (RETRY_DELAY_MS + CONNECT_TIMEOUT_MS) + 3 * WAIT_MS);

  it("catches a connection that goes silent with the heartbeat: heartbeat timeout, reconnecting, then open on a fresh connection", async () => {
    await statusIs("open");
    await highlighted("live.open.stable");
    const before = demo.state();
    expect(demo.silenceConnections()).toBe(1);

    await transitionSeen("open", "reconnecting");
    await transitionSeen("connecting", "open");
    await statusIs("open");
    expect(await text("last-close")).toBe('1006 "heartbeat timeout" (not clean)');
    expect(await transitions()).toEqual(["connecting→open", "open→reconnecting", "reconnecting→connecting", "connecting→open"]);
    await highlighted("live.open.stable");
    expect((await highlights()).slice(2, 4)).toEqual(["STORE.DROP → disconnected.reconnecting", "xstate.after.backoff.reconnecting → live.connecting.creatingSocket.pending"]);

    // The server closed nothing: the page left the silent connection and opened a new one.
    const after = demo.state();
    expect({
      silenced: after.silenced - before.silenced,
      dropped: after.dropped - before.dropped,
      closed: after.closed - before.closed,
      accepted: after.accepted - before.accepted,
    }).toEqual({ silenced: 1, dropped: 0, closed: 0, accepted: 1 });
    const afterReconnect = await text("clock");
    await clockUpdatesAfter(afterReconnect);
    expectNoPackageOutput();
  });

  it("drives the server faults from the page's own buttons", async () => {
    await statusIs("open");
    await page.select(byTestId("server-close-code"), "4401");
    await click("server-close");
    await transitionSeen("open", "reconnecting");
    await statusIs("open");
    expect(await text("last-close")).toContain("4401");

    await fill("server-refuse-seconds", "60");
    await click("server-refuse");
    await textIs("server-state", "refusing", { contains: true });
    await click("server-drop");
    await statusIs("error");

    await click("server-heal");
    await textIs("server-state", "healthy", { contains: true });
    await click("retry");
    await statusIs("open");

    await fill("server-never-answer-seconds", "60");
    await click("server-never-answer");
    await textIs("server-state", "not answering upgrades", { contains: true });
    expect(demo.state().neverAnswering).toBe(true);
    await click("server-heal");
    await textIs("server-state", "healthy", { contains: true });
    expect(demo.state().neverAnswering).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it("silences the connection from the page's go silent button, and the heartbeat reopens it", async () => {
    await statusIs("open");
    await click("server-silence");
    await textIs("last-close", "heartbeat timeout", { contains: true });
    await transitionSeen("reconnecting", "connecting");
    await statusIs("open");
    expect(pageErrors).toEqual([]);
  });
});
