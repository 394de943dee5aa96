import { WebSocket as MockWebSocket } from "mock-socket";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  SocketStore,
  type CloseEventLike,
  type ReplacementContext,
  type SocketStoreReconnectOptions,
  type WebSocketLike,
} from "../../src/index.js";
import { TestSocket, type TestSocketOptions } from "../../src/testing/test-socket.js";
import { Harness, STEP_MS, URL, countListeners, recordingHandlers, type ServerSide } from "./harness.js";

let harness: Harness;
beforeEach(() => {
  harness = new Harness();
});
afterEach(() => harness.stop());

type Reconnect = Omit<SocketStoreReconnectOptions, "enabled">;

function reconnecting(options: Reconnect = {}, handlers = {}) {
  const store = new SocketStore(harness.connect() as unknown as WebSocketLike, handlers, { reconnect: { enabled: true, ...options } });
  harness.flush();
  expect(store.status).toBe("open");
  return store;
}

/** The server drops the current connection; the close event is delivered. */
function drop(code = 1006, reason = "") {
  harness.lastConnection.close({ code, reason });
  harness.flush();
}

/** A socket that stays where it is put, for factories. */
function inertSocket(readyState: number) {
  return { readyState, addEventListener: vi.fn(), removeEventListener: vi.fn(), send: vi.fn(), close: vi.fn<(code?: number, reason?: string) => void>() };
}

const snapshotOf = (store: SocketStore) => {
  const { status, attempt, retryDelayMs } = store.getSnapshot();
  return { status, attempt, retryDelayMs };
};

describe("which closes start an outage", () => {
  it("retries a server close: straight to reconnecting (never closed), and onClose sees reconnecting", () => {
    let store: SocketStore | undefined;
    const { log, handlers } = recordingHandlers(() => store);
    store = reconnecting({}, handlers);
    drop(1006);
    expect(snapshotOf(store)).toEqual({ status: "reconnecting", attempt: 1, retryDelayMs: 250 });
    expect(log.slice(-2)).toEqual(["status:open->reconnecting", "onClose:1006@reconnecting"]);
    expect(log).not.toContain("status:open->closed");
    expect(vi.getTimerCount()).toBe(1);
  });

  it("never retries after store.close() and does not ask the predicate", () => {
    const retryOnClose = vi.fn(() => true);
    const store = reconnecting({ retryOnClose });
    store.close(1000);
    harness.flush();
    expect(snapshotOf(store)).toEqual({ status: "closed", attempt: 0, retryDelayMs: null });
    expect(retryOnClose).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("treats a direct socket.close() as terminal without a predicate", () => {
    const store = reconnecting();
    store.socket.close(4000);
    expect(store.status).toBe("closing");
    harness.flush();
    expect(store.status).toBe("closed");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("retries a direct socket.close() that the predicate accepts (cycling for fresh credentials)", () => {
    const retryOnClose = vi.fn((event: CloseEventLike) => event.code === 4000);
    const store = reconnecting({ retryOnClose });
    store.socket.close(4000, "refresh");
    harness.flush();
    expect(retryOnClose).toHaveBeenCalledTimes(1);
    expect(retryOnClose.mock.calls[0]![0].code).toBe(4000);
    expect(store.status).toBe("reconnecting");
  });

  it("settles on closed with no attempt pending when the predicate declines", () => {
    const store = reconnecting({ retryOnClose: (event) => event.code !== 4401 });
    drop(4401, "unauthorized");
    expect(snapshotOf(store)).toEqual({ status: "closed", attempt: 0, retryDelayMs: null });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("retries only on a predicate result === true", () => {
    const store = reconnecting({ retryOnClose: (() => 1) as never });
    drop(1006);
    expect(store.status).toBe("closed");
  });

  it("reports a throwing predicate as ERR_RETRY_PREDICATE and settles on closed", () => {
    const failure = new Error("predicate bug");
    let store: SocketStore | undefined;
    const { log, handlers } = recordingHandlers(() => store);
    store = reconnecting(
      {
        retryOnClose: () => {
          throw failure;
        },
      },
      handlers,
    );
    drop(1006);
    expect(store.status).toBe("closed");
    expect(store.getSnapshot().lastError).toMatchObject({ code: "ERR_RETRY_PREDICATE", cause: failure });
    expect(log).toContain("onError:ERR_RETRY_PREDICATE@closed");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("does not start an outage on an error event alone", () => {
    const store = reconnecting();
    harness.server.simulate("error");
    expect(store.status).toBe("open");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("retries when the socket given to the constructor fails to connect", () => {
    harness.server.stop();
    const store = new SocketStore(harness.connect() as unknown as WebSocketLike, {}, { reconnect: { enabled: true } });
    harness.flush();
    expect(snapshotOf(store)).toEqual({ status: "reconnecting", attempt: 1, retryDelayMs: 250 });
  });
});

describe("attempts and delays", () => {
  it("waits exactly delay(n) with exponential backoff, doubling and capped", () => {
    harness.server.stop();
    const store = new SocketStore(harness.connect() as unknown as WebSocketLike, {}, {
      reconnect: { enabled: true, maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 300 },
    });
    harness.flush();
    for (const [attempt, delay] of [[1, 100], [2, 200], [3, 300], [4, 300], [5, 300]] as const) {
      expect(snapshotOf(store)).toEqual({ status: "reconnecting", attempt, retryDelayMs: delay });
      vi.advanceTimersByTime(delay - 1);
      expect(store.status).toBe("reconnecting");
      vi.advanceTimersByTime(1);
      expect(snapshotOf(store)).toEqual({ status: "connecting", attempt, retryDelayMs: null });
      harness.flush();
    }
    expect(snapshotOf(store)).toEqual({ status: "error", attempt: 5, retryDelayMs: null });
  });

  it("waits initialDelayMs before every attempt with fixed backoff", () => {
    harness.server.stop();
    const store = new SocketStore(harness.connect() as unknown as WebSocketLike, {}, {
      reconnect: { enabled: true, maxAttempts: 3, backoff: "fixed", initialDelayMs: 70, maxDelayMs: 10 },
    });
    harness.flush();
    for (const attempt of [1, 2, 3]) {
      expect(snapshotOf(store)).toEqual({ status: "reconnecting", attempt, retryDelayMs: 70 });
      vi.advanceTimersByTime(69);
      expect(store.status).toBe("reconnecting");
      vi.advanceTimersByTime(1);
      expect(store.status).toBe("connecting");
      harness.flush();
    }
    expect(store.status).toBe("error");
  });

  it("uses the defaults: 5 attempts, exponential from 250 ms capped at 5000 ms", () => {
    harness.server.stop();
    const store = new SocketStore(harness.connect() as unknown as WebSocketLike, {}, { reconnect: { enabled: true } });
    harness.flush();
    const delays: (number | null)[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      delays.push(store.getSnapshot().retryDelayMs);
      vi.advanceTimersByTime(store.getSnapshot().retryDelayMs!);
      harness.flush();
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 4000]);
    expect(store.status).toBe("error");
  });
});

describe("replacement sockets", () => {
  it("by default come from the previous socket's constructor with its url, protocol and binaryType", () => {
    const first = harness.connect();
    first.binaryType = "arraybuffer";
    const store = new SocketStore(first as unknown as WebSocketLike, {}, { reconnect: { enabled: true, initialDelayMs: 10 } });
    harness.flush();
    drop();
    vi.advanceTimersByTime(10);
    const replacement = store.socket as unknown as MockWebSocket;
    expect(replacement).not.toBe(first);
    expect(replacement).toBeInstanceOf(MockWebSocket);
    expect(replacement.url).toBe(first.url);
    expect(replacement.binaryType).toBe("arraybuffer");
    harness.flush();
    expect(store.status).toBe("open");
    expect(harness.connections).toHaveLength(2);
  });

  it("by default leave binaryType alone when the previous socket has none", () => {
    // A WebSocket-like without binaryType; its replacement is made from the same constructor.
    class NoBinaryType extends TestSocket {
      constructor(url?: string, protocol?: string, options?: TestSocketOptions) {
        super(url, protocol, options);
        delete (this as { binaryType?: string }).binaryType;
      }
    }
    const first = new NoBinaryType(undefined, undefined, { readyState: 1 });
    const store = new SocketStore(first, {}, { reconnect: { enabled: true, initialDelayMs: 10 } });
    first.serverClose({ code: 1006 });
    vi.advanceTimersByTime(10);
    const replacement = store.socket;
    expect(replacement).toBeInstanceOf(NoBinaryType);
    expect(replacement).not.toBe(first);
    expect("binaryType" in replacement).toBe(false);
  });

  it("come from createSocket when given, with attempt, previous, lastClose and a signal not aborted once the socket is taken over", () => {
    const contexts: ReplacementContext[] = [];
    const store = reconnecting({
      initialDelayMs: 10,
      createSocket: (context) => {
        contexts.push({ ...context });
        return new MockWebSocket(URL) as unknown as WebSocketLike;
      },
    });
    const first = store.socket;
    drop(1012, "restart");
    vi.advanceTimersByTime(10);
    expect(contexts).toEqual([
      { attempt: 1, previous: first, lastClose: { code: 1012, reason: "restart", wasClean: false }, signal: expect.any(AbortSignal) },
    ]);
    harness.flush();
    expect(contexts[0]!.signal.aborted).toBe(false);
    expect(store.status).toBe("open");
    expect(store.socket).not.toBe(first);
  });

  it("move the listeners from the old socket to the new one, leaving nothing behind", () => {
    const first = harness.connect();
    const onFirst = countListeners(first);
    let onReplacement: () => number = () => -1;
    const store = new SocketStore(first as unknown as WebSocketLike, {}, {
      reconnect: {
        enabled: true,
        initialDelayMs: 10,
        createSocket: () => {
          const socket = new MockWebSocket(URL);
          onReplacement = countListeners(socket);
          return socket as unknown as WebSocketLike;
        },
      },
    });
    harness.flush();
    expect(onFirst()).toBe(4);
    drop();
    vi.advanceTimersByTime(10);
    expect(onFirst()).toBe(0);
    expect(onReplacement()).toBe(4);
    expect(Object.prototype.hasOwnProperty.call(first, "close")).toBe(false);
    store.dispose();
    // Until its close event, a socket the store closes keeps one error listener (and the close listener that removes it).
    harness.flush();
    expect(onReplacement()).toBe(0);
  });

  it("may come from an async factory: connecting while it is pending", async () => {
    let resolve!: (socket: WebSocketLike) => void;
    const store = reconnecting({ initialDelayMs: 10, createSocket: () => new Promise<WebSocketLike>((done) => (resolve = done)) });
    drop();
    vi.advanceTimersByTime(10);
    expect(snapshotOf(store)).toEqual({ status: "connecting", attempt: 1, retryDelayMs: null });
    expect(store.reconnect()).toBeUndefined();
    expect(store.status).toBe("connecting");
    resolve(new MockWebSocket(URL) as unknown as WebSocketLike);
    await vi.advanceTimersByTimeAsync(STEP_MS);
    expect(store.status).toBe("open");
  });

  it("report ERR_SOCKET_FACTORY while still connecting when the factory throws, and count a failed attempt", () => {
    const failure = new Error("no token");
    let store: SocketStore | undefined;
    const { log, snapshots, handlers } = recordingHandlers(() => store);
    store = reconnecting(
      {
        maxAttempts: 2,
        initialDelayMs: 10,
        createSocket: () => {
          throw failure;
        },
      },
      handlers,
    );
    drop();
    vi.advanceTimersByTime(10);
    expect(log).toContain("onError:ERR_SOCKET_FACTORY@connecting");
    expect(snapshots[0]).toMatchObject({ status: "connecting", attempt: 1, lastError: { code: "ERR_SOCKET_FACTORY", cause: failure } });
    expect(snapshotOf(store)).toEqual({ status: "reconnecting", attempt: 2, retryDelayMs: 20 });
  });

  it.each([
    ["rejects", () => Promise.reject(new Error("offline"))],
    ["resolves to something that is not a socket", () => Promise.resolve({ readyState: 1 })],
    ["returns something that is not a socket", () => "wss://not-a-socket"],
    ["returns nothing", () => undefined],
  ])("count a failed attempt when the factory %s", async (_name, createSocket) => {
    const onError = vi.fn();
    const store = reconnecting({ maxAttempts: 2, initialDelayMs: 10, createSocket: createSocket as never }, { onError });
    drop();
    await vi.advanceTimersByTimeAsync(10);
    expect(onError.mock.calls.map(([error]) => error.code)).toEqual(["ERR_SOCKET_FACTORY"]);
    expect(snapshotOf(store)).toEqual({ status: "reconnecting", attempt: 2, retryDelayMs: 20 });
  });

  it("make status open at once when already open, without calling onOpen", () => {
    const onOpen = vi.fn();
    const replacement = inertSocket(1);
    const store = reconnecting({ initialDelayMs: 10, createSocket: () => replacement }, { onOpen });
    onOpen.mockClear();
    drop();
    vi.advanceTimersByTime(10);
    expect(store.socket).toBe(replacement);
    expect(snapshotOf(store)).toEqual({ status: "open", attempt: 1, retryDelayMs: null });
    expect(onOpen).not.toHaveBeenCalled();
    store.send("works");
    expect(replacement.send).toHaveBeenCalledWith("works");
  });

  it("count a failed attempt when already closing or closed", () => {
    const store = reconnecting({ maxAttempts: 3, initialDelayMs: 10, createSocket: () => inertSocket(3) });
    drop();
    vi.advanceTimersByTime(10);
    expect(snapshotOf(store)).toEqual({ status: "reconnecting", attempt: 2, retryDelayMs: 20 });
  });

  it("never leave two sockets connecting or open", () => {
    const created: MockWebSocket[] = [];
    const store = reconnecting({
      maxAttempts: 3,
      initialDelayMs: 10,
      createSocket: () => {
        const live = [harness.sockets[0]!, ...created].filter((socket) => socket.readyState <= 1);
        expect(live).toHaveLength(0);
        const socket = new MockWebSocket(URL);
        created.push(socket);
        return socket as unknown as WebSocketLike;
      },
    });
    for (let round = 0; round < 4; round++) {
      drop();
      vi.advanceTimersByTime(10);
      harness.flush();
      vi.advanceTimersByTime(5000);
      expect(store.status).toBe("open");
    }
    expect(created).toHaveLength(4);
  });

  it("delivered after close() are closed at once and never reach a handler", async () => {
    let resolve!: (socket: WebSocketLike) => void;
    const handlers = { onOpen: vi.fn(), onClose: vi.fn(), onError: vi.fn() };
    const store = reconnecting({ initialDelayMs: 10, createSocket: () => new Promise<WebSocketLike>((done) => (resolve = done)) }, handlers);
    drop();
    vi.advanceTimersByTime(10);
    for (const handler of Object.values(handlers)) handler.mockClear();
    store.close();
    expect(store.status).toBe("closed");
    const late = new MockWebSocket(URL);
    const close = vi.spyOn(late, "close");
    resolve(late as unknown as WebSocketLike);
    await vi.advanceTimersByTimeAsync(STEP_MS * 2);
    expect(close).toHaveBeenCalledTimes(1);
    expect(store.socket).not.toBe(late);
    expect(store.status).toBe("closed");
    for (const handler of Object.values(handlers)) expect(handler).not.toHaveBeenCalled();
  });

  it("delivered after dispose() are closed at once", async () => {
    let resolve!: (socket: WebSocketLike) => void;
    const store = reconnecting({ initialDelayMs: 10, createSocket: () => new Promise<WebSocketLike>((done) => (resolve = done)) });
    drop();
    vi.advanceTimersByTime(10);
    store.dispose();
    const late = inertSocket(0);
    resolve(late);
    await vi.advanceTimersByTimeAsync(1);
    expect(late.close).toHaveBeenCalledTimes(1);
  });

  it("from an earlier factory call are closed when a newer call is pending", async () => {
    const pending: ((socket: WebSocketLike) => void)[] = [];
    const store = reconnecting({ initialDelayMs: 10, createSocket: () => new Promise<WebSocketLike>((done) => pending.push(done)) });
    drop();
    vi.advanceTimersByTime(10);
    store.close();
    store.reconnect();
    expect(pending).toHaveLength(2);
    const stale = inertSocket(0);
    pending[0]!(stale);
    await vi.advanceTimersByTimeAsync(0);
    expect(stale.close).toHaveBeenCalledTimes(1);
    expect(store.status).toBe("connecting");
    const fresh = inertSocket(1);
    pending[1]!(fresh);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.socket).toBe(fresh);
    expect(store.status).toBe("open");
  });
});

describe("end of an outage", () => {
  it("resets attempt only after the replacement stayed open for maxDelayMs", () => {
    const store = reconnecting({ initialDelayMs: 10, maxDelayMs: 1000 });
    drop();
    vi.advanceTimersByTime(10);
    harness.flush();
    expect(snapshotOf(store)).toEqual({ status: "open", attempt: 1, retryDelayMs: null });
    vi.advanceTimersByTime(999);
    expect(store.getSnapshot().attempt).toBe(1);
    vi.advanceTimersByTime(1);
    expect(snapshotOf(store)).toEqual({ status: "open", attempt: 0, retryDelayMs: null });
    expect(vi.getTimerCount()).toBe(0);
    drop();
    expect(snapshotOf(store)).toEqual({ status: "reconnecting", attempt: 1, retryDelayMs: 10 });
  });

  it("stops a flapping server (accepts, then drops at once) after maxAttempts with error", () => {
    let store: SocketStore | undefined;
    const { log, handlers } = recordingHandlers(() => store);
    store = reconnecting({ maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 1000 }, handlers);
    harness.server.on("connection", (socket) => {
      if (harness.connections.length > 1) setTimeout(() => (socket as unknown as ServerSide).close({ code: 1011 }), 20);
    });
    drop();
    vi.advanceTimersByTime(60_000);
    expect(snapshotOf(store)).toEqual({ status: "error", attempt: 3, retryDelayMs: null });
    expect(harness.connections).toHaveLength(4);
    expect(store.getSnapshot().lastError?.code).toBe("ERR_RECONNECT_EXHAUSTED");
    // Nothing caused it but the budget: the error carries no `cause` property at all.
    expect(store.getSnapshot().lastError).not.toHaveProperty("cause");
    expect(log.filter((line) => line.startsWith("onError"))).toEqual(["onError:ERR_RECONNECT_EXHAUSTED@error"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("ends in error with ERR_RECONNECT_EXHAUSTED after the last attempt's ERR_SOCKET_FACTORY", () => {
    let store: SocketStore | undefined;
    const { log, handlers } = recordingHandlers(() => store);
    store = reconnecting(
      {
        maxAttempts: 1,
        initialDelayMs: 10,
        createSocket: () => {
          throw new Error("x");
        },
      },
      handlers,
    );
    drop();
    vi.advanceTimersByTime(10);
    expect(log.filter((line) => line.startsWith("onError"))).toEqual(["onError:ERR_SOCKET_FACTORY@connecting", "onError:ERR_RECONNECT_EXHAUSTED@error"]);
    expect(store.getSnapshot()).toMatchObject({ status: "error", attempt: 1, lastError: { code: "ERR_RECONNECT_EXHAUSTED" } });
  });

  it("settles on closed when the last attempt's close is declined by the predicate", () => {
    const store = reconnecting({ maxAttempts: 1, initialDelayMs: 10, retryOnClose: (event) => event.code !== 4401 });
    drop(1006);
    vi.advanceTimersByTime(10);
    harness.flush();
    drop(4401);
    expect(snapshotOf(store)).toEqual({ status: "closed", attempt: 1, retryDelayMs: null });
    expect(store.getSnapshot().lastError).toBeNull();
  });

  it("keeps attempt and lastError when close() leaves error", () => {
    harness.server.stop();
    const store = new SocketStore(harness.connect() as unknown as WebSocketLike, {}, { reconnect: { enabled: true, maxAttempts: 1, initialDelayMs: 10 } });
    harness.flush();
    vi.advanceTimersByTime(10);
    harness.flush();
    expect(store.status).toBe("error");
    const lastError = store.getSnapshot().lastError;
    store.close();
    expect(store.getSnapshot()).toMatchObject({ status: "closed", attempt: 1, lastError });
    store.close();
    expect(store.status).toBe("closed");
  });
});

describe("manual control with reconnect", () => {
  it("close() while reconnecting cancels the pending attempt", () => {
    const store = reconnecting({ initialDelayMs: 10 });
    drop();
    expect(vi.getTimerCount()).toBe(1);
    store.close();
    expect(snapshotOf(store)).toEqual({ status: "closed", attempt: 1, retryDelayMs: null });
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(harness.connections).toHaveLength(1);
  });

  it("close() while a replacement is connecting closes it: closing, then closed", () => {
    const store = reconnecting({ initialDelayMs: 10 });
    drop();
    vi.advanceTimersByTime(10);
    const replacement = store.socket;
    expect(store.status).toBe("connecting");
    store.close(1000);
    expect(store.status).toBe("closing");
    expect(replacement.readyState).toBe(2);
    harness.flush();
    expect(store.status).toBe("closed");
    vi.advanceTimersByTime(60_000);
    expect(store.status).toBe("closed");
  });

  it("reconnect() starts a fresh outage at once from closed (also after store.close())", () => {
    const createSocket = vi.fn(() => new MockWebSocket(URL) as unknown as WebSocketLike);
    const store = reconnecting({ createSocket });
    store.close();
    harness.flush();
    store.reconnect();
    expect(createSocket).toHaveBeenCalledTimes(1);
    expect(snapshotOf(store)).toEqual({ status: "connecting", attempt: 1, retryDelayMs: null });
    harness.flush();
    expect(store.status).toBe("open");
  });

  it("reconnect() from error starts counting at 1 again", () => {
    harness.server.stop();
    const store = new SocketStore(harness.connect() as unknown as WebSocketLike, {}, { reconnect: { enabled: true, maxAttempts: 2, initialDelayMs: 10 } });
    vi.advanceTimersByTime(1000);
    expect(snapshotOf(store)).toEqual({ status: "error", attempt: 2, retryDelayMs: null });
    store.reconnect();
    expect(snapshotOf(store)).toEqual({ status: "connecting", attempt: 1, retryDelayMs: null });
    harness.flush();
    expect(snapshotOf(store)).toEqual({ status: "reconnecting", attempt: 2, retryDelayMs: 20 });
  });

  it("reconnect() while reconnecting skips the wait and restarts the budget", () => {
    const store = reconnecting({ initialDelayMs: 10, maxAttempts: 5 });
    drop();
    store.reconnect();
    expect(snapshotOf(store)).toEqual({ status: "connecting", attempt: 1, retryDelayMs: null });
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    harness.flush();
    expect(store.status).toBe("open");
  });

  it("reconnect() on a socket already closed at construction gives lastClose null", () => {
    const contexts: ReplacementContext[] = [];
    const store = new SocketStore(inertSocket(3), {}, {
      reconnect: { enabled: true, createSocket: (context) => (contexts.push(context), inertSocket(0)) },
    });
    store.reconnect();
    expect(contexts[0]).toMatchObject({ attempt: 1, lastClose: null });
    expect(store.status).toBe("connecting");
  });

  it("reconnect() does nothing while connecting, open or closing", () => {
    const createSocket = vi.fn(() => inertSocket(0));
    for (const readyState of [0, 1, 2]) {
      const store = new SocketStore(inertSocket(readyState), {}, { reconnect: { enabled: true, createSocket } });
      const before = store.getSnapshot();
      store.reconnect();
      expect(store.getSnapshot()).toBe(before);
    }
    expect(createSocket).not.toHaveBeenCalled();
  });

  it("calls no factory when a subscriber closes the store as the attempt starts", () => {
    const createSocket = vi.fn(() => inertSocket(0));
    const store = reconnecting({ initialDelayMs: 10, createSocket });
    store.subscribe(() => {
      if (store.status === "connecting") store.close();
    });
    drop();
    vi.advanceTimersByTime(10);
    expect(store.status).toBe("closed");
    expect(createSocket).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("close() while an async factory is pending goes straight to closed", () => {
    const store = reconnecting({ initialDelayMs: 10, createSocket: () => new Promise<WebSocketLike>(() => {}) });
    drop();
    vi.advanceTimersByTime(10);
    expect(store.status).toBe("connecting");
    store.close();
    expect(store.status).toBe("closed");
  });

  it("send() throws ERR_SOCKET_NOT_OPEN while reconnecting and in error", () => {
    const store = reconnecting({ maxAttempts: 1, initialDelayMs: 10, createSocket: () => inertSocket(3) });
    drop();
    expect(() => store.send("x")).toThrowError(expect.objectContaining({ code: "ERR_SOCKET_NOT_OPEN" }));
    vi.advanceTimersByTime(10);
    expect(store.status).toBe("error");
    expect(() => store.send("x")).toThrowError(expect.objectContaining({ code: "ERR_SOCKET_NOT_OPEN" }));
  });
});

describe("dispose() with reconnect", () => {
  it("cancels a pending attempt", () => {
    const store = reconnecting({ initialDelayMs: 10 });
    drop();
    store.dispose();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(harness.connections).toHaveLength(1);
    expect(store.status).toBe("reconnecting");
  });

  it("closes the replacement socket the store obtained, and never the caller's", () => {
    const first = harness.connect();
    const closeFirst = vi.spyOn(first, "close");
    const store = new SocketStore(first as unknown as WebSocketLike, {}, { reconnect: { enabled: true, initialDelayMs: 10 } });
    harness.flush();
    drop();
    vi.advanceTimersByTime(10);
    harness.flush();
    const replacement = store.socket;
    expect(replacement.readyState).toBe(1);
    store.dispose();
    expect(replacement.readyState).toBe(2);
    harness.flush();
    expect(replacement.readyState).toBe(3);
    expect(closeFirst).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("re-entrant callbacks", () => {
  it("still give every onError call its own error as lastError when a subscriber reports another one", () => {
    const seen: [string, string | undefined][] = [];
    let store: SocketStore | undefined;
    store = reconnecting(
      { maxAttempts: 1, initialDelayMs: 10, createSocket: () => inertSocket(3) },
      { onError: (error: { code: string }) => seen.push([error.code, store!.getSnapshot().lastError?.code]) },
    );
    drop();
    expect(snapshotOf(store)).toEqual({ status: "reconnecting", attempt: 1, retryDelayMs: 10 });
    let once = true;
    store.subscribe(() => {
      if (once) {
        once = false;
        store!.reconnect();
      }
    });
    (store.socket as unknown as EventTarget).dispatchEvent(new Event("error"));
    expect(seen).toEqual([
      ["ERR_SOCKET_ERROR", "ERR_SOCKET_ERROR"],
      ["ERR_RECONNECT_EXHAUSTED", "ERR_RECONNECT_EXHAUSTED"],
    ]);
    expect(store.status).toBe("error");
  });
});

describe("a socket the store let go", () => {
  it("no longer moves the store when a close reference taken earlier is called", () => {
    const store = reconnecting({ initialDelayMs: 10, createSocket: () => new MockWebSocket(URL) as unknown as WebSocketLike });
    const first = store.socket;
    const closeTakenEarlier = first.close;
    drop();
    vi.advanceTimersByTime(10);
    harness.flush();
    expect(store.status).toBe("open");
    closeTakenEarlier.call(first, 4000);
    expect(store.status).toBe("open");
  });
});
