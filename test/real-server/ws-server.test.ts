import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { SocketStore, type ConnectionStatus, type WebSocketLike } from "../../src/index.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.mjs";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The fault server echoing `echo:<message>`; `url` carries a token, as real URLs often do. */
async function startServer(): Promise<FaultServer & { url: string }> {
  const server = await startFaultServer({ path: "/feed", onMessage: (connection, data) => connection.send(`echo:${String(data)}`) });
  cleanups.push(() => server.close());
  return Object.assign(server, { url: `${server.wsUrl}?token=secret-token` });
}

function track(store: SocketStore<any>) {
  const statuses: ConnectionStatus[] = [store.status];
  store.subscribe(() => {
    if (statuses.at(-1) !== store.status) statuses.push(store.status);
  });
  cleanups.push(() => store.dispose());
  return statuses;
}

const waitForStatus = (store: SocketStore<any>, status: ConnectionStatus, timeout = 5000) =>
  vi.waitFor(() => expect(store.status).toBe(status), { timeout, interval: 5 });

describe("against a real ws server on 127.0.0.1", () => {
  it("opens, sends and receives, and closes manually", async () => {
    const server = await startServer();
    const messages: string[] = [];
    const store = new SocketStore(new WebSocket(server.url) as unknown as WebSocketLike, {
      onMessage: (event) => messages.push(String(event.data)),
    });
    const statuses = track(store);
    expect(store.status).toBe("connecting");
    expect(() => store.send("too early")).toThrowError(expect.objectContaining({ code: "ERR_SOCKET_NOT_OPEN" }));
    await waitForStatus(store, "open");
    store.send("hi");
    await vi.waitFor(() => expect(messages).toEqual(["echo:hi"]), { timeout: 5000 });
    store.close(1000, "done");
    await waitForStatus(store, "closed");
    expect(statuses).toEqual(["connecting", "open", "closing", "closed"]);
    expect(store.getSnapshot().lastClose).toMatchObject({ code: 1000, reason: "done", wasClean: true });
  });

  it("judges a server close frame as a server close although ws calls its own close()", async () => {
    const server = await startServer();
    const store = new SocketStore(new WebSocket(server.url) as unknown as WebSocketLike, {}, {
      reconnect: { enabled: true, backoff: "fixed", initialDelayMs: 20, maxDelayMs: 200 },
    });
    const statuses = track(store);
    await waitForStatus(store, "open");
    server.closeAll(4000, "server restart");
    await vi.waitFor(() => expect(statuses).toContain("reconnecting"), { timeout: 5000 });
    expect(statuses.slice(0, 3)).toEqual(["connecting", "open", "reconnecting"]);
    expect(store.getSnapshot().lastClose).toMatchObject({ code: 4000, reason: "server restart" });
    await waitForStatus(store, "open");
  });

  it("recovers after the server terminates connections, with messages flowing again", async () => {
    const server = await startServer();
    const messages: string[] = [];
    const store = new SocketStore(new WebSocket(server.url) as unknown as WebSocketLike, { onMessage: (event) => messages.push(String(event.data)) }, {
      reconnect: { enabled: true, backoff: "fixed", initialDelayMs: 20, maxDelayMs: 100 },
    });
    track(store);
    await waitForStatus(store, "open");
    const first = store.socket;
    for (let round = 1; round <= 3; round++) {
      server.terminateAll();
      await waitForStatus(store, "reconnecting");
      expect(store.getSnapshot().lastClose).toMatchObject({ code: 1006, wasClean: false });
      await waitForStatus(store, "open");
      store.send(`round ${round}`);
      await vi.waitFor(() => expect(messages).toContain(`echo:round ${round}`), { timeout: 5000 });
    }
    expect(store.socket).not.toBe(first);
    expect(server.live()).toHaveLength(1);
  });

  it("settles on closed when the server closes with an app code the predicate declines", async () => {
    const server = await startServer();
    const retryOnClose = vi.fn((event: { code: number }) => event.code !== 4401);
    const store = new SocketStore(new WebSocket(server.url) as unknown as WebSocketLike, {}, {
      reconnect: { enabled: true, initialDelayMs: 20, maxDelayMs: 100, retryOnClose },
    });
    const statuses = track(store);
    await waitForStatus(store, "open");
    server.closeAll(4401, "token expired");
    await waitForStatus(store, "closed");
    expect(statuses).toEqual(["connecting", "open", "closed"]);
    expect(retryOnClose).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.state().upgrades).toBe(1);
  });

  it("creates exactly maxAttempts replacement sockets when every upgrade is refused, then error", async () => {
    const server = await startServer();
    const replacements: WebSocket[] = [];
    const store = new SocketStore(new WebSocket(server.url) as unknown as WebSocketLike, {}, {
      reconnect: {
        enabled: true,
        maxAttempts: 3,
        backoff: "fixed",
        initialDelayMs: 10,
        maxDelayMs: 100,
        createSocket: () => {
          const socket = new WebSocket(server.url);
          replacements.push(socket);
          return socket as unknown as WebSocketLike;
        },
      },
    });
    track(store);
    await waitForStatus(store, "open");
    // Like an expired token: every upgrade is answered with 401.
    server.refuseUpgrades({ status: 401 });
    server.terminateAll();
    await waitForStatus(store, "error");
    expect(replacements).toHaveLength(3);
    expect(server.state()).toMatchObject({ upgrades: 4, refused: 3 });
    expect(store.getSnapshot()).toMatchObject({ attempt: 3, lastError: { code: "ERR_RECONNECT_EXHAUSTED" } });
    expect(store.getSnapshot().lastError!.message).not.toContain("secret-token");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(replacements).toHaveLength(3);
    server.stop("refuse");
    store.reconnect();
    await waitForStatus(store, "open");
  });

  it("stops a flapping server (accepts then closes at once) after the budget, with error", async () => {
    const server = await startServer();
    const store = new SocketStore(new WebSocket(server.url) as unknown as WebSocketLike, {}, {
      reconnect: { enabled: true, maxAttempts: 3, backoff: "exponential", initialDelayMs: 10, maxDelayMs: 400 },
    });
    const statuses = track(store);
    await waitForStatus(store, "open");
    server.flap({ code: 1011, reason: "flap" });
    server.closeAll(1012, "restart");
    await waitForStatus(store, "error", 10_000);
    expect(server.state()).toMatchObject({ upgrades: 4, flapped: 3 });
    expect(statuses.filter((status) => status === "open").length).toBeGreaterThanOrEqual(2);
    expect(store.getSnapshot().attempt).toBe(3);
  });

  it("disposes while a replacement connects without leaving it open or its errors unhandled", async () => {
    const server = await startServer();
    let replacement: WebSocket | undefined;
    const store: SocketStore = new SocketStore(new WebSocket(server.url) as unknown as WebSocketLike, {}, {
      reconnect: {
        enabled: true,
        backoff: "fixed",
        initialDelayMs: 10,
        maxDelayMs: 50,
        createSocket: ({ previous }) => {
          replacement = new WebSocket(previous.url!);
          // ws emits "error" when a connecting socket is closed: without a listener that would crash.
          queueMicrotask(() => store.dispose());
          return replacement as unknown as WebSocketLike;
        },
      },
    });
    await waitForStatus(store, "open");
    server.terminateAll();
    await vi.waitFor(() => expect(replacement?.readyState).toBe(WebSocket.CLOSED), { timeout: 5000 });
    expect(store.status).toBe("connecting");
    expect(replacement!.listenerCount("error")).toBe(0);
    expect(replacement!.listenerCount("close")).toBe(0);
  });
});
