import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  isSocketStoreError,
  SocketStore,
  type ReplacementContext,
  type SocketStoreErrorCode,
  type SocketStoreHandlers,
  type SocketStoreReconnectOptions,
  type WebSocketLike,
} from "../../src/index.js";
import { TestSocket } from "../../src/testing/test-socket.js";

const POLICY = { enabled: true, maxAttempts: 2, backoff: "fixed", initialDelayMs: 100, maxDelayMs: 1000, connectTimeoutMs: 500 } as const;

function recorder(getStore: () => SocketStore | undefined) {
  const log: string[] = [];
  const handlers: SocketStoreHandlers<any> = {
    onError: (error) => log.push(`onError:${error.code}@${getStore()?.status}`),
    onClose: (event) => log.push(`onClose:${event.code}:${event.reason}:${event.wasClean}@${getStore()?.status}`),
    onStatusChange: (next, previous) => log.push(`${previous.status}->${next.status}`),
  };
  return { log, handlers };
}

function storeOn(socket: TestSocket, reconnect: Partial<SocketStoreReconnectOptions> | false = {}, handlers: SocketStoreHandlers<any> = {}) {
  return new SocketStore(socket, handlers, { reconnect: reconnect === false ? false : { ...POLICY, ...reconnect } });
}

const codes = (store: SocketStore) => store.getSnapshot().lastError?.code as SocketStoreErrorCode | undefined;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.clearAllTimers();
  vi.useRealTimers();
});

describe("the connect timeout", () => {
  it("is 10 s by default: an attempt still connecting then reports ERR_CONNECT_TIMEOUT and is ended like drop('')", () => {
    const socket = new TestSocket();
    let store: SocketStore | undefined;
    const { log, handlers } = recorder(() => store);
    store = new SocketStore(socket, handlers, { reconnect: { enabled: true } });
    expect(store.reconnectOptions.connectTimeoutMs).toBe(10_000);
    vi.advanceTimersByTime(9_999);
    expect(store.status).toBe("connecting");
    vi.advanceTimersByTime(1);
    expect(log).toEqual(["onError:ERR_CONNECT_TIMEOUT@connecting", "connecting->reconnecting", "onClose:1006::false@reconnecting"]);
    expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 1, lastClose: { code: 1006, reason: "", wasClean: false } });
    expect(socket.closeCalls).toEqual([{ code: undefined, reason: undefined }]);
    expect(socket.listenerCount("open") + socket.listenerCount("message")).toBe(0);
    store.dispose();
  });

  it("reports with the error set first and the status still connecting, and ends the socket with terminate() where it has one", () => {
    const socket = new TestSocket();
    const terminate = vi.fn();
    Object.assign(socket, { terminate });
    const seen: unknown[] = [];
    const store: SocketStore = storeOn(socket, {}, {
      onError: (error) => seen.push([error.code, store.status, store.getSnapshot().lastError === error, terminate.mock.calls.length]),
    });
    vi.advanceTimersByTime(500);
    expect(seen).toEqual([["ERR_CONNECT_TIMEOUT", "connecting", true, 0]]);
    expect(terminate).toHaveBeenCalledTimes(1);
    expect(socket.closeCalls).toEqual([]);
    store.dispose();
  });

  it("asks retryOnClose about the 1006 close it stands for, and ends in closed when the predicate declines", () => {
    const asked: unknown[] = [];
    const store = storeOn(new TestSocket(), {
      retryOnClose: (event) => {
        asked.push({ code: event.code, reason: event.reason, wasClean: event.wasClean });
        return false;
      },
    });
    vi.advanceTimersByTime(500);
    expect(asked).toEqual([{ code: 1006, reason: "", wasClean: false }]);
    expect(store.getSnapshot()).toMatchObject({ status: "closed", attempt: 0, lastError: { code: "ERR_CONNECT_TIMEOUT" } });
    expect(vi.getTimerCount()).toBe(0);
    store.dispose();
  });

  it("covers a pending createSocket and the replacement's handshake together: taking a socket over does not restart it", () => {
    const first = new TestSocket(undefined, undefined, { readyState: 1 });
    const pending: Array<(socket: WebSocketLike) => void> = [];
    const store = storeOn(first, {
      createSocket: () => new Promise<WebSocketLike>((resolve) => pending.push(resolve)),
    });
    first.networkDrop();
    vi.advanceTimersByTime(100);
    expect(store.getSnapshot()).toMatchObject({ status: "connecting", attempt: 1 });
    vi.advanceTimersByTime(300);
    const replacement = new TestSocket();
    pending[0]!(replacement);
    return Promise.resolve().then(() => {
      expect(store.socket).toBe(replacement);
      vi.advanceTimersByTime(199);
      expect(store.status).toBe("connecting");
      vi.advanceTimersByTime(1);
      expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 2, lastError: { code: "ERR_CONNECT_TIMEOUT" } });
      expect(replacement.closeCalls).toHaveLength(1);
      store.dispose();
    });
  });

  it("abandons a createSocket still pending: its signal is aborted before the report, and a socket it gives later is closed at once", async () => {
    const first = new TestSocket(undefined, undefined, { readyState: 1 });
    const calls: Array<{ context: ReplacementContext; resolve: (socket: WebSocketLike) => void }> = [];
    const abortedAtReport: boolean[] = [];
    const store: SocketStore = storeOn(first, {
      createSocket: (context) => new Promise<WebSocketLike>((resolve) => calls.push({ context, resolve })),
    }, { onError: (error) => error.code === "ERR_CONNECT_TIMEOUT" && abortedAtReport.push(calls[0]!.context.signal.aborted) });
    first.networkDrop();
    vi.advanceTimersByTime(100 + 500);
    expect(abortedAtReport).toEqual([true]);
    expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 2, lastClose: { code: 1006, reason: "", wasClean: false } });
    const late = new TestSocket();
    calls[0]!.resolve(late);
    await Promise.resolve();
    expect(late.closeCalls).toHaveLength(1);
    expect(late.listenerCount("message")).toBe(0);
    expect(store.socket).toBe(first);
    store.dispose();
  });

  it("ends in error after maxAttempts attempts that all timed out, within Σ delay(n) + maxAttempts × connectTimeoutMs", () => {
    const store = storeOn(new TestSocket(undefined, undefined, { readyState: 1 }), { createSocket: () => new TestSocket() });
    (store.socket as TestSocket).networkDrop();
    const errors: string[] = [];
    store.subscribe(() => store.getSnapshot().lastError && errors.push(store.getSnapshot().lastError!.code));
    vi.advanceTimersByTime(2 * 100 + 2 * 500 - 1);
    expect(store.status).not.toBe("error");
    vi.advanceTimersByTime(1);
    expect(store.getSnapshot()).toMatchObject({ status: "error", attempt: 2, lastError: { code: "ERR_RECONNECT_EXHAUSTED" } });
    expect(vi.getTimerCount()).toBe(0);
    store.dispose();
  });

  it.each([
    ["close()", (store: SocketStore) => store.close(), "closing", 1],
    ["drop()", (store: SocketStore) => store.drop("mine"), "reconnecting", 1],
    // dispose() never closes the socket given to the constructor
    ["dispose()", (store: SocketStore) => store.dispose(), "connecting", 0],
  ] as const)("does not end the attempt itself when onError already called %s", (_name, act, status, closeCalls) => {
    const socket = new TestSocket();
    const store: SocketStore = storeOn(socket, {}, { onError: (error) => error.code === "ERR_CONNECT_TIMEOUT" && act(store) });
    vi.advanceTimersByTime(500);
    expect(store.status).toBe(status);
    expect(socket.closeCalls).toHaveLength(closeCalls);
    if (status === "reconnecting") expect(store.getSnapshot().lastClose?.reason).toBe("mine");
    store.dispose();
  });

  it("does not end a fresh attempt that onError started with drop() then reconnect()", () => {
    const socket = new TestSocket();
    const sockets: TestSocket[] = [];
    const store: SocketStore = storeOn(socket, { createSocket: () => sockets[sockets.push(new TestSocket()) - 1]! }, {
      onError: (error) => {
        if (error.code !== "ERR_CONNECT_TIMEOUT" || sockets.length > 0) return;
        store.drop();
        store.reconnect();
      },
    });
    vi.advanceTimersByTime(500);
    expect(store.getSnapshot()).toMatchObject({ status: "connecting", attempt: 1 });
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.closeCalls).toEqual([]);
    expect(store.socket).toBe(sockets[0]);
    store.dispose();
  });

  it("starts an outage when it ends the socket given to the constructor, as any remote close of it does", () => {
    const store = storeOn(new TestSocket(), { maxAttempts: 1 });
    vi.advanceTimersByTime(500);
    expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 1, retryDelayMs: 100 });
    store.dispose();
  });

  it("is cancelled when the status leaves connecting, and a new one starts with each attempt", () => {
    const first = new TestSocket();
    const made: TestSocket[] = [];
    const store = storeOn(first, { createSocket: () => made[made.push(new TestSocket()) - 1]! });
    vi.advanceTimersByTime(499);
    first.open();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(store.status).toBe("open");
    first.networkDrop();
    vi.advanceTimersByTime(100);
    expect(store.status).toBe("connecting");
    vi.advanceTimersByTime(499);
    expect(store.status).toBe("connecting");
    store.reconnect(); // a no-op while connecting: the timer goes on
    vi.advanceTimersByTime(1);
    expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 2, lastError: { code: "ERR_CONNECT_TIMEOUT" } });
    store.dispose();
  });

  it("starts with reconnect() too", () => {
    const store = storeOn(new TestSocket(undefined, undefined, { readyState: 3 }), { createSocket: () => new TestSocket() });
    store.reconnect();
    vi.advanceTimersByTime(500);
    expect(codes(store)).toBe("ERR_CONNECT_TIMEOUT");
    expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 2 });
    store.dispose();
  });

  it.each([
    ["reconnect is disabled", false],
    ["connectTimeoutMs is false", { connectTimeoutMs: false }],
  ] as const)("runs no timer when %s: a connecting socket stays connecting", (_name, reconnect) => {
    const socket = new TestSocket();
    const store = storeOn(socket, reconnect);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(3_600_000);
    expect(store.status).toBe("connecting");
    expect(store.getSnapshot().lastError).toBeNull();
    store.dispose();
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2_147_483_648, "500", null, true])(
    "refuses connectTimeoutMs %s with ERR_INVALID_ARGUMENT naming the option",
    (connectTimeoutMs) => {
      let thrown: unknown;
      try {
        new SocketStore(new TestSocket(), {}, { reconnect: { enabled: true, connectTimeoutMs: connectTimeoutMs as never } });
      } catch (error) {
        thrown = error;
      }
      expect(isSocketStoreError(thrown) && thrown.code).toBe("ERR_INVALID_ARGUMENT");
      expect((thrown as Error).message).toContain("connectTimeoutMs");
    },
  );

  it("accepts false and numbers up to 2,147,483,647, and is not validated when reconnect is disabled", () => {
    for (const connectTimeoutMs of [false, 1, 0.5, 2_147_483_647] as const) {
      expect(new SocketStore(new TestSocket(), {}, { reconnect: { enabled: true, connectTimeoutMs } }).reconnectOptions.connectTimeoutMs).toBe(connectTimeoutMs);
    }
    expect(() => new SocketStore(new TestSocket(), {}, { reconnect: { enabled: false as never, connectTimeoutMs: -5 } })).not.toThrow();
  });
});

describe("an error with no close", () => {
  it.each([
    ["with reconnect", {}, { status: "reconnecting", attempt: 1 }],
    ["without reconnect", false, { status: "closed", attempt: 0 }],
  ] as const)("ends a socket still CONNECTING after its error, once a 0 ms timer found no close (%s)", (_name, reconnect, expected) => {
    const socket = new TestSocket();
    let store: SocketStore | undefined;
    const { log, handlers } = recorder(() => store);
    store = storeOn(socket, reconnect === false ? false : { connectTimeoutMs: false, ...reconnect }, handlers);
    socket.fail();
    expect(store.status).toBe("connecting");
    expect(socket.closeCalls).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(store.getSnapshot()).toMatchObject({ ...expected, lastClose: { code: 1006, reason: "", wasClean: false }, lastError: { code: "ERR_SOCKET_ERROR" } });
    expect(log).toEqual(["onError:ERR_SOCKET_ERROR@connecting", `connecting->${expected.status}`, `onClose:1006::false@${expected.status}`]);
    expect(socket.closeCalls).toEqual([{ code: undefined, reason: undefined }]);
    expect(socket.listenerCount("message")).toBe(0);
    // The close that never came, coming after all, reaches nobody.
    const snapshot = store.getSnapshot();
    socket.serverClose();
    expect(store.getSnapshot()).toBe(snapshot);
    store.dispose();
  });

  it("changes nothing on a compliant socket: error then close in the same task is judged once, as the close says", () => {
    const socket = new TestSocket();
    let store: SocketStore | undefined;
    const { log, handlers } = recorder(() => store);
    store = storeOn(socket, { connectTimeoutMs: false }, handlers);
    socket.readyState = 3;
    socket.fail();
    socket.readyState = 0;
    socket.serverClose({ code: 1006, reason: "refused", wasClean: false });
    vi.advanceTimersByTime(0);
    expect(log).toEqual(["onError:ERR_SOCKET_ERROR@connecting", "connecting->reconnecting", "onClose:1006:refused:false@reconnecting"]);
    expect(store.getSnapshot().lastClose).toEqual({ code: 1006, reason: "refused", wasClean: false });
    expect(socket.closeCalls).toEqual([]);
    store.dispose();
  });

  it("judges a close that follows as a microtask as it comes, even while readyState still said CONNECTING at the error", async () => {
    const socket = new TestSocket();
    let store: SocketStore | undefined;
    const { log, handlers } = recorder(() => store);
    store = storeOn(socket, { connectTimeoutMs: false }, handlers);
    socket.fail();
    await Promise.resolve();
    socket.serverClose({ code: 1015, reason: "tls", wasClean: false });
    vi.advanceTimersByTime(0);
    expect(log).toEqual(["onError:ERR_SOCKET_ERROR@connecting", "connecting->reconnecting", "onClose:1015:tls:false@reconnecting"]);
    expect(socket.closeCalls).toEqual([]);
    expect(vi.getTimerCount()).toBe(1); // the backoff only
    store.dispose();
  });

  it("does nothing when the socket opened before the timer fired", () => {
    const socket = new TestSocket();
    const store = storeOn(socket, { connectTimeoutMs: false });
    socket.fail();
    socket.open();
    vi.advanceTimersByTime(0);
    expect(store.status).toBe("open");
    expect(socket.closeCalls).toEqual([]);
    store.dispose();
  });

  it("does nothing for an error of an open socket, or of one whose readyState is no longer CONNECTING", () => {
    const open = new TestSocket(undefined, undefined, { readyState: 1 });
    const store = storeOn(open, false);
    open.fail();
    expect(vi.getTimerCount()).toBe(0);
    expect(store.status).toBe("open");
    store.dispose();
    const closing = new TestSocket();
    const other = storeOn(closing, false);
    closing.readyState = 2;
    closing.fail();
    vi.advanceTimersByTime(0);
    expect(other.status).toBe("connecting");
    other.dispose();
  });
});

describe("ReplacementContext.signal", () => {
  function pendingFactory() {
    const calls: Array<{ context: ReplacementContext; resolve: (socket: unknown) => void; reject: (reason: unknown) => void }> = [];
    const createSocket = (context: ReplacementContext) =>
      new Promise<WebSocketLike>((resolve, reject) => calls.push({ context, resolve: resolve as never, reject }));
    return { calls, createSocket };
  }

  it.each([
    ["close()", (store: SocketStore) => store.close()],
    ["drop()", (store: SocketStore) => store.drop()],
    ["dispose()", (store: SocketStore) => store.dispose()],
  ] as const)("is aborted before %s returns while the call is pending", (_name, act) => {
    const { calls, createSocket } = pendingFactory();
    const store = storeOn(new TestSocket(undefined, undefined, { readyState: 3 }), { createSocket, connectTimeoutMs: false });
    store.reconnect();
    const { signal } = calls[0]!.context;
    expect(signal.aborted).toBe(false);
    act(store);
    expect(signal.aborted).toBe(true);
    store.dispose();
  });

  it("is never aborted after the socket was taken over, or after the call was judged a failure (even when onError then closes)", async () => {
    const { calls, createSocket } = pendingFactory();
    const store: SocketStore = storeOn(new TestSocket(undefined, undefined, { readyState: 3 }), { createSocket }, {
      onError: (error) => error.code === "ERR_SOCKET_FACTORY" && store.close(),
    });
    store.reconnect();
    calls[0]!.resolve(new TestSocket());
    await Promise.resolve();
    store.drop();
    vi.advanceTimersByTime(100);
    calls[1]!.reject(new Error("no token"));
    await Promise.resolve();
    await Promise.resolve();
    expect(store.status).toBe("closed");
    store.dispose();
    expect(calls.map((call) => call.context.signal.aborted)).toEqual([false, false]);
  });

  it("is a fresh signal for every call", () => {
    const { calls, createSocket } = pendingFactory();
    const store = storeOn(new TestSocket(undefined, undefined, { readyState: 3 }), { createSocket, connectTimeoutMs: false });
    store.reconnect();
    store.close();
    store.reconnect();
    expect(calls.map((call) => call.context.signal.aborted)).toEqual([true, false]);
    expect(calls[0]!.context.signal).not.toBe(calls[1]!.context.signal);
    store.dispose();
  });
});
