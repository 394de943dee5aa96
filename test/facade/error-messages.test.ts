/**
 * The messages of every error the store throws or reports: each starts with "SocketStore:",
 * names the option or operation at fault, says what a bad value was by its type (numbers,
 * booleans, null and undefined as they are, never a string's content) and never shows the URL.
 * Applications match on `code`; these tests pin the wording people read in their logs.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SocketStore, type SocketStoreError, type SocketStoreHandlers, type SocketStoreOptions } from "../../src/index.js";
import { TestSocket } from "../../src/testing/test-socket.js";
import { thrown } from "./harness.js";

const URL = "wss://example.test/stream?token=hunter2";
const MAX = 2_147_483_647;

const openSocket = (): TestSocket => {
  const socket = new TestSocket(URL);
  socket.open();
  return socket;
};

function expectMessage(error: SocketStoreError | null | undefined, code: string, message: string): void {
  expect(error?.code).toBe(code);
  expect(error?.message).toBe(message);
  expect(error?.message).not.toContain("hunter2");
  expect(error?.message).not.toContain("example.test");
}

const withReconnect = (reconnect: Record<string, unknown>): SocketStoreOptions => ({ reconnect: { enabled: true, ...reconnect } as never });

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.clearAllTimers();
  vi.useRealTimers();
});

describe("arguments the store refuses (ERR_INVALID_ARGUMENT)", () => {
  const socketProblem = (problem: string, got: string) => `SocketStore: socket must be a WebSocket-like object (${problem}) (got ${got})`;
  const callable = Object.assign(() => {}, { readyState: 1, addEventListener() {}, removeEventListener() {}, send() {}, close() {} });

  it.each([
    ["undefined", undefined, socketProblem("not an object", "undefined")],
    ["null", null, socketProblem("not an object", "null")],
    ["a URL string", URL, socketProblem("not an object", "a string")],
    ["a number", 42, socketProblem("not an object", "42")],
    ["an object with no send", { ...openSocketShape(), send: undefined }, socketProblem("send is not a function", "an object")],
    ["an object with a readyState of 7", { ...openSocketShape(), readyState: 7 }, socketProblem("readyState is not 0, 1, 2 or 3", "an object")],
    ["a function without the socket's methods", () => {}, socketProblem("addEventListener is not a function", "a function")],
  ])("a socket that is %s", (_name, socket, message) => {
    expectMessage(
      thrown(() => new SocketStore(socket as never)),
      "ERR_INVALID_ARGUMENT",
      message,
    );
  });

  it("takes a callable object that has the socket's shape (some wrappers are functions)", () => {
    expect(new SocketStore(callable as never).status).toBe("open");
  });

  it.each([
    ["handlers that are a string", () => new SocketStore(openSocket(), "handlers" as never), "SocketStore: handlers must be an object when given (got a string)"],
    [
      "an onOpen that is true",
      () => new SocketStore(openSocket(), { onOpen: true } as never),
      "SocketStore: handlers.onOpen must be a function when given (got true)",
    ],
    ["options that are a number", () => new SocketStore(openSocket(), {}, 5 as never), "SocketStore: options must be an object when given (got 5)"],
    [
      "an inspect that is a symbol",
      () => new SocketStore(openSocket(), {}, { inspect: Symbol("log") } as never),
      "SocketStore: options.inspect must be a function or an observer object when given (got a symbol)",
    ],
    [
      "an inspect.next that is false",
      () => new SocketStore(openSocket(), {}, { inspect: { next: false } } as never),
      "SocketStore: options.inspect.next must be a function when given (got false)",
    ],
    [
      "a subscribe() listener that is a number",
      () => new SocketStore(openSocket()).subscribe(5 as never),
      "SocketStore: subscribe(listener) must be a function (got 5)",
    ],
    [
      "a topic listener that is null",
      () => new SocketStore(openSocket()).topic("prices").subscribe(null as never),
      "SocketStore: topic(name).subscribe(listener) must be a function (got null)",
    ],
  ])("%s", (_name, run, message) => {
    expectMessage(thrown(run), "ERR_INVALID_ARGUMENT", message);
  });

  it.each([
    [{ maxAttempts: 0 }, "SocketStore: options.reconnect.maxAttempts must be an integer >= 1 (got 0)"],
    [{ maxAttempts: "3" }, "SocketStore: options.reconnect.maxAttempts must be an integer >= 1 (got a string)"],
    [{ backoff: "linear" }, 'SocketStore: options.reconnect.backoff must be "fixed" or "exponential" (got a string)'],
    [{ initialDelayMs: -1 }, `SocketStore: options.reconnect.initialDelayMs must be a number of milliseconds from 0 to ${MAX} (got -1)`],
    [{ maxDelayMs: null }, `SocketStore: options.reconnect.maxDelayMs must be a number of milliseconds from 0 to ${MAX} (got null)`],
    [
      { initialDelayMs: 600, maxDelayMs: 500 },
      "SocketStore: options.reconnect.initialDelayMs (600) must be at most options.reconnect.maxDelayMs (500) with exponential backoff (got 600)",
    ],
    [
      { connectTimeoutMs: 0 },
      `SocketStore: options.reconnect.connectTimeoutMs must be false or a number of milliseconds above 0, at most ${MAX} (got 0)`,
    ],
    [
      { connectTimeoutMs: true },
      `SocketStore: options.reconnect.connectTimeoutMs must be false or a number of milliseconds above 0, at most ${MAX} (got true)`,
    ],
    [{ retryOnClose: "yes" }, "SocketStore: options.reconnect.retryOnClose must be a function when given (got a string)"],
    [{ createSocket: {} }, "SocketStore: options.reconnect.createSocket must be a function when given (got an object)"],
  ])("reconnect options %j", (reconnect, message) => {
    expectMessage(
      thrown(() => new SocketStore(openSocket(), {}, withReconnect(reconnect))),
      "ERR_INVALID_ARGUMENT",
      message,
    );
  });

  it("close() and drop() arguments", () => {
    const store = new SocketStore(openSocket());
    expectMessage(
      thrown(() => store.close(1001)),
      "ERR_INVALID_ARGUMENT",
      "SocketStore: close(code) must be 1000 or an integer from 3000 to 4999",
    );
    expectMessage(
      thrown(() => store.close(4000, 7 as never)),
      "ERR_INVALID_ARGUMENT",
      "SocketStore: close(code, reason) must be given a string reason",
    );
    expectMessage(
      thrown(() => store.close(4000, "x".repeat(124))),
      "ERR_INVALID_ARGUMENT",
      "SocketStore: close(code, reason) reason must be at most 123 UTF-8 bytes",
    );
    expectMessage(
      thrown(() => store.drop(5 as never)),
      "ERR_INVALID_ARGUMENT",
      "SocketStore: drop(reason) must be given a string reason when given",
    );
  });
});

function openSocketShape() {
  return { url: URL, readyState: 1, addEventListener() {}, removeEventListener() {}, send() {}, close() {} };
}

describe("operations refused in the store's state", () => {
  it("send() names the status, or dispose()", () => {
    const socket = new TestSocket(URL);
    const store = new SocketStore(socket);
    expectMessage(
      thrown(() => store.send("hi")),
      "ERR_SOCKET_NOT_OPEN",
      "SocketStore: send() while the store is connecting",
    );
    socket.open();
    store.close();
    expectMessage(
      thrown(() => store.send("hi")),
      "ERR_SOCKET_NOT_OPEN",
      "SocketStore: send() while the store is closing",
    );
    store.dispose();
    expectMessage(
      thrown(() => store.send("hi")),
      "ERR_STORE_DISPOSED",
      "SocketStore: send() after dispose()",
    );
  });

  it("reconnect() names the option it needs, or dispose()", () => {
    const store = new SocketStore(openSocket());
    expectMessage(
      thrown(() => store.reconnect()),
      "ERR_RECONNECT_DISABLED",
      "SocketStore: reconnect() needs options.reconnect.enabled === true",
    );
    store.dispose();
    expectMessage(
      thrown(() => store.reconnect()),
      "ERR_STORE_DISPOSED",
      "SocketStore: reconnect() after dispose()",
    );
  });
});

describe("errors the store reports", () => {
  function reporting(socket: TestSocket, handlers: SocketStoreHandlers<any> = {}, options?: SocketStoreOptions) {
    const reported: SocketStoreError[] = [];
    const store = new SocketStore(socket, { ...handlers, onError: (error) => reported.push(error) }, options);
    return { store, reported };
  }

  it("ERR_SOCKET_ERROR keeps the event as its cause", () => {
    const socket = openSocket();
    const { reported } = reporting(socket);
    socket.fail();
    expectMessage(reported[0], "ERR_SOCKET_ERROR", "SocketStore: the socket reported an error event");
    expect((reported[0]!.cause as Event).type).toBe("error");
  });

  it("ERR_CONNECT_TIMEOUT and ERR_RECONNECT_EXHAUSTED", () => {
    const { reported } = reporting(new TestSocket(URL), {}, withReconnect({ maxAttempts: 2, backoff: "fixed", initialDelayMs: 10, connectTimeoutMs: 100, createSocket: () => new TestSocket(URL) }));
    vi.advanceTimersByTime(100 + 10 + 100 + 10 + 100);
    expect(reported.map((error) => error.code)).toEqual(["ERR_CONNECT_TIMEOUT", "ERR_CONNECT_TIMEOUT", "ERR_CONNECT_TIMEOUT", "ERR_RECONNECT_EXHAUSTED"]);
    expectMessage(reported[0], "ERR_CONNECT_TIMEOUT", "SocketStore: the attempt outlived options.reconnect.connectTimeoutMs");
    expectMessage(reported[3], "ERR_RECONNECT_EXHAUSTED", "SocketStore: gave up after 2 reconnect attempt(s)");
  });

  it("ERR_SOCKET_FACTORY names the application's createSocket or the default factory, with the cause", async () => {
    const failure = new Error("no token");
    const own = reporting(openSocket(), {}, withReconnect({ maxAttempts: 1, createSocket: () => Promise.reject(failure) }));
    own.store.drop();
    await vi.advanceTimersByTimeAsync(250);
    expectMessage(own.reported[0], "ERR_SOCKET_FACTORY", "SocketStore: options.reconnect.createSocket threw, rejected or gave no WebSocket");
    expect(own.reported[0]!.cause).toBe(failure);

    // The default factory calls the socket's constructor again: this one throws the second time.
    let constructed = 0;
    class OnceOnly extends TestSocket {
      constructor(url?: string) {
        if (++constructed > 1) throw new Error("constructed twice");
        super(url);
      }
    }
    const first = new OnceOnly(URL);
    first.open();
    const byDefault = reporting(first, {}, withReconnect({ maxAttempts: 1 }));
    byDefault.store.drop();
    vi.advanceTimersByTime(250);
    expectMessage(byDefault.reported[0], "ERR_SOCKET_FACTORY", "SocketStore: the default socket factory threw, rejected or gave no WebSocket");
    expect((byDefault.reported[0]!.cause as Error).message).toBe("constructed twice");
  });

  it("ERR_RETRY_PREDICATE keeps what retryOnClose threw", () => {
    const failure = new Error("predicate bug");
    const socket = openSocket();
    const { reported } = reporting(
      socket,
      {},
      withReconnect({
        retryOnClose: () => {
          throw failure;
        },
      }),
    );
    socket.networkDrop();
    expectMessage(reported[0], "ERR_RETRY_PREDICATE", "SocketStore: options.reconnect.retryOnClose threw");
    expect(reported[0]!.cause).toBe(failure);
  });

  it("ERR_ROUTE tells a throwing route from one returning something else", () => {
    const failure = new Error("bad json");
    const socket = openSocket();
    let result: unknown;
    const { reported } = reporting(socket, {
      route: (event) => {
        if (event.data === "throw") throw failure;
        return result as never;
      },
    });
    socket.receive("throw");
    result = 42;
    socket.receive("number");
    expectMessage(reported[0], "ERR_ROUTE", "SocketStore: handlers.route threw");
    expect(reported[0]!.cause).toBe(failure);
    expectMessage(reported[1], "ERR_ROUTE", "SocketStore: handlers.route returned neither { topic, value } nor undefined");
    expect(reported[1]!.cause).toBe(42);
  });
});
