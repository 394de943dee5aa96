import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SocketStore, type SocketStoreOptions, type WebSocketLike } from "../../src/index.js";
import { Harness, openStore, recordingHandlers } from "./harness.js";

let harness: Harness;
beforeEach(() => {
  harness = new Harness();
});
afterEach(() => harness.stop());

/** A socket in a given readyState that never fires anything. */
function idleSocket(readyState: number): WebSocketLike {
  return { readyState, addEventListener() {}, removeEventListener() {}, send: vi.fn(), close: vi.fn() };
}

describe("initial status", () => {
  it.each([
    [0, "connecting"],
    [1, "open"],
    [2, "closing"],
    [3, "closed"],
  ] as const)("follows readyState %i → %s and calls no handler", (readyState, status) => {
    const onOpen = vi.fn();
    const onStatusChange = vi.fn();
    const store = new SocketStore(idleSocket(readyState), { onOpen, onStatusChange });
    expect(store.status).toBe(status);
    expect(store.getSnapshot()).toEqual({ status, attempt: 0, retryDelayMs: null, lastClose: null, lastError: null });
    expect(onOpen).not.toHaveBeenCalled();
    expect(onStatusChange).not.toHaveBeenCalled();
  });
});

describe.each([
  ["without reconnect", undefined],
  ["with reconnect: false", { reconnect: false }],
  ["with reconnect.enabled not strictly true", { reconnect: { enabled: "yes", maxAttempts: -1 } }],
  ["with reconnect: true", { reconnect: true }],
  ["with reconnect: null", { reconnect: null }],
] as [string, SocketStoreOptions | undefined][])("socket events %s", (_name, options) => {
  it("goes open, then calls onOpen seeing open", () => {
    let store: SocketStore | undefined;
    const { log, handlers } = recordingHandlers(() => store);
    store = new SocketStore(harness.connect() as unknown as WebSocketLike, handlers, options);
    expect(store.status).toBe("connecting");
    harness.flush();
    expect(log).toEqual(["status:connecting->open", "onOpen@open"]);
  });

  it("on a server close sets lastClose, settles on closed for good and then calls onClose", () => {
    let store: SocketStore | undefined;
    const { log, handlers } = recordingHandlers(() => store);
    store = openStore(harness, handlers, options);
    harness.lastConnection.close({ code: 1006, reason: "gone" });
    harness.flush();
    expect(store.getSnapshot()).toMatchObject({ status: "closed", attempt: 0, retryDelayMs: null, lastClose: { code: 1006, reason: "gone", wasClean: false } });
    expect(log.slice(-2)).toEqual(["status:open->closed", "onClose:1006@closed"]);
    vi.advanceTimersByTime(60_000);
    expect(store.status).toBe("closed");
    expect(harness.connections).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("reports an error event as ERR_SOCKET_ERROR without changing status", () => {
    let store: SocketStore | undefined;
    const { log, snapshots, handlers } = recordingHandlers(() => store);
    store = openStore(harness, handlers, options);
    harness.server.simulate("error");
    expect(store.status).toBe("open");
    expect(log.at(-1)).toBe("onError:ERR_SOCKET_ERROR@open");
    const error = store.getSnapshot().lastError!;
    expect(error.code).toBe("ERR_SOCKET_ERROR");
    expect((error.cause as Event).type).toBe("error");
    expect(snapshots[0]!.lastError).toBe(error);
  });

  it("passes messages to onMessage", () => {
    let store: SocketStore | undefined;
    const { log, handlers } = recordingHandlers(() => store);
    store = openStore(harness, handlers, options);
    harness.lastConnection.send("one");
    harness.lastConnection.send("two");
    expect(log.filter((line) => line.startsWith("onMessage"))).toEqual(["onMessage:one@open", "onMessage:two@open"]);
  });

  it("throws ERR_RECONNECT_DISABLED from reconnect()", () => {
    const store = openStore(harness, {}, options);
    harness.lastConnection.close({ code: 1006 });
    harness.flush();
    expect(() => store.reconnect()).toThrowError(expect.objectContaining({ code: "ERR_RECONNECT_DISABLED" }));
    expect(store.status).toBe("closed");
  });
});

describe("a refused connection", () => {
  it("reports the error, then settles on closed", () => {
    harness.server.stop();
    let store: SocketStore | undefined;
    const { log, handlers } = recordingHandlers(() => store);
    store = new SocketStore(harness.connect() as unknown as WebSocketLike, handlers);
    harness.flush();
    expect(store.status).toBe("closed");
    expect(log).toContain("onError:ERR_SOCKET_ERROR@connecting");
    expect(log.at(-1)).toMatch(/^onClose:\d+@closed$/);
  });
});

describe("the snapshot", () => {
  it("is the same object until something in it changes, and frozen", () => {
    const store = openStore(harness);
    const first = store.getSnapshot();
    harness.lastConnection.send("no status change");
    expect(store.getSnapshot()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    harness.lastConnection.close({ code: 1001 });
    harness.flush();
    expect(store.getSnapshot()).not.toBe(first);
    expect(first.status).toBe("open");
  });

  it("is updated before any handler or subscriber runs", () => {
    const seen: string[] = [];
    let store: SocketStore | undefined;
    store = new SocketStore(harness.connect() as unknown as WebSocketLike, {
      onOpen: () => seen.push(`onOpen:${store!.getSnapshot().status}`),
      onStatusChange: (next) => seen.push(`onStatusChange:${next.status}:${store!.getSnapshot() === next}`),
    });
    store.subscribe(() => seen.push(`subscriber:${store!.status}`));
    harness.flush();
    expect(seen.sort()).toEqual(["onOpen:open", "onStatusChange:open:true", "subscriber:open"]);
  });

  it("notifies subscribers on every change and onStatusChange only on status changes", () => {
    const store = openStore(harness);
    const listener = vi.fn();
    const onStatusChange = vi.fn();
    const withHandler = new SocketStore(store.socket, { onStatusChange });
    store.subscribe(listener);
    harness.server.simulate("error");
    expect(listener).toHaveBeenCalledTimes(1);
    expect(onStatusChange).not.toHaveBeenCalled();
    harness.lastConnection.close({ code: 1000 });
    harness.flush();
    expect(listener).toHaveBeenCalledTimes(2);
    expect(onStatusChange).toHaveBeenCalledTimes(1);
    expect(onStatusChange.mock.calls[0]![0].status).toBe("closed");
    expect(onStatusChange.mock.calls[0]![1].status).toBe("open");
    withHandler.dispose();
  });

  it("stops notifying a listener after its unsubscribe", () => {
    const store = openStore(harness);
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    unsubscribe();
    unsubscribe();
    harness.server.simulate("error");
    expect(listener).not.toHaveBeenCalled();
  });

  it("works with the useSyncExternalStore contract (unbound getSnapshot and subscribe)", () => {
    const store = openStore(harness);
    const { getSnapshot, subscribe } = store;
    const values: string[] = [];
    subscribe(() => values.push(getSnapshot().status));
    harness.lastConnection.close({ code: 1000 });
    harness.flush();
    expect(values).toEqual(["closed"]);
  });

  it("refuses a subscribe listener that is not a function", () => {
    const store = openStore(harness);
    expect(() => store.subscribe(42 as never)).toThrowError(expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" }));
  });
});

describe("listening", () => {
  it("uses addEventListener and never overwrites the application's on* properties", () => {
    const socket = harness.connect();
    const onmessage = vi.fn();
    const onopen = vi.fn();
    socket.onmessage = onmessage;
    socket.onopen = onopen;
    const onMessage = vi.fn();
    new SocketStore(socket as unknown as WebSocketLike, { onMessage });
    harness.flush();
    harness.lastConnection.send("x");
    expect(socket.onmessage).toBe(onmessage);
    expect(socket.onopen).toBe(onopen);
    expect(onmessage).toHaveBeenCalledTimes(1);
    expect(onopen).toHaveBeenCalledTimes(1);
    expect(onMessage).toHaveBeenCalledTimes(1);
  });

  it("is done with every reaction when dispatchEvent returns", () => {
    const store = openStore(harness);
    const socket = store.socket as unknown as EventTarget;
    const close = Object.assign(new Event("close"), { code: 4000, reason: "sync", wasClean: true });
    socket.dispatchEvent(close);
    expect(store.getSnapshot()).toMatchObject({ status: "closed", lastClose: { code: 4000, reason: "sync", wasClean: true } });
  });

  it("records a close event that carries no reason or wasClean (some socket libraries) as reason \"\" and not clean", () => {
    const store = openStore(harness);
    const socket = store.socket as unknown as EventTarget;
    socket.dispatchEvent(Object.assign(new Event("close"), { code: 1001 }));
    expect(store.getSnapshot().lastClose).toEqual({ code: 1001, reason: "", wasClean: false });
  });
});
