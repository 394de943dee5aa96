import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { createSocketWithFreshToken } from "../../examples/recipes/fresh-credentials.js";
import {
  SocketStore,
  type ConnectionStatus,
  type ReplacementContext,
  type SocketStoreError,
  type WebSocketLike,
} from "../../src/index.js";
import { TestSocket } from "../../src/testing/test-socket.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.mjs";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.useRealTimers();
});

const context = (attempt: number, signal = new AbortController().signal): ReplacementContext => ({ attempt, previous: new TestSocket(), lastClose: null, signal });

describe("createSocketWithFreshToken() with a controllable socket", () => {
  it("asks for a token for this attempt and puts it, encoded, in the query parameter", async () => {
    const fetchToken = vi.fn(async () => "a b&c=d");
    const createSocket = createSocketWithFreshToken({
      url: "ws://127.0.0.1/feed?room=7",
      fetchToken,
      WebSocket: TestSocket,
      tokenParam: "access_token",
    });
    const socket = await createSocket(context(3));
    expect(fetchToken).toHaveBeenCalledWith(3, expect.any(AbortSignal));
    const url = new URL(socket.url!);
    expect(url.searchParams.get("access_token")).toBe("a b&c=d");
    expect(url.searchParams.get("room")).toBe("7");
    expect(url.pathname).toBe("/feed");
  });

  it("passes the attempt's signal to fetchToken: close() during the fetch aborts it and no socket is created", async () => {
    vi.useFakeTimers();
    const signals: AbortSignal[] = [];
    const Constructed = vi.fn((url: string) => new TestSocket(url));
    const fetchToken = (_attempt: number, signal: AbortSignal) => {
      signals.push(signal);
      // A fetch that honours its signal only partly: it resolves anyway, later.
      return new Promise<string>((resolve) => setTimeout(() => resolve("late"), 1000));
    };
    const first = new TestSocket(undefined, undefined, { readyState: 1 });
    const store = new SocketStore(first, {}, {
      reconnect: { enabled: true, initialDelayMs: 50, createSocket: createSocketWithFreshToken({ url: "ws://127.0.0.1/feed", fetchToken, WebSocket: Constructed as never }) },
    });
    first.networkDrop();
    await vi.advanceTimersByTimeAsync(50);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
    store.close();
    expect(signals[0]!.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(Constructed).not.toHaveBeenCalled();
    expect(store.status).toBe("closed");
    store.dispose();
  });

  it("uses the parameter token by default", async () => {
    const createSocket = createSocketWithFreshToken({ url: "ws://127.0.0.1/feed", fetchToken: async () => "t1", WebSocket: TestSocket });
    const socket = await createSocket(context(1));
    expect(new URL(socket.url!).searchParams.get("token")).toBe("t1");
  });

  it("fails the attempt when fetchToken rejects, and fetches again for the next attempt", async () => {
    vi.useFakeTimers();
    const outage = new Error("auth service unavailable");
    const fetchToken = vi.fn().mockRejectedValueOnce(outage).mockResolvedValueOnce("t2");
    const errors: SocketStoreError[] = [];
    const first = new TestSocket(undefined, undefined, { readyState: 1 });
    const store = new SocketStore(first, { onError: (error) => errors.push(error) }, {
      reconnect: {
        enabled: true,
        backoff: "fixed",
        initialDelayMs: 50,
        maxDelayMs: 500,
        createSocket: createSocketWithFreshToken({ url: "ws://127.0.0.1/feed", fetchToken, WebSocket: TestSocket }),
      },
    });
    first.serverClose({ code: 1006, wasClean: false });
    await vi.advanceTimersByTimeAsync(50);
    expect(errors.map((error) => error.code)).toEqual(["ERR_SOCKET_FACTORY"]);
    expect(errors[0]!.cause).toBe(outage);
    expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 2 });

    await vi.advanceTimersByTimeAsync(50);
    expect(fetchToken.mock.calls).toEqual([[1, expect.any(AbortSignal)], [2, expect.any(AbortSignal)]]);
    const replacement = store.socket as TestSocket;
    expect(new URL(replacement.url).searchParams.get("token")).toBe("t2");
    replacement.open();
    expect(store.status).toBe("open");
  });

  it.each([["an empty string", ""], ["no string", undefined]])("fails the attempt when fetchToken gives %s", async (_label, token) => {
    const createSocket = createSocketWithFreshToken({
      url: "ws://127.0.0.1/feed",
      fetchToken: async () => token as unknown as string,
      WebSocket: TestSocket,
    });
    await expect(createSocket(context(1))).rejects.toBeInstanceOf(TypeError);
  });

  it("reports a throwing WebSocket constructor without the URL or the token", async () => {
    class QuotingWebSocket extends TestSocket {
      constructor(url: string) {
        super(url);
        throw new SyntaxError(`The URL '${url}' is invalid`);
      }
    }
    const createSocket = createSocketWithFreshToken({ url: "ws://127.0.0.1/feed", fetchToken: async () => "secret-ticket-42", WebSocket: QuotingWebSocket });
    const failure = await createSocket(context(1)).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(String(failure)).toContain("SyntaxError");
    expect(String(failure)).not.toContain("secret-ticket-42");
    expect(String(failure)).not.toContain("127.0.0.1");
    expect(failure!.cause).toBeUndefined();
  });
});

interface AuthServer {
  /** The URL without a token. */
  url: string;
  faults: FaultServer;
  /** The token the server accepts now; any other is answered with 401 during the upgrade. */
  validToken: string;
  /** Every upgrade request: the token it carried and whether it was accepted. */
  upgrades: { token: string | null; accepted: boolean }[];
}

async function startAuthServer(validToken: string): Promise<AuthServer> {
  const server: AuthServer = { url: "", faults: undefined as never, validToken, upgrades: [] };
  server.faults = await startFaultServer({
    path: "/feed",
    accept: (request) => {
      const token = new URL(request.url ?? "/", "http://127.0.0.1").searchParams.get("token");
      const accepted = token === server.validToken;
      server.upgrades.push({ token, accepted });
      return accepted || 401;
    },
    onMessage: (connection, data) => connection.send(`echo:${String(data)}`),
  });
  server.url = server.faults.wsUrl;
  cleanups.push(() => server.faults.close());
  return server;
}

describe("createSocketWithFreshToken() against a real ws server on 127.0.0.1 that answers a stale token with 401", () => {
  it("fails the attempt with a stale token, opens with the fresh one, and never shows a token in errors or snapshots", async () => {
    const firstToken = "tok-first-3f9a1c";
    const staleToken = "tok-stale-8b20de";
    const freshToken = "tok-fresh-51c7e4";
    const server = await startAuthServer(firstToken);
    // The auth service still hands out a cached, stale token once after the rotation.
    const issued = [staleToken, freshToken];
    const fetchToken = vi.fn(async (_attempt: number) => issued.shift() ?? freshToken);
    const errors: SocketStoreError[] = [];
    const messages: string[] = [];
    const first = new WebSocket(`${server.url}?token=${firstToken}`);
    const store = new SocketStore(
      first as unknown as WebSocketLike,
      { onError: (error) => errors.push(error), onMessage: (event) => messages.push(String(event.data)) },
      {
        reconnect: {
          enabled: true,
          maxAttempts: 3,
          backoff: "fixed",
          initialDelayMs: 20,
          maxDelayMs: 200,
          createSocket: createSocketWithFreshToken({
            url: server.url,
            fetchToken,
            WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike,
          }),
        },
      },
    );
    cleanups.push(() => store.dispose());
    const statuses: ConnectionStatus[] = [store.status];
    const snapshotsAsJson: string[] = [JSON.stringify(store.getSnapshot())];
    store.subscribe(() => {
      snapshotsAsJson.push(JSON.stringify(store.getSnapshot()));
      if (statuses.at(-1) !== store.status) statuses.push(store.status);
    });
    await vi.waitFor(() => expect(store.status).toBe("open"), { timeout: 5000, interval: 5 });

    // The server rotates its credentials and drops every connection.
    server.validToken = freshToken;
    server.faults.terminateAll();
    await vi.waitFor(() => expect(statuses.filter((status) => status === "open")).toHaveLength(2), { timeout: 5000, interval: 5 });

    expect(store.status).toBe("open");
    expect(server.upgrades).toEqual([
      { token: firstToken, accepted: true },
      { token: staleToken, accepted: false },
      { token: freshToken, accepted: true },
    ]);
    expect(fetchToken.mock.calls).toEqual([[1, expect.any(AbortSignal)], [2, expect.any(AbortSignal)]]);
    expect(statuses).toEqual(["connecting", "open", "reconnecting", "connecting", "reconnecting", "connecting", "open"]);
    expect(errors.map((error) => error.code)).toContain("ERR_SOCKET_ERROR");
    expect(store.getSnapshot().lastClose).toMatchObject({ code: 1006, wasClean: false });

    store.send("hello");
    await vi.waitFor(() => expect(messages).toEqual(["echo:hello"]), { timeout: 5000, interval: 5 });

    snapshotsAsJson.push(JSON.stringify(store.getSnapshot()));
    const reported = [...errors.map((error) => `${String(error)} ${error.message}`), ...snapshotsAsJson].join("\n");
    expect(errors.length).toBeGreaterThan(0);
    for (const token of [firstToken, staleToken, freshToken]) expect(reported).not.toContain(token);
    expect(reported).not.toContain("/feed");
  });
});
