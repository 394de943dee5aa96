import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isSocketStoreError, SocketStore, type CloseEventLike, type SocketStoreErrorCode } from "../../src/index.js";
import { TestSocket } from "../../src/testing/test-socket.js";

const RECONNECT = { enabled: true, maxAttempts: 2, backoff: "fixed", initialDelayMs: 100, maxDelayMs: 1000 } as const;

function codeOf(action: () => void): SocketStoreErrorCode | unknown {
  try {
    action();
  } catch (error) {
    return isSocketStoreError(error) ? error.code : error;
  }
  return undefined;
}

describe("drop()", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });

  it("ends an open connection now: stops listening, closes the socket with no arguments and judges a 1006 close", () => {
    const socket = new TestSocket(undefined, undefined, { readyState: 1 });
    const log: string[] = [];
    const store: SocketStore = new SocketStore(socket, {
      onClose: (event) => log.push(`onClose:${event.code}:${event.reason}:${event.wasClean}@${store.status}`),
    }, { reconnect: RECONNECT });
    store.drop("heartbeat timeout");
    expect(socket.closeCalls).toEqual([{ code: undefined, reason: undefined }]);
    expect(socket.listenerCount("open") + socket.listenerCount("message")).toBe(0);
    expect(store.getSnapshot()).toMatchObject({
      status: "reconnecting",
      attempt: 1,
      retryDelayMs: 100,
      lastClose: { code: 1006, reason: "heartbeat timeout", wasClean: false },
    });
    expect(log).toEqual(["onClose:1006:heartbeat timeout:false@reconnecting"]);
    // What the dropped socket does later reaches nobody.
    const snapshot = store.getSnapshot();
    socket.receive("late");
    socket.fail();
    socket.serverClose({ code: 1000, wasClean: true });
    expect(store.getSnapshot()).toBe(snapshot);
    expect(log).toHaveLength(1);
    expect(socket.listenerCount()).toBe(0);
    store.dispose();
  });

  it("calls terminate() instead of close() when the socket has it, and ignores what either throws", () => {
    const socket = new TestSocket(undefined, undefined, { readyState: 1 });
    const terminate = vi.fn(() => {
      throw new Error("already gone");
    });
    Object.assign(socket, { terminate });
    const store = new SocketStore(socket);
    store.drop();
    expect(terminate).toHaveBeenCalledTimes(1);
    expect(socket.closeCalls).toEqual([]);
    // A socket whose terminate() threw may never fire close: nothing of the store stays on it.
    expect(socket.listenerCount()).toBe(0);
    expect(store.getSnapshot()).toMatchObject({ status: "closed", lastClose: { code: 1006, reason: "", wasClean: false } });
  });

  it("leaves a replacement that was already CLOSING alone on dispose(): it is not closed again", () => {
    const original = new TestSocket(undefined, undefined, { readyState: 3 });
    const closing = new TestSocket(undefined, undefined, { readyState: 2 });
    const store = new SocketStore(original, {}, { reconnect: { ...RECONNECT, maxAttempts: 1, createSocket: () => closing } });
    store.reconnect();
    expect(store.status).toBe("error");
    expect(store.socket).toBe(closing);
    store.dispose();
    expect(closing.closeCalls).toEqual([]);
    expect(closing.listenerCount()).toBe(0);
  });

  it("does not close a socket that is already CLOSED but whose close event has not come yet", () => {
    const socket = new TestSocket(undefined, undefined, { readyState: 1 });
    const store = new SocketStore(socket);
    socket.readyState = 3;
    store.drop();
    expect(socket.closeCalls).toEqual([]);
    expect(socket.listenerCount()).toBe(0);
    expect(store.getSnapshot()).toMatchObject({ status: "closed", lastClose: { code: 1006, reason: "", wasClean: false } });
  });

  it("asks retryOnClose with the drop's close event, after the socket was let go", () => {
    const socket = new TestSocket(undefined, undefined, { readyState: 1 });
    const seen: Array<{ event: CloseEventLike; listening: number }> = [];
    const store = new SocketStore(socket, {}, {
      reconnect: {
        ...RECONNECT,
        retryOnClose: (event) => {
          seen.push({ event, listening: socket.listenerCount("message") });
          return false;
        },
      },
    });
    store.drop("offline");
    expect(seen).toEqual([{ event: { type: "close", code: 1006, reason: "offline", wasClean: false }, listening: 0 }]);
    expect(store.status).toBe("closed");
  });

  it("counts a dropped replacement as a failed attempt, so a connect timeout ends in error after maxAttempts", () => {
    const sockets: TestSocket[] = [];
    const errors: string[] = [];
    const original = new TestSocket(undefined, undefined, { readyState: 1 });
    const store = new SocketStore(original, { onError: (error) => errors.push(error.code) }, {
      reconnect: {
        ...RECONNECT,
        createSocket: () => {
          const socket = new TestSocket();
          sockets.push(socket);
          return socket;
        },
      },
    });
    original.serverClose({ code: 1006, wasClean: false });
    vi.advanceTimersByTime(100);
    expect(store.getSnapshot()).toMatchObject({ status: "connecting", attempt: 1 });
    store.drop("connect timeout");
    expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 2 });
    vi.advanceTimersByTime(100);
    store.drop("connect timeout");
    expect(store.getSnapshot()).toMatchObject({ status: "error", attempt: 2 });
    expect(store.getSnapshot().lastError?.code).toBe("ERR_RECONNECT_EXHAUSTED");
    expect(errors).toEqual(["ERR_RECONNECT_EXHAUSTED"]);
    expect(sockets.map((socket) => socket.closeCalls.length)).toEqual([1, 1]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("drops a replacement still in its stability window as a failed attempt, and one past it as a fresh outage", () => {
    const original = new TestSocket(undefined, undefined, { readyState: 3 });
    const store = new SocketStore(original, {}, {
      reconnect: { ...RECONNECT, maxAttempts: 1, createSocket: () => new TestSocket(undefined, undefined, { readyState: 1 }) },
    });
    store.reconnect();
    expect(store.getSnapshot()).toMatchObject({ status: "open", attempt: 1 });
    store.drop();
    expect(store.status).toBe("error");
    store.reconnect();
    vi.advanceTimersByTime(1000);
    expect(store.getSnapshot()).toMatchObject({ status: "open", attempt: 0 });
    store.drop();
    expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 1 });
    store.dispose();
  });

  it("abandons a pending createSocket call as a failed attempt, and closes the socket it delivers later", async () => {
    const original = new TestSocket(undefined, undefined, { readyState: 3 });
    let resolveLate: (socket: TestSocket) => void = () => {};
    const errors: string[] = [];
    const closes: string[] = [];
    const store: SocketStore = new SocketStore(original, {
      onError: (error) => errors.push(error.code),
      onClose: (event) => closes.push(`${event.code}:${event.reason}@${store.status}`),
    }, {
      reconnect: { ...RECONNECT, createSocket: () => new Promise<TestSocket>((resolve) => (resolveLate = resolve)) },
    });
    store.reconnect();
    expect(store.status).toBe("connecting");
    store.drop("connect timeout");
    expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 2, lastClose: { code: 1006, reason: "connect timeout", wasClean: false } });
    expect(closes).toEqual(["1006:connect timeout@reconnecting"]);
    expect(errors).toEqual([]);
    const late = new TestSocket(undefined, undefined, { readyState: 0 });
    resolveLate(late);
    await Promise.resolve();
    await Promise.resolve();
    expect(late.closeCalls).toHaveLength(1);
    expect(late.listenerCount("message")).toBe(0);
    expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 2 });
    store.dispose();
  });

  it("follows the application-close rule after a direct socket.close(), and ends in closed after store.close()", () => {
    const direct = new TestSocket(undefined, undefined, { readyState: 1 });
    const directStore = new SocketStore(direct, {}, { reconnect: RECONNECT });
    direct.close(4000);
    expect(directStore.status).toBe("closing");
    directStore.drop();
    expect(directStore.status).toBe("closed");

    const predicate = vi.fn(() => true);
    const manual = new TestSocket(undefined, undefined, { readyState: 1 });
    const manualStore = new SocketStore(manual, {}, { reconnect: { ...RECONNECT, retryOnClose: predicate } });
    manualStore.close();
    manualStore.drop();
    expect(manualStore.status).toBe("closed");
    expect(predicate).not.toHaveBeenCalled();
    expect(manual.closeCalls).toHaveLength(2);
  });

  it("closes the socket given to the constructor too, and ends in closed without reconnect", () => {
    const socket = new TestSocket();
    const store = new SocketStore(socket);
    store.drop();
    expect(socket.closeCalls).toHaveLength(1);
    expect(store.getSnapshot()).toMatchObject({ status: "closed", lastClose: { code: 1006, reason: "", wasClean: false } });
  });

  it.each([
    ["reconnecting", (socket: TestSocket, store: SocketStore) => socket.serverClose({ code: 1006 }) ?? store],
    ["closed", (socket: TestSocket, store: SocketStore) => store.close() ?? socket.serverClose()],
    ["error", (socket: TestSocket) => socket.serverClose({ code: 1006 }) ?? vi.advanceTimersByTime(100)],
  ] as const)("does nothing in %s: no handler runs and the snapshot stays the same object", (status, reach) => {
    const socket = new TestSocket(undefined, undefined, { readyState: 1 });
    const calls: string[] = [];
    const store = new SocketStore(socket, { onClose: () => calls.push("onClose"), onStatusChange: () => calls.push("status") }, {
      reconnect: { ...RECONNECT, maxAttempts: 1, createSocket: () => ({ readyState: 3 }) as never },
    });
    reach(socket, store);
    expect(store.status).toBe(status);
    const snapshot = store.getSnapshot();
    calls.length = 0;
    store.drop("nothing to end");
    expect(store.getSnapshot()).toBe(snapshot);
    expect(calls).toEqual([]);
    store.dispose();
  });

  it("throws ERR_INVALID_ARGUMENT for a reason that is not a string and changes nothing", () => {
    const socket = new TestSocket(undefined, undefined, { readyState: 1 });
    const store = new SocketStore(socket);
    const snapshot = store.getSnapshot();
    for (const reason of [42, null, {}, Symbol("reason")]) {
      expect(codeOf(() => store.drop(reason as never))).toBe("ERR_INVALID_ARGUMENT");
    }
    expect(store.getSnapshot()).toBe(snapshot);
    expect(socket.closeCalls).toEqual([]);
  });

  it("does nothing after dispose(), whatever its argument", () => {
    const socket = new TestSocket(undefined, undefined, { readyState: 1 });
    const store = new SocketStore(socket);
    store.dispose();
    const snapshot = store.getSnapshot();
    expect(codeOf(() => store.drop(42 as never))).toBeUndefined();
    store.drop("late");
    expect(store.getSnapshot()).toBe(snapshot);
    expect(socket.closeCalls).toEqual([]);
  });

  it("lets a manager start a new connection now with drop() then reconnect()", () => {
    const original = new TestSocket(undefined, undefined, { readyState: 1 });
    const created: TestSocket[] = [];
    const store = new SocketStore(original, {}, {
      reconnect: { ...RECONNECT, createSocket: () => created[created.push(new TestSocket()) - 1]! },
    });
    store.drop("woke from sleep");
    store.reconnect();
    expect(store.getSnapshot()).toMatchObject({ status: "connecting", attempt: 1 });
    expect(created).toHaveLength(1);
    expect(store.socket).toBe(created[0]);
    store.dispose();
  });
});
