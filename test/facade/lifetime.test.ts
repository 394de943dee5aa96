import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SocketStore, type WebSocketLike } from "../../src/index.js";
import { Harness, countListeners, openStore } from "./harness.js";

let harness: Harness;
beforeEach(() => {
  harness = new Harness();
});
afterEach(() => harness.stop());

const disposedError = expect.objectContaining({ code: "ERR_STORE_DISPOSED" });

describe("dispose()", () => {
  it("removes every listener the store added, and the store adds exactly four", () => {
    const socket = harness.connect();
    const listeners = countListeners(socket);
    const store = new SocketStore(socket as unknown as WebSocketLike);
    expect(listeners()).toBe(4);
    store.dispose();
    expect(listeners()).toBe(0);
  });

  it("runs no handler or subscriber afterwards, keeps the snapshot, and never closes the caller's socket", () => {
    const handlers = { onOpen: vi.fn(), onMessage: vi.fn(), onClose: vi.fn(), onError: vi.fn(), onStatusChange: vi.fn(), route: vi.fn() };
    const socket = harness.connect();
    const close = vi.spyOn(socket, "close");
    const store = new SocketStore(socket as unknown as WebSocketLike, handlers);
    const subscriber = vi.fn();
    store.subscribe(subscriber);
    const before = store.getSnapshot();
    store.dispose();
    harness.flush();
    harness.lastConnection.send("m");
    harness.server.simulate("error");
    harness.lastConnection.close({ code: 1001 });
    harness.flush();
    for (const handler of Object.values(handlers)) expect(handler).not.toHaveBeenCalled();
    expect(subscriber).not.toHaveBeenCalled();
    expect(store.getSnapshot()).toBe(before);
    expect(store.status).toBe("connecting");
    expect(close).not.toHaveBeenCalled();
  });

  it("makes send() and reconnect() throw ERR_STORE_DISPOSED, with or without reconnect", () => {
    for (const options of [undefined, { reconnect: { enabled: true as const } }]) {
      const store = openStore(harness, {}, options);
      store.dispose();
      expect(() => store.send("x")).toThrowError(disposedError);
      expect(() => store.reconnect()).toThrowError(disposedError);
    }
  });

  it("makes close() and dispose() no-ops, even with arguments close() would refuse", () => {
    const socket = harness.connect();
    const close = vi.spyOn(socket, "close");
    const store = new SocketStore(socket as unknown as WebSocketLike);
    store.dispose();
    store.close();
    store.close(1001);
    store.dispose();
    store[Symbol.dispose]();
    expect(close).not.toHaveBeenCalled();
  });

  it("writes nothing to the console when called again", () => {
    const store = openStore(harness, {}, { reconnect: { enabled: true } });
    const console_ = ["log", "info", "warn", "error", "debug"].map((name) => vi.spyOn(console, name as "log").mockImplementation(() => {}));
    store.dispose();
    store.dispose();
    store[Symbol.dispose]();
    for (const spy of console_) expect(spy).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("is what Symbol.dispose does (using)", () => {
    const socket = harness.connect();
    const listeners = countListeners(socket);
    {
      using store = new SocketStore(socket as unknown as WebSocketLike);
      expect(store.status).toBe("connecting");
    }
    expect(listeners()).toBe(0);
  });

  it("stops the handlers from the moment it is called, even inside a handler", () => {
    const onClose = vi.fn();
    let store: SocketStore | undefined;
    const later = vi.fn();
    const socket = harness.connect();
    store = new SocketStore(socket as unknown as WebSocketLike, {
      onMessage: () => store!.dispose(),
      route: later,
      onClose,
    });
    store.subscribe(later);
    harness.flush();
    later.mockClear();
    harness.lastConnection.send("m");
    expect(later).not.toHaveBeenCalled();
  });

  it("is quiet when retryOnClose disposes the store and then throws: nothing reported, no warning from the stopped machine", () => {
    const onError = vi.fn();
    const onClose = vi.fn();
    let store: SocketStore | undefined;
    const socket = harness.connect();
    store = new SocketStore(
      socket as unknown as WebSocketLike,
      { onError, onClose },
      {
        reconnect: {
          enabled: true,
          retryOnClose: () => {
            store!.dispose();
            throw new Error("after dispose");
          },
        },
      },
    );
    harness.flush();
    const before = store.getSnapshot();
    const console_ = ["log", "info", "warn", "error", "debug"].map((name) => vi.spyOn(console, name as "log").mockImplementation(() => {}));
    harness.lastConnection.close({ code: 4000, reason: "bye" });
    harness.flush();
    for (const spy of console_) expect(spy).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    expect(store.getSnapshot()).toBe(before);
  });

  it("lets the error listener on a replacement go when that socket's close() throws", () => {
    const replacement = harness.connect();
    const listeners = countListeners(replacement);
    vi.spyOn(replacement, "close").mockImplementation(() => {
      throw new Error("close failed");
    });
    const store = openStore(harness, {}, { reconnect: { enabled: true, createSocket: () => replacement as unknown as WebSocketLike } });
    harness.lastConnection.close({ code: 4000 });
    harness.flush();
    harness.flush(250);
    expect(store.getSnapshot()).toMatchObject({ status: "open", attempt: 1 });
    expect(listeners()).toBe(4);
    store.dispose();
    expect(listeners()).toBe(0);
  });
});
