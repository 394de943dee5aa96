import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SocketStore, type WebSocketLike } from "../../src/index.js";
import { Harness, openStore, recordingHandlers } from "./harness.js";

let harness: Harness;
beforeEach(() => {
  harness = new Harness();
});
afterEach(() => harness.stop());

const notOpen = expect.objectContaining({ name: "SocketStoreError", code: "ERR_SOCKET_NOT_OPEN" });
const invalidArgument = expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" });

describe("send()", () => {
  it("calls socket.send with the data while open", () => {
    const socket = harness.connect();
    const send = vi.spyOn(socket, "send");
    const store = new SocketStore(socket as unknown as WebSocketLike);
    harness.flush();
    store.send("hello");
    expect(send).toHaveBeenCalledExactlyOnceWith("hello");
  });

  it("rejects with ERR_SOCKET_NOT_OPEN while connecting, without touching the socket", () => {
    const socket = harness.connect();
    const send = vi.spyOn(socket, "send");
    const store = new SocketStore(socket as unknown as WebSocketLike);
    expect(() => store.send("x")).toThrowError(notOpen);
    expect(send).not.toHaveBeenCalled();
  });

  it("rejects with ERR_SOCKET_NOT_OPEN while closing and after closed, queueing nothing", () => {
    const store = openStore(harness);
    const send = vi.spyOn(store.socket, "send");
    store.close();
    expect(store.status).toBe("closing");
    expect(() => store.send("x")).toThrowError(notOpen);
    harness.flush();
    expect(store.status).toBe("closed");
    expect(() => store.send("y")).toThrowError(notOpen);
    expect(send).not.toHaveBeenCalled();
  });

  it("rejects when the socket's readyState is no longer 1 even if no event arrived yet", () => {
    const socket = { readyState: 1, addEventListener() {}, removeEventListener() {}, send: vi.fn(), close: vi.fn() };
    const store = new SocketStore(socket);
    socket.readyState = 2;
    expect(() => store.send("x")).toThrowError(notOpen);
    expect(socket.send).not.toHaveBeenCalled();
  });

  it("rejects once the store is closing even while the socket still reports readyState 1", () => {
    // A WebSocket-like whose readyState lags behind its close() call.
    const socket = { readyState: 1, addEventListener() {}, removeEventListener() {}, send: vi.fn(), close: vi.fn() };
    const store = new SocketStore(socket);
    store.close();
    expect(store.status).toBe("closing");
    expect(socket.readyState).toBe(1);
    expect(() => store.send("x")).toThrowError(notOpen);
    expect(socket.send).not.toHaveBeenCalled();
  });

  it("never puts the socket URL in its error message", () => {
    const store = new SocketStore(harness.connect() as unknown as WebSocketLike);
    try {
      store.send("x");
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain("127.0.0.1");
      expect(String((error as Error).stack)).not.toContain("token");
    }
  });
});

/** An open store whose socket's close is spied on (before the store wraps it). */
function openStoreSpyingClose(handlers = {}) {
  const socket = harness.connect();
  const close = vi.spyOn(socket, "close");
  const store = new SocketStore(socket as unknown as WebSocketLike, handlers);
  harness.flush();
  return { store, close };
}

describe("close() (manual close)", () => {
  it("goes closing, calls socket.close with the arguments exactly as given, then closed", () => {
    let store: SocketStore | undefined;
    const { log, handlers } = recordingHandlers(() => store);
    let close;
    ({ store, close } = openStoreSpyingClose(handlers));
    store.close(4001, "bye");
    expect(close).toHaveBeenCalledWith(4001, "bye");
    expect(close.mock.calls[0]).toHaveLength(2);
    expect(store.status).toBe("closing");
    harness.flush();
    expect(store.status).toBe("closed");
    expect(log.slice(-3)).toEqual(["status:open->closing", "status:closing->closed", "onClose:4001@closed"]);
  });

  it("passes no arguments when given none", () => {
    const { store, close } = openStoreSpyingClose();
    store.close();
    expect(close.mock.calls[0]).toEqual([]);
  });

  it("passes at most code and reason, whatever else it is given", () => {
    const { store, close } = openStoreSpyingClose();
    (store.close as (...args: unknown[]) => void)(4001, "bye", "extra");
    expect(close.mock.calls[0]).toEqual([4001, "bye"]);
  });

  it("closes a connecting socket", () => {
    const socket = harness.connect();
    const close = vi.spyOn(socket, "close");
    const store = new SocketStore(socket as unknown as WebSocketLike);
    store.close(1000);
    expect(close).toHaveBeenCalledWith(1000);
    expect(store.status).toBe("closing");
  });

  it("does nothing once closed", () => {
    const { store, close } = openStoreSpyingClose();
    store.close();
    harness.flush();
    const before = store.getSnapshot();
    store.close();
    expect(close).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot()).toBe(before);
  });

  it.each([
    [[1001]],
    [[1006]],
    [[2999]],
    [[5000]],
    [[3000.5]],
    [["1000"]],
    [[NaN]],
    [[1000, "x".repeat(124)]],
    [[1000, "é".repeat(62)]],
    [[1000, 42]],
  ])("refuses close(%j) with ERR_INVALID_ARGUMENT and changes nothing", (args) => {
    const { store, close } = openStoreSpyingClose();
    const before = store.getSnapshot();
    expect(() => (store.close as (...a: unknown[]) => void)(...args)).toThrowError(invalidArgument);
    expect(close).not.toHaveBeenCalled();
    expect(store.getSnapshot()).toBe(before);
  });

  it.each([[[]], [[1000]], [[3000]], [[4999]], [[undefined, "reason"]], [[1000, "x".repeat(123)]], [[1000, "é".repeat(61)]]])(
    "accepts close(%j)",
    (args) => {
      const store = openStore(harness);
      (store.close as (...a: unknown[]) => void)(...args);
      expect(store.status).toBe("closing");
    },
  );

  it("lets an exception of socket.close reach the caller unchanged and changes nothing", () => {
    const failure = new Error("close failed");
    const socket = { readyState: 1, addEventListener() {}, removeEventListener() {}, send() {}, close: () => { throw failure; } };
    const store = new SocketStore(socket);
    const before = store.getSnapshot();
    expect(() => store.close(1000)).toThrow(failure);
    expect(store.getSnapshot()).toBe(before);
    expect(() => socket.close()).toThrow(failure);
    expect(store.getSnapshot()).toBe(before);
  });
});

describe("a direct socket.close() by the application", () => {
  it("moves status to closing at the call, then closed", () => {
    let store: SocketStore | undefined;
    const { log, handlers } = recordingHandlers(() => store);
    store = openStore(harness, handlers);
    store.socket.close(4000, "refresh");
    expect(store.status).toBe("closing");
    harness.flush();
    expect(store.status).toBe("closed");
    expect(store.getSnapshot().lastClose).toEqual({ code: 4000, reason: "refresh", wasClean: false });
    expect(log.at(-1)).toBe("onClose:4000@closed");
  });

  it("is not mistaken for the application's when ws answers a close frame or closes after a protocol error", () => {
    const listeners = new Map<string, (event: unknown) => void>();
    const socket = {
      readyState: 1,
      _closeFrameReceived: false,
      addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, listener),
      removeEventListener: () => {},
      send() {},
      close: vi.fn(),
    };
    const store = new SocketStore(socket);
    socket.close(1002);
    expect(store.status).toBe("open");
    socket._closeFrameReceived = true;
    socket.close(1000);
    socket.close();
    expect(store.status).toBe("open");
    socket._closeFrameReceived = false;
    socket.close(1000);
    expect(store.status).toBe("closing");
  });

  it("restores the socket's own close when the store lets it go", () => {
    const socket = harness.connect();
    const ownClose = socket.close;
    expect(Object.prototype.hasOwnProperty.call(socket, "close")).toBe(false);
    const store = new SocketStore(socket as unknown as WebSocketLike);
    expect(socket.close).not.toBe(ownClose);
    store.dispose();
    expect(socket.close).toBe(ownClose);
    expect(Object.prototype.hasOwnProperty.call(socket, "close")).toBe(false);
  });

  it("leaves a close wrapper the application installed after the store's, which then just forwards", () => {
    const ownClose = vi.fn();
    const socket = { readyState: 1, addEventListener() {}, removeEventListener() {}, send() {}, close: ownClose };
    const store = new SocketStore(socket);
    const storeWrapper = socket.close;
    const appWrapper = vi.fn((...args: unknown[]) => storeWrapper(...(args as [])));
    socket.close = appWrapper;
    store.dispose();
    expect(socket.close).toBe(appWrapper);
    socket.close();
    expect(ownClose).toHaveBeenCalledTimes(1);
    expect(store.status).toBe("open");
  });

  it("restores an own close property too", () => {
    const ownClose = vi.fn();
    const socket = { readyState: 1, addEventListener() {}, removeEventListener() {}, send() {}, close: ownClose };
    const store = new SocketStore(socket);
    socket.close(1000);
    expect(ownClose).toHaveBeenCalledWith(1000);
    store.dispose();
    expect(socket.close).toBe(ownClose);
  });

  it("on a frozen socket is judged like a server close, and the store still works", () => {
    const close = vi.fn();
    const socket = Object.freeze({ readyState: 1, addEventListener() {}, removeEventListener() {}, send: vi.fn(), close });
    const store = new SocketStore(socket);
    socket.close(1000);
    expect(close).toHaveBeenCalledWith(1000);
    expect(store.status).toBe("open");
    store.send("x");
    expect(socket.send).toHaveBeenCalledWith("x");
    store.close();
    expect(close).toHaveBeenCalledTimes(2);
    expect(store.status).toBe("closing");
  });
});

describe("a proxied socket whose close cannot be replaced", () => {
  it("has its direct closes judged like a server close, and is left untouched on dispose", () => {
    const close = vi.fn();
    const target = { readyState: 1, addEventListener() {}, removeEventListener() {}, send() {}, close };
    // The proxy accepts assignments but keeps serving the target's own close.
    const socket = new Proxy(target, { set: () => true });
    const store = new SocketStore(socket);
    socket.close(1000);
    expect(close).toHaveBeenCalledWith(1000);
    expect(store.status).toBe("open");
    store.close(4000);
    expect(close).toHaveBeenCalledWith(4000);
    expect(store.status).toBe("closing");
    store.dispose();
    expect(socket.close).toBe(close);
  });
});

describe("close() in status error", () => {
  it("is covered with reconnect (see reconnect tests); without reconnect there is no error status", () => {
    const store = openStore(harness);
    harness.server.simulate("error");
    expect(store.status).toBe("open");
  });
});
