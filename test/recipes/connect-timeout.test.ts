import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { withConnectTimeout } from "../../examples/recipes/connect-timeout.js";
import { SocketStore, type ConnectionStatus, type WebSocketLike } from "../../src/index.js";
import { TestSocket } from "../../src/testing/test-socket.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.useRealTimers();
});

function statusesOf(store: SocketStore<any>): ConnectionStatus[] {
  const statuses: ConnectionStatus[] = [store.status];
  store.subscribe(() => {
    if (statuses.at(-1) !== store.status) statuses.push(store.status);
  });
  return statuses;
}

describe("withConnectTimeout() with a controllable socket and fake timers", () => {
  it("drops the socket given to the constructor when it is still connecting after timeoutMs", () => {
    vi.useFakeTimers();
    const socket = new TestSocket();
    const onClose = vi.fn();
    const store = new SocketStore(socket, { onClose });
    const stop = withConnectTimeout(store, { timeoutMs: 1000 });

    vi.advanceTimersByTime(999);
    expect(store.status).toBe("connecting");
    expect(socket.closeCalls).toEqual([]);

    vi.advanceTimersByTime(1);
    expect(store.status).toBe("closed");
    expect(store.getSnapshot().lastClose).toEqual({ code: 1006, reason: "connect timeout", wasClean: false });
    expect(onClose).toHaveBeenCalledWith(expect.objectContaining({ code: 1006, reason: "connect timeout", wasClean: false }));
    expect(socket.closeCalls).toHaveLength(1);
    // The dropped socket's own close event, when it comes, changes nothing.
    socket.serverClose();
    expect(socket.listenerCount()).toBe(0);
    expect(store.getSnapshot().lastClose?.reason).toBe("connect timeout");
    expect(vi.getTimerCount()).toBe(0);
    stop();
  });

  it("records the reason it is given", () => {
    vi.useFakeTimers();
    const store = new SocketStore(new TestSocket());
    const stop = withConnectTimeout(store, { timeoutMs: 50, reason: "no upgrade answer" });
    vi.advanceTimersByTime(50);
    expect(store.getSnapshot().lastClose?.reason).toBe("no upgrade answer");
    stop();
  });

  it("leaves a socket that opens in time alone and keeps no timer once it is open", () => {
    vi.useFakeTimers();
    const socket = new TestSocket();
    const store = new SocketStore(socket);
    const stop = withConnectTimeout(store, { timeoutMs: 1000 });
    expect(vi.getTimerCount()).toBe(1);

    vi.advanceTimersByTime(999);
    socket.open();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(store.status).toBe("open");
    expect(socket.closeCalls).toEqual([]);
    stop();
  });

  it("starts no timer for a store that is already open", () => {
    vi.useFakeTimers();
    const store = new SocketStore(new TestSocket(undefined, undefined, { readyState: 1 }));
    const stop = withConnectTimeout(store, { timeoutMs: 1000 });
    expect(vi.getTimerCount()).toBe(0);
    stop();
  });

  it("gives every attempt of an outage its own full timeout and ends in error after maxAttempts", () => {
    vi.useFakeTimers();
    const replacements: TestSocket[] = [];
    const original = new TestSocket(undefined, undefined, { readyState: 1 });
    const store = new SocketStore(original, {}, {
      reconnect: {
        enabled: true,
        maxAttempts: 3,
        backoff: "fixed",
        initialDelayMs: 100,
        maxDelayMs: 1000,
        createSocket: () => {
          const socket = new TestSocket();
          replacements.push(socket);
          return socket;
        },
      },
    });
    const statuses = statusesOf(store);
    const stop = withConnectTimeout(store, { timeoutMs: 500 });

    original.serverClose({ code: 1006 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      vi.advanceTimersByTime(100);
      expect(store.getSnapshot()).toMatchObject({ status: "connecting", attempt });
      vi.advanceTimersByTime(499);
      expect(store.status).toBe("connecting");
      vi.advanceTimersByTime(1);
      expect(replacements[attempt - 1]!.closeCalls).toHaveLength(1);
      replacements[attempt - 1]!.serverClose();
      expect(replacements[attempt - 1]!.listenerCount()).toBe(0);
    }

    expect(replacements).toHaveLength(3);
    expect(store.getSnapshot()).toMatchObject({ status: "error", attempt: 3, lastError: { code: "ERR_RECONNECT_EXHAUSTED" } });
    expect(statuses).toEqual(["open", "reconnecting", "connecting", "reconnecting", "connecting", "reconnecting", "connecting", "error"]);
    expect(vi.getTimerCount()).toBe(0);
    stop();
  });

  it("ends an attempt whose async createSocket never settles, and each later one", () => {
    vi.useFakeTimers();
    const createSocket = vi.fn(() => new Promise<WebSocketLike>(() => {}));
    const original = new TestSocket(undefined, undefined, { readyState: 1 });
    const onError = vi.fn();
    const store = new SocketStore(original, { onError }, {
      reconnect: { enabled: true, maxAttempts: 2, backoff: "fixed", initialDelayMs: 10, maxDelayMs: 100, createSocket },
    });
    const stop = withConnectTimeout(store, { timeoutMs: 300 });

    original.serverClose();
    vi.advanceTimersByTime(10);
    expect(createSocket).toHaveBeenCalledTimes(1);
    expect(store.status).toBe("connecting");
    vi.advanceTimersByTime(300);
    expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", lastClose: { code: 1006, reason: "connect timeout" } });

    vi.advanceTimersByTime(10 + 300);
    expect(createSocket).toHaveBeenCalledTimes(2);
    expect(store.getSnapshot()).toMatchObject({ status: "error", attempt: 2 });
    expect(onError.mock.calls.map(([error]) => error.code)).toEqual(["ERR_RECONNECT_EXHAUSTED"]);
    expect(vi.getTimerCount()).toBe(0);
    stop();
  });

  it("stops watching when the returned function is called: no timer is left and nothing is dropped", () => {
    vi.useFakeTimers();
    const socket = new TestSocket();
    const store = new SocketStore(socket);
    const stop = withConnectTimeout(store, { timeoutMs: 1000 });
    expect(vi.getTimerCount()).toBe(1);

    stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(store.status).toBe("connecting");
    expect(socket.closeCalls).toEqual([]);
  });
});

interface BlackHoleServer {
  url: string;
  /** TCP connections accepted so far. */
  accepted: number;
  /** TCP connections accepted and not closed yet. */
  open: number;
}

/** Accepts TCP and reads everything, but never answers the HTTP upgrade. */
async function startBlackHoleServer(): Promise<BlackHoleServer> {
  const sockets = new Set<Socket>();
  const blackHole: BlackHoleServer = { url: "", accepted: 0, open: 0 };
  const server: Server = createServer((socket) => {
    blackHole.accepted++;
    blackHole.open++;
    sockets.add(socket);
    // Reading is what lets the server see the client's FIN.
    socket.resume();
    socket.on("error", () => {});
    socket.on("close", () => {
      blackHole.open--;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  blackHole.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return blackHole;
}

describe("withConnectTimeout() against a black-hole server on 127.0.0.1", () => {
  it("ends every ws attempt, reaches error after maxAttempts and leaves no TCP connection open", async () => {
    const server = await startBlackHoleServer();
    const store = new SocketStore(new WebSocket(server.url) as unknown as WebSocketLike, {}, {
      reconnect: { enabled: true, maxAttempts: 3, backoff: "fixed", initialDelayMs: 10, maxDelayMs: 100 },
    });
    cleanups.push(() => store.dispose());
    const statuses = statusesOf(store);
    const stop = withConnectTimeout(store, { timeoutMs: 150 });
    cleanups.push(stop);

    await vi.waitFor(() => expect(store.status).toBe("error"), { timeout: 10_000, interval: 5 });
    expect(store.getSnapshot()).toMatchObject({
      attempt: 3,
      lastClose: { code: 1006, reason: "connect timeout", wasClean: false },
      lastError: { code: "ERR_RECONNECT_EXHAUSTED" },
    });
    expect(statuses.filter((status) => status === "connecting")).toHaveLength(4);
    expect(server.accepted).toBe(4);
    await vi.waitFor(() => expect(server.open).toBe(0), { timeout: 5000, interval: 5 });
    expect((store.socket as unknown as WebSocket).readyState).toBe(WebSocket.CLOSED);
  });
});
