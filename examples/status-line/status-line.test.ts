// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SocketStore } from "socket-store";
import { connectionPaths, startPath, type ConnectionPath, type ConnectionPathsOptions, type ExpectedSnapshot } from "socket-store/testing";
import { mountStatusLine } from "./status-line.js";

/** The app signs a user out with close code 4401: the store must not retry it, the line must say so. */
const SIGNED_OUT = 4401;
const retryOnClose = (event: { code: number }) => event.code !== SIGNED_OUT;

/** What the line must show for a snapshot: the component's specification, written out here rather than imported. */
function shownFor({ status, attempt, retryDelayMs, lastClose }: ExpectedSnapshot, maxAttempts: number | false) {
  const of = maxAttempts === false ? "" : ` of ${maxAttempts}`;
  const texts: Record<ExpectedSnapshot["status"], string> = {
    connecting: attempt === 0 ? "Connecting…" : `Reconnecting… (attempt ${attempt}${of})`,
    open: "Connected",
    closing: "Disconnecting…",
    closed: lastClose?.code === SIGNED_OUT ? "Signed out" : "Disconnected",
    reconnecting: `Reconnecting in ${(retryDelayMs ?? 0) / 1000} s (attempt ${attempt}${of})`,
    error: "Gave up",
  };
  const reconnect = maxAttempts !== false && (status === "closed" || status === "reconnecting" || status === "error");
  return { text: texts[status], sendEnabled: status === "open", reconnect };
}

const CONFIGURATIONS: Array<{ name: string; options: ConnectionPathsOptions; maxAttempts: number | false }> = [
  { name: "new WebSocket(url), reconnect off", options: { readyState: 0 }, maxAttempts: false },
  { name: "an open socket, reconnect off", options: { readyState: 1 }, maxAttempts: false },
  {
    name: "new WebSocket(url), 2 attempts, 4401 not retried",
    options: { readyState: 0, closeCodes: [SIGNED_OUT], reconnect: { maxAttempts: 2, initialDelayMs: 500, connectTimeoutMs: 3000, retryOnClose } },
    maxAttempts: 2,
  },
  {
    name: "an open socket, 2 attempts through an async createSocket, 4401 not retried",
    options: { readyState: 1, closeCodes: [SIGNED_OUT], reconnect: { maxAttempts: 2, backoff: "fixed", initialDelayMs: 1500, factory: "async", retryOnClose } },
    maxAttempts: 2,
  },
];

describe("the status line", () => {
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

  const buttons = () => Array.from(element.querySelectorAll("button"));
  const sendButton = () => buttons().find((button) => button.textContent === "Send")!;
  const reconnectButton = () => buttons().find((button) => button.textContent === "Reconnect");
  const shown = () => ({
    text: element.querySelector("[role=status] > span")?.textContent ?? "(no line)",
    sendEnabled: !sendButton().disabled,
    reconnect: reconnectButton() !== undefined,
  });

  /** Replays a path with the line mounted, checking it when mounted and after every step, and that Send sends where it is enabled. */
  async function follow(path: ConnectionPath, maxAttempts: number | false): Promise<void> {
    const run = startPath(path, {
      clock: vi,
      // The user reconnects with the line's button wherever the line offers it.
      perform: { storeReconnect: (_action, otherwise) => (reconnectButton() ? reconnectButton()!.click() : otherwise()) },
    });
    const store = new SocketStore(run.socket, {}, run.storeOptions);
    run.attach(store);
    const unmount = mountStatusLine(element, store, { closeReasons: { [SIGNED_OUT]: "Signed out" } });

    expect(shown(), "when mounted").toEqual(shownFor(run.expected, maxAttempts));
    for await (const step of run) {
      // A disposed store keeps its last snapshot and tells nobody: an app unmounts what shows it.
      if (step.disposed) break;
      expect(shown(), `after "${step.description}"`).toEqual(shownFor(step.expected, maxAttempts));
      if (shown().sendEnabled) {
        const socket = store.socket as unknown as { sentCount: number };
        const sent = socket.sentCount;
        sendButton().click();
        expect(socket.sentCount, `Send after "${step.description}"`).toBe(sent + 1);
      }
    }

    unmount();
    expect(element.childElementCount, "unmounted").toBe(0);
    store.dispose();
  }

  for (const { name, options, maxAttempts } of CONFIGURATIONS) {
    for (const kind of ["shortest", "transition"] as const) {
      describe(`on ${name}, ${kind} paths`, () => {
        const paths = connectionPaths({ ...options, kind });

        it("has paths to follow, and every verdict of retryOnClose on them", () => {
          expect(paths.length).toBeGreaterThan(3);
          if (options.reconnect) expect(paths.retryOnClose).toEqual({ retried: expect.arrayContaining([1006]), declined: [SIGNED_OUT] });
        });

        for (const path of paths) it(path.description, () => follow(path, maxAttempts));
      });
    }
  }
});
