import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { startHeartbeat } from "../../examples/recipes/heartbeat.js";
import { SocketStore, type ConnectionStatus, type WebSocketLike } from "../../src/index.js";
import { TestSocket } from "../../src/testing/test-socket.js";
import { startFaultServer, type Connection } from "../support/fault-server.mjs";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.useRealTimers();
});

const openSocket = () => new TestSocket(undefined, undefined, { readyState: 1 });

describe("startHeartbeat() with a controllable socket and fake timers", () => {
  it("pings every intervalMs while open and keeps the connection while pongs arrive in time", () => {
    vi.useFakeTimers();
    const socket = openSocket();
    const store = new SocketStore(socket);
    const stop = startHeartbeat(store, { intervalMs: 1000, timeoutMs: 300 });

    vi.advanceTimersByTime(1000);
    for (let round = 1; round <= 3; round++) {
      expect(socket.sent).toEqual(Array(round).fill("ping"));
      vi.advanceTimersByTime(299);
      socket.receive("pong");
      // Past this ping's deadline, up to the next ping.
      vi.advanceTimersByTime(701);
      expect(store.status).toBe("open");
    }
    expect(socket.closeCalls).toEqual([]);
    stop();
  });

  it("drops the connection with reason \"heartbeat timeout\" when no pong arrives within timeoutMs", () => {
    vi.useFakeTimers();
    const socket = openSocket();
    const onClose = vi.fn();
    const store = new SocketStore(socket, { onClose });
    const stop = startHeartbeat(store, { intervalMs: 1000, timeoutMs: 300 });

    vi.advanceTimersByTime(1000 + 299);
    socket.receive("not a pong");
    expect(store.status).toBe("open");
    vi.advanceTimersByTime(1);
    expect(store.status).toBe("closed");
    expect(store.getSnapshot().lastClose).toEqual({ code: 1006, reason: "heartbeat timeout", wasClean: false });
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(socket.closeCalls).toHaveLength(1);
    // Nothing of the heartbeat runs once the store is no longer open.
    expect(vi.getTimerCount()).toBe(0);
    stop();
  });

  it("keeps the deadline of the first unanswered ping when later pings go out", () => {
    vi.useFakeTimers();
    const socket = openSocket();
    const store = new SocketStore(socket);
    const stop = startHeartbeat(store, { intervalMs: 100, timeoutMs: 250 });

    vi.advanceTimersByTime(100 + 249);
    expect(socket.sent).toEqual(["ping", "ping", "ping"]);
    expect(store.status).toBe("open");
    vi.advanceTimersByTime(1);
    expect(store.status).toBe("closed");
    stop();
  });

  it("check() pings at once and drops when that ping gets no pong within timeoutMs", () => {
    vi.useFakeTimers();
    const socket = openSocket();
    const store = new SocketStore(socket);
    const heartbeat = startHeartbeat(store, { intervalMs: 60_000, timeoutMs: 500 });

    heartbeat.check();
    expect(socket.sent).toEqual(["ping"]);
    vi.advanceTimersByTime(500);
    expect(store.getSnapshot()).toMatchObject({ status: "closed", lastClose: { reason: "heartbeat timeout" } });
    heartbeat();
  });

  it("check() answered in time keeps the connection", () => {
    vi.useFakeTimers();
    const socket = openSocket();
    const store = new SocketStore(socket);
    const heartbeat = startHeartbeat(store, { intervalMs: 60_000, timeoutMs: 500 });

    heartbeat.check();
    socket.receive("pong");
    vi.advanceTimersByTime(1000);
    expect(store.status).toBe("open");
    heartbeat();
  });

  it("sends nothing and keeps no timer while the store is not open, and starts once it opens", () => {
    vi.useFakeTimers();
    const socket = new TestSocket();
    const store = new SocketStore(socket);
    const heartbeat = startHeartbeat(store, { intervalMs: 1000, timeoutMs: 300 });

    heartbeat.check();
    vi.advanceTimersByTime(5000);
    expect(vi.getTimerCount()).toBe(0);
    socket.open();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(socket.sent).toEqual(["ping"]);
    heartbeat();
  });

  it("uses the ping and isPong it is given", () => {
    vi.useFakeTimers();
    const socket = openSocket();
    const store = new SocketStore(socket);
    const stop = startHeartbeat(store, {
      intervalMs: 1000,
      timeoutMs: 300,
      ping: '{"type":"ping"}',
      isPong: (event) => event.data === '{"type":"pong"}',
    });

    vi.advanceTimersByTime(1000);
    expect(socket.sent).toEqual(['{"type":"ping"}']);
    socket.receive("pong");
    vi.advanceTimersByTime(299);
    socket.receive('{"type":"pong"}');
    vi.advanceTimersByTime(1);
    expect(store.status).toBe("open");
    stop();
  });

  it("follows the store to its replacement socket and moves its message listener there", () => {
    vi.useFakeTimers();
    const original = openSocket();
    const store = new SocketStore(original, {}, {
      reconnect: { enabled: true, backoff: "fixed", initialDelayMs: 10, maxDelayMs: 100 },
    });
    expect(original.listenerCount("message")).toBe(1);
    const stop = startHeartbeat(store, { intervalMs: 1000, timeoutMs: 300 });
    expect(original.listenerCount("message")).toBe(2);

    vi.advanceTimersByTime(1300);
    expect(store.status).toBe("reconnecting");
    vi.advanceTimersByTime(10);
    const replacement = store.socket as TestSocket;
    expect(replacement).not.toBe(original);

    replacement.open();
    expect(original.listenerCount("message")).toBe(0);
    expect(replacement.listenerCount("message")).toBe(2);
    vi.advanceTimersByTime(1000);
    expect(replacement.sent).toEqual(["ping"]);
    replacement.receive("pong");
    vi.advanceTimersByTime(300);
    expect(store.status).toBe("open");
    stop();
    expect(replacement.listenerCount("message")).toBe(1);
  });

  it("removes its interval, timer, listener and subscription when stopped", () => {
    vi.useFakeTimers();
    const socket = openSocket();
    const store = new SocketStore(socket);
    const heartbeat = startHeartbeat(store, { intervalMs: 1000, timeoutMs: 300 });
    vi.advanceTimersByTime(1000);
    expect(vi.getTimerCount()).toBe(2);
    expect(socket.listenerCount("message")).toBe(2);

    heartbeat();
    expect(vi.getTimerCount()).toBe(0);
    expect(socket.listenerCount("message")).toBe(1);
    heartbeat.check();
    vi.advanceTimersByTime(10_000);
    expect(socket.sent).toEqual(["ping"]);
    expect(store.status).toBe("open");
  });
});

describe("startHeartbeat() and dispose()", () => {
  it("stops by itself at its first ping after the store was disposed", () => {
    vi.useFakeTimers();
    const socket = openSocket();
    const store = new SocketStore(socket);
    const heartbeat = startHeartbeat(store, { intervalMs: 1000, timeoutMs: 300 });
    store.dispose();
    expect(vi.getTimerCount()).toBe(1);
    expect(socket.listenerCount("message")).toBe(1);

    vi.advanceTimersByTime(1000);
    expect(vi.getTimerCount()).toBe(0);
    expect(socket.listenerCount("message")).toBe(0);
    expect(socket.sent).toEqual([]);
    heartbeat();
  });
});

interface PingServer {
  url: string;
  /** Server-side connections in the order they arrived. */
  connections: Connection[];
  /** Pings answered so far. */
  pongs: number;
}

/** The fault server answering "ping" with "pong" (and nothing else). */
async function startPingServer(): Promise<PingServer> {
  const server: PingServer = { url: "", connections: [], pongs: 0 };
  const faults = await startFaultServer({
    path: "/feed",
    onMessage: (connection, data) => {
      if (String(data) !== "ping") return;
      server.pongs++;
      connection.send("pong");
    },
  });
  server.url = faults.wsUrl;
  server.connections = faults.connections;
  cleanups.push(() => faults.close());
  return server;
}

describe("startHeartbeat() against a real ws server on 127.0.0.1", () => {
  it("drops a connection that went silent, the server sees it end, and the store opens on a fresh connection", async () => {
    const server = await startPingServer();
    const store = new SocketStore(new WebSocket(server.url) as unknown as WebSocketLike, {}, {
      reconnect: { enabled: true, backoff: "fixed", initialDelayMs: 10, maxDelayMs: 200 },
    });
    cleanups.push(() => store.dispose());
    const statuses: ConnectionStatus[] = [store.status];
    store.subscribe(() => {
      if (statuses.at(-1) !== store.status) statuses.push(store.status);
    });
    const heartbeat = startHeartbeat(store, { intervalMs: 100, timeoutMs: 500 });
    cleanups.push(heartbeat);

    await vi.waitFor(() => expect(server.pongs).toBeGreaterThanOrEqual(2), { timeout: 5000, interval: 5 });
    expect(statuses).toEqual(["connecting", "open"]);
    const first = server.connections[0]!;
    const firstClientSocket = store.socket;
    // Silent without closing: the server still sees the client end the connection.
    first.silence();

    await vi.waitFor(() => expect(statuses).toContain("reconnecting"), { timeout: 5000, interval: 2 });
    expect(store.getSnapshot().lastClose).toEqual({ code: 1006, reason: "heartbeat timeout", wasClean: false });
    await vi.waitFor(() => expect(first.ended).toBe(true), { timeout: 1000, interval: 2 });
    expect((firstClientSocket as unknown as WebSocket).readyState).toBe(WebSocket.CLOSED);

    await vi.waitFor(() => expect(store.status).toBe("open"), { timeout: 5000, interval: 5 });
    expect(server.connections).toHaveLength(2);
    expect(store.socket).not.toBe(firstClientSocket);
    const pongsBefore = server.pongs;
    await vi.waitFor(() => expect(server.pongs).toBeGreaterThan(pongsBefore), { timeout: 5000, interval: 5 });
    expect(store.status).toBe("open");
    expect((store.socket as unknown as WebSocket).listenerCount("message")).toBe(2);

    heartbeat();
    expect((store.socket as unknown as WebSocket).listenerCount("message")).toBe(1);
  });
});
