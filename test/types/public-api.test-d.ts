import { expectTypeOf, test } from "vitest";
import { WebSocket as MockWebSocket } from "mock-socket";
import { WebSocket as UndiciWebSocket } from "undici";
import WsWebSocket from "ws";
import {
  SocketStore,
  type ConnectionSnapshot,
  type ConnectionStatus,
  type SocketStoreError,
  type SocketStoreErrorCode,
  type TopicUpdate,
  type WebSocketLike,
} from "../../src/index.js";

type Topics = { price: number; headline: string };

test("sockets from ws, undici, mock-socket and the DOM type-check as WebSocketLike", () => {
  expectTypeOf<WsWebSocket>().toMatchTypeOf<WebSocketLike>();
  expectTypeOf<UndiciWebSocket>().toMatchTypeOf<WebSocketLike>();
  expectTypeOf<MockWebSocket>().toMatchTypeOf<WebSocketLike>();
  expectTypeOf<WebSocket>().toMatchTypeOf<WebSocketLike>();
});

test("typed topics flow through route and topic()", () => {
  const store = new SocketStore<Topics>({} as WebSocketLike, {
    route: (event) => ({ topic: "price", value: Number(event.data) }),
  });
  expectTypeOf(store.topic("price").get()).toEqualTypeOf<number | undefined>();
  expectTypeOf(store.topic("headline").get()).toEqualTypeOf<string | undefined>();
  // @ts-expect-error unknown topic
  store.topic("volume");
  new SocketStore<Topics>({} as WebSocketLike, {
    // @ts-expect-error a value of the wrong type for the topic
    route: () => ({ topic: "price", value: "12" }),
  });
  expectTypeOf<TopicUpdate<Topics>>().toEqualTypeOf<{ topic: "price"; value: number } | { topic: "headline"; value: string }>();
});

test("the snapshot, status and error codes are exact", () => {
  expectTypeOf<ConnectionStatus>().toEqualTypeOf<"connecting" | "open" | "closing" | "closed" | "reconnecting" | "error">();
  expectTypeOf<ConnectionSnapshot["retryDelayMs"]>().toEqualTypeOf<number | null>();
  expectTypeOf<ConnectionSnapshot["lastError"]>().toEqualTypeOf<SocketStoreError | null>();
  expectTypeOf<SocketStoreErrorCode>().toEqualTypeOf<
    | "ERR_SOCKET_NOT_OPEN"
    | "ERR_SOCKET_ERROR"
    | "ERR_RECONNECT_EXHAUSTED"
    | "ERR_SOCKET_FACTORY"
    | "ERR_CONNECT_TIMEOUT"
    | "ERR_RETRY_PREDICATE"
    | "ERR_ROUTE"
    | "ERR_INVALID_ARGUMENT"
    | "ERR_RECONNECT_DISABLED"
    | "ERR_STORE_DISPOSED"
  >();
});

test("reconnect is opt-in with enabled: true only", () => {
  new SocketStore({} as WebSocketLike, {}, { reconnect: { enabled: true, maxAttempts: 3, backoff: "fixed" } });
  new SocketStore({} as WebSocketLike, {}, { reconnect: false });
  // @ts-expect-error enabled must be the literal true
  new SocketStore({} as WebSocketLike, {}, { reconnect: { enabled: false } });
  // @ts-expect-error unknown backoff
  new SocketStore({} as WebSocketLike, {}, { reconnect: { enabled: true, backoff: "linear" } });
});

test("getSnapshot and subscribe fit useSyncExternalStore", () => {
  const store = new SocketStore({} as WebSocketLike);
  type UseSyncExternalStore = <T>(subscribe: (onChange: () => void) => () => void, getSnapshot: () => T) => T;
  const useSyncExternalStore = (() => undefined) as unknown as UseSyncExternalStore;
  expectTypeOf(useSyncExternalStore(store.subscribe, store.getSnapshot)).toEqualTypeOf<ConnectionSnapshot>();
});

test("options.inspect takes @statelyai/inspect's inspector.inspect (an observer) as it is", async () => {
  const { createBrowserInspector } = await import("@statelyai/inspect");
  type Inspector = ReturnType<typeof createBrowserInspector>;
  expectTypeOf<Inspector["inspect"]>().toMatchTypeOf<NonNullable<import("../../src/index.js").SocketStoreOptions["inspect"]>>();
  expectTypeOf<(event: unknown) => void>().toMatchTypeOf<NonNullable<import("../../src/index.js").SocketStoreOptions["inspect"]>>();
});

test("connectTimeoutMs is a number or false, ReplacementContext carries an AbortSignal, reconnectOptions is read-only", () => {
  new SocketStore({} as WebSocketLike, {}, { reconnect: { enabled: true, connectTimeoutMs: false } });
  new SocketStore({} as WebSocketLike, {}, { reconnect: { enabled: true, connectTimeoutMs: 4000 } });
  // @ts-expect-error true is not a timeout
  new SocketStore({} as WebSocketLike, {}, { reconnect: { enabled: true, connectTimeoutMs: true } });
  expectTypeOf<import("../../src/index.js").ReplacementContext["signal"]>().toEqualTypeOf<AbortSignal>();
  const store = new SocketStore({} as WebSocketLike);
  expectTypeOf(store.reconnectOptions.maxAttempts).toEqualTypeOf<number>();
  expectTypeOf(store.reconnectOptions.connectTimeoutMs).toEqualTypeOf<number | false>();
  // @ts-expect-error read-only
  store.reconnectOptions.maxAttempts = 3;
});

test("drop() takes an optional string reason", () => {
  expectTypeOf<import("../../src/index.js").SocketStore["drop"]>().toEqualTypeOf<(reason?: string) => void>();
});
