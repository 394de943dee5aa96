import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDemoServer, type DemoServer } from "../../examples/demo/demo-server.mjs";
import { CHROMIUM_FLAGS, CHROMIUM_PATH, hasChromium } from "./chromium";
import { ensureBuiltPackage, projectRoot } from "./built-package";

const SCREENSHOT_PATH = join(projectRoot, "test/artifacts/demo.png");
// The page's policy: fixed 500 ms, 4 attempts, stable after 1000 ms; heartbeat every 1000 ms.
const MAX_ATTEMPTS = 4;
const WAIT_MS = 10_000;
// Another build of the package to serve instead of dist/ (e.g. one made with `tsup --out-dir`).
const distDir = process.env.SOCKET_STORE_DIST_DIR;

if (!hasChromium) {
  console.warn(`e2e: skipped — ${CHROMIUM_PATH} not found (apt-get install -y chromium)`);
}

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
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  beforeEach(async () => {
    demo.stopRefusing();
    demo.stopFlapping();
    pageErrors = [];
    consoleLines = [];
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => consoleLines.push(message.text()));
    await page.goto(demo.url);
  });

  afterEach(async () => {
    await context?.close();
  });

  const statusIs = (status: string) =>
    page.waitForSelector(`[data-testid="status"][data-status="${status}"]`, { timeout: WAIT_MS });
  const transitionSeen = (from: string, to: string) =>
    page.waitForSelector(`[data-testid="transition"][data-from="${from}"][data-to="${to}"]`, {
      state: "attached",
      timeout: WAIT_MS,
    });
  const transitions = () =>
    page.$$eval('[data-testid="transition"]', (items) =>
      items.map((item) => `${(item as HTMLElement).dataset.from}→${(item as HTMLElement).dataset.to}`).reverse(),
    );
  const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? "";
  /** The states the diagram highlighted, in order, each with the event that led there. */
  const highlights = () =>
    page.$$eval('[data-testid="highlight"]', (items) =>
      items.map((item) => `${(item as HTMLElement).dataset.event} → ${(item as HTMLElement).dataset.state}`),
    );
  const highlighted = (state: string) =>
    page.waitForSelector(`[data-testid="machine-state"][data-state="${state}"]`, { timeout: WAIT_MS });
  /** The boxes of the diagram marked current: the innermost state, and its parents. */
  const diagramMarks = () =>
    page.$$eval('[data-testid="statechart"] [data-state].active-leaf, [data-testid="statechart"] [data-state].active', (boxes) =>
      boxes.map((box) => `${box.classList.contains("active-leaf") ? "current" : "parent"} ${(box as HTMLElement).dataset.state}`).sort(),
    );

  async function clockUpdatesAfter(previous: string): Promise<string> {
    await page.waitForFunction(
      (before) => {
        const now = document.querySelector('[data-testid="clock"]')?.textContent ?? "";
        return now !== before && now !== "–";
      },
      previous,
      { timeout: WAIT_MS },
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
    await page.waitForSelector('[data-testid="attempt"]:text-is("0")', { timeout: WAIT_MS });

    await page.getByTestId("send-text").fill("after the drop");
    await page.getByTestId("send").click();
    await page.waitForSelector('[data-testid="echo"]:text-is("after the drop")', { timeout: WAIT_MS });
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

    await page.getByTestId("send").click();
    expect(await text("send-result")).toBe("ERR_SOCKET_NOT_OPEN");

    demo.stopRefusing();
    await page.getByTestId("retry").click();
    await statusIs("open");
    const afterRetry = await text("clock");
    await clockUpdatesAfter(afterRetry);
    await page.waitForSelector('[data-testid="server-state"]:has-text("healthy")', { timeout: WAIT_MS });

    mkdirSync(join(projectRoot, "test/artifacts"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
    expect(existsSync(SCREENSHOT_PATH)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it("stays closed after the close button, rejects sends with ERR_SOCKET_NOT_OPEN, and retry now opens again", async () => {
    await statusIs("open");
    await page.getByTestId("close").click();
    await statusIs("closed");
    expect(await transitions()).toEqual(["connecting→open", "open→closing", "closing→closed"]);

    await page.getByTestId("send").click();
    expect(await text("send-result")).toBe("ERR_SOCKET_NOT_OPEN");

    await page.getByTestId("retry").click();
    await statusIs("open");
    await page.getByTestId("send").click();
    expect(await text("send-result")).toBe("sent");
    expectNoPackageOutput();
  });

  it("draws the statechart from the machine and highlights open.stable inside open once the socket connects", async () => {
    await statusIs("open");
    await highlighted("open.stable");
    const boxes = await page.$$eval('[data-testid="statechart"] svg [data-state]', (items) => items.map((item) => (item as HTMLElement).dataset.state));
    expect(boxes).toEqual(expect.arrayContaining(["connecting", "connecting.socket", "connecting.creatingSocket", "open.settling", "closing.byStore", "reconnecting", "error"]));
    expect(await diagramMarks()).toEqual(["current open.stable", "parent open"]);
    expect(await highlights()).toEqual(["xstate.init → connecting.socket", "SOCKET.OPENED → open.stable"]);
    expectNoPackageOutput();
  });

  it("moves the highlight through reconnecting, connecting.creatingSocket, connecting.socket, open.settling and open.stable after a server drop", async () => {
    await highlighted("open.stable");
    expect(demo.dropConnections()).toBe(1);

    await highlighted("open.settling");
    expect(await diagramMarks()).toEqual(["current open.settling", "parent open"]);
    await highlighted("open.stable");
    expect((await highlights()).slice(2)).toEqual([
      "SOCKET.CLOSED → reconnecting",
      "xstate.after.backoff.connection.reconnecting → connecting.creatingSocket",
      "REPLACEMENT.READY → connecting.socket",
      "SOCKET.OPENED → open.settling",
      "xstate.after.stabilityWindow.connection.open.settling → open.stable",
    ]);
    expect(await diagramMarks()).toEqual(["current open.stable", "parent open"]);
    expectNoPackageOutput();
  });

  it("highlights closing.byStore, then closed, after the close button", async () => {
    await highlighted("open.stable");
    await page.getByTestId("close").click();
    await highlighted("closed");
    expect((await highlights()).slice(2)).toEqual(["STORE.CLOSE → closing.byStore", "SOCKET.CLOSED → closed"]);
    expect(await diagramMarks()).toEqual(["current closed"]);
  });

  it("catches a connection that goes silent with the heartbeat: heartbeat timeout, reconnecting, then open on a fresh connection", async () => {
    await statusIs("open");
    await highlighted("open.stable");
    const before = demo.state();
    expect(demo.silenceConnections()).toBe(1);

    await transitionSeen("open", "reconnecting");
    await transitionSeen("connecting", "open");
    await statusIs("open");
    expect(await text("last-close")).toBe('1006 "heartbeat timeout" (not clean)');
    expect(await transitions()).toEqual(["connecting→open", "open→reconnecting", "reconnecting→connecting", "connecting→open"]);
    await highlighted("open.stable");
    expect((await highlights()).slice(2, 4)).toEqual(["STORE.DROP → reconnecting", "xstate.after.backoff.connection.reconnecting → connecting.creatingSocket"]);

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
    await page.getByTestId("server-close-code").selectOption("4401");
    await page.getByTestId("server-close").click();
    await transitionSeen("open", "reconnecting");
    await statusIs("open");
    expect(await text("last-close")).toContain("4401");

    await page.getByTestId("server-refuse-seconds").fill("60");
    await page.getByTestId("server-refuse").click();
    await page.waitForSelector('[data-testid="server-state"]:has-text("refusing")', { timeout: WAIT_MS });
    await page.getByTestId("server-drop").click();
    await statusIs("error");

    await page.getByTestId("server-heal").click();
    await page.waitForSelector('[data-testid="server-state"]:has-text("healthy")', { timeout: WAIT_MS });
    await page.getByTestId("retry").click();
    await statusIs("open");
    expect(pageErrors).toEqual([]);
  });

  it("silences the connection from the page's go silent button, and the heartbeat reopens it", async () => {
    await statusIs("open");
    await page.getByTestId("server-silence").click();
    await page.waitForSelector('[data-testid="last-close"]:has-text("heartbeat timeout")', { timeout: WAIT_MS });
    await transitionSeen("reconnecting", "connecting");
    await statusIs("open");
    expect(pageErrors).toEqual([]);
  });
});
