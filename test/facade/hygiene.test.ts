import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SocketStore, isSocketStoreError, type SocketStoreError, type WebSocketLike } from "../../src/index.js";
import { Harness, SECRET } from "./harness.js";

let harness: Harness;
beforeEach(() => {
  harness = new Harness();
});
afterEach(() => {
  harness.stop();
  vi.restoreAllMocks();
});

describe("hygiene", () => {
  it("writes nothing to the console and never puts the socket URL in errors or snapshots, through a whole outage", () => {
    const consoleCalls = (["log", "warn", "error", "info", "debug"] as const).map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
    const errors: SocketStoreError[] = [];
    const snapshots: unknown[] = [];
    let failFactory = false;
    const socket = harness.connect();
    const store = new SocketStore(
      socket as unknown as WebSocketLike,
      {
        onError: (error) => errors.push(error),
        route: () => {
          throw new Error("route");
        },
      },
      {
        reconnect: {
          enabled: true,
          maxAttempts: 2,
          initialDelayMs: 10,
          retryOnClose: (event) => {
            if (event.code === 4002) throw new Error("predicate");
            return true;
          },
          createSocket: ({ previous }) => {
            if (failFactory) throw new Error("factory");
            return new (previous.constructor as typeof WebSocket)(previous.url!) as unknown as WebSocketLike;
          },
        },
      },
    );
    store.subscribe(() => snapshots.push(store.getSnapshot()));
    harness.flush();
    harness.lastConnection.send("x");
    harness.server.simulate("error");
    harness.lastConnection.close({ code: 1006 });
    vi.advanceTimersByTime(100);
    failFactory = true;
    harness.lastConnection.close({ code: 1006 });
    vi.advanceTimersByTime(1000);
    store.reconnect();
    failFactory = false;
    store.reconnect();
    vi.advanceTimersByTime(100);
    harness.lastConnection.close({ code: 4002 });
    harness.flush();
    const thrown: unknown[] = [];
    for (const attempt of [() => store.send("x"), () => store.close(1001), () => new SocketStore(SECRET as never), () => store.dispose(), () => store.reconnect()]) {
      try {
        attempt();
      } catch (error) {
        thrown.push(error);
      }
    }
    const codes = new Set([...errors, ...thrown].filter(isSocketStoreError).map((error) => error.code));
    expect([...codes].sort()).toEqual(
      ["ERR_INVALID_ARGUMENT", "ERR_RECONNECT_EXHAUSTED", "ERR_RETRY_PREDICATE", "ERR_ROUTE", "ERR_SOCKET_ERROR", "ERR_SOCKET_FACTORY", "ERR_SOCKET_NOT_OPEN", "ERR_STORE_DISPOSED"].sort(),
    );
    for (const error of [...errors, ...thrown] as Error[]) {
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain("127.0.0.1");
    }
    expect(JSON.stringify(snapshots)).not.toContain(SECRET);
    for (const spy of consoleCalls) expect(spy).not.toHaveBeenCalled();
  });
});
