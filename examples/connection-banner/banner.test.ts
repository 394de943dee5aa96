// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SocketStore } from "../../src/index.js";
import { connectionPaths, startPath, type ConnectionPath, type ConnectionPathsOptions, type ExpectedSnapshot } from "../../src/testing/index.js";
import { mountConnectionBanner } from "./banner.js";

/** What the banner must say for each snapshot: the UI's own specification, written out. */
function bannerFor({ status, attempt, retryDelayMs }: ExpectedSnapshot, maxAttempts: number | false): { text: string; retry: boolean } {
  const outOf = maxAttempts === false ? "" : ` of ${maxAttempts}`;
  const texts: Record<ExpectedSnapshot["status"], string> = {
    connecting: attempt === 0 ? "Connecting…" : `Reconnecting… (attempt ${attempt}${outOf})`,
    open: "Connected",
    closing: "Disconnecting…",
    closed: "Disconnected",
    reconnecting: `Reconnecting in ${(retryDelayMs ?? 0) / 1000} s (attempt ${attempt}${outOf})`,
    error: "Gave up",
  };
  const retry = status === "reconnecting" || status === "error" || (status === "closed" && maxAttempts !== false);
  return { text: texts[status], retry };
}

const CONFIGURATIONS: Array<{ name: string; options: ConnectionPathsOptions; maxAttempts: number | false }> = [
  {
    name: "an open socket, reconnect with the default factory, 3 attempts from 500 ms",
    options: { readyState: 1, reconnect: { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 4000 } },
    maxAttempts: 3,
  },
  {
    name: "a connecting socket, 2 attempts through an async createSocket, no retry for code 4001",
    options: {
      readyState: 0,
      reconnect: { maxAttempts: 2, backoff: "fixed", initialDelayMs: 1500, factory: "async", retryOnClose: (event) => event.code !== 4001 },
    },
    maxAttempts: 2,
  },
  { name: "an open socket without reconnect", options: { readyState: 1, reconnect: false }, maxAttempts: false },
];

describe("the connection banner", () => {
  let element: HTMLElement;

  beforeEach(() => {
    vi.useFakeTimers();
    element = document.createElement("div");
    document.body.append(element);
  });

  afterEach(() => {
    element.remove();
    vi.useRealTimers();
  });

  const shown = () => ({
    text: element.querySelector("[role=status] > span")?.textContent ?? "(no banner)",
    retry: element.querySelector("button") !== null,
  });

  /** Replays a path with the banner mounted, checking what it shows when mounted and after every step. */
  async function followWithBanner(path: ConnectionPath, maxAttempts: number | false): Promise<void> {
    const retryButton = () => element.querySelector("button");
    const run = startPath(path, {
      clock: vi,
      // The user retries with the banner's button wherever the banner offers it.
      perform: { storeReconnect: (_action, otherwise) => (retryButton() ? retryButton()!.click() : otherwise()) },
    });
    const store = new SocketStore(run.socket, {}, run.storeOptions);
    run.attach(store);
    const unmount = mountConnectionBanner(element, store, { maxAttempts });

    expect(shown(), "when mounted").toEqual(bannerFor(run.expected, maxAttempts));
    for await (const step of run) {
      expect(shown(), `after "${step.description}"`).toEqual(bannerFor(step.expected, maxAttempts));
    }

    unmount();
    expect(element.childElementCount, "unmounted").toBe(0);
    store.dispose();
  }

  for (const { name, options, maxAttempts } of CONFIGURATIONS) {
    describe(`on ${name}`, () => {
      const paths = connectionPaths(options);

      it("has paths to follow", () => {
        expect(paths.length).toBeGreaterThan(3);
      });

      for (const path of paths) {
        it(`shows the connection as it is after every step of: ${path.description}`, () => followWithBanner(path, maxAttempts));
      }
    });
  }

  describe('offers "Retry now" where store.reconnect() starts a new attempt', () => {
    const { options, maxAttempts } = CONFIGURATIONS[0]!;
    // Every state's shortest path, then reconnect(): through the button wherever the banner shows it.
    const paths = connectionPaths({ ...options, kind: "transition" }).filter((path) => path.steps.at(-1)?.action.kind === "storeReconnect");

    it("from every status: the button is there in reconnecting, closed and error", () => {
      const before = (path: ConnectionPath) => (path.steps.at(-2)?.expected ?? path.initial).status;
      expect(new Set(paths.map(before))).toEqual(new Set(["open", "connecting", "closing", "closed", "reconnecting", "error"]));
    });

    for (const path of paths) {
      it(`and shows the new attempt: ${path.description}`, () => followWithBanner(path, maxAttempts));
    }
  });
});
