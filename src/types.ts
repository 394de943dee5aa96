import type { CloseRecord, ConnectionStatus, ReconnectPolicy } from "../machines/connection.js";
import type { SocketStoreError } from "./errors.js";

/** The status a UI shows. `reconnecting` and `error` only occur with reconnect enabled. */
export type { ConnectionStatus };

/** Any event the socket dispatches (only `type` is read by the store). */
export interface EventLike {
  readonly type: string;
}

/** A `close` event: browser `CloseEvent`, ws, undici and mock-socket all have this shape. */
export interface CloseEventLike extends EventLike {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/** A `message` event. */
export interface MessageEventLike<Data = any> extends EventLike {
  readonly data: Data;
}

/**
 * The WHATWG WebSocket shape the store needs. Browser `WebSocket`, `ws`, undici's `WebSocket` and
 * mock-socket all fit, without DOM typings. The store never uses `instanceof` on sockets or events.
 */
export interface WebSocketLike {
  readonly readyState: number;
  readonly url?: string;
  readonly protocol?: string;
  binaryType?: any;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
  send(data: any): void;
  close(code?: number, reason?: string): void;
}

/** What the store saw of the most recent close event (`code`, `reason`, `wasClean`): the machine's close record. */
export type CloseInfo = CloseRecord;

/** The store's state, immutable; `getSnapshot()` returns the same object until something changes. */
export interface ConnectionSnapshot {
  readonly status: ConnectionStatus;
  /** Attempt number of the current (or last) outage; 0 when none happened or the last one succeeded. */
  readonly attempt: number;
  /** Delay of the pending attempt while `reconnecting`, else null. */
  readonly retryDelayMs: number | null;
  /** The most recent close event seen by the store. */
  readonly lastClose: CloseInfo | null;
  /** The most recent error reported through `onError`. */
  readonly lastError: SocketStoreError | null;
}

/** What `reconnect.createSocket` is given. */
export interface ReplacementContext {
  /** 1..maxAttempts. */
  attempt: number;
  /** The socket that closed (read only; do not reuse its credentials blindly). */
  previous: WebSocketLike;
  /** null when the store never saw a close (reconnect() on a socket closed before construction). */
  lastClose: CloseInfo | null;
  /**
   * Aborted when the store stops waiting for this call (`close()`, `drop()`, `dispose()`, the
   * connect timeout); never after its result was taken over or judged. Pass it to `fetch`, or end
   * a wait with it.
   */
  signal: AbortSignal;
}

/** Opt-in, bounded reconnect. Only `enabled: true` (the boolean) enables it. */
export type SocketStoreReconnectOptions = {
  enabled: true;
  /** Replacement attempts per outage (an integer >= 1). @default 5 */
  maxAttempts?: number;
  /** @default "exponential" */
  backoff?: "fixed" | "exponential";
  /** Delay before attempt 1 (and every attempt with "fixed"), in ms. @default 250 */
  initialDelayMs?: number;
  /** Cap of the exponential delay, and how long a replacement must stay open to end an outage, in ms. @default 5000 */
  maxDelayMs?: number;
  /**
   * How long one attempt may stay `connecting` (a pending `createSocket` and the handshake
   * together) before it fails with `ERR_CONNECT_TIMEOUT`, in ms; `false`: no limit. @default 10000
   */
  connectTimeoutMs?: number | false;
  /** Decides whether a close that the store did not start is retried; only `true` retries. */
  retryOnClose?: (event: CloseEventLike) => boolean;
  /** Creates the replacement socket (e.g. with fresh credentials). Default: same constructor, url, protocol and binaryType. */
  createSocket?: (context: ReplacementContext) => WebSocketLike | Promise<WebSocketLike>;
};

/** The reconnect options a store runs with (`store.reconnectOptions`), defaults applied: the machine's policy. */
export type ReconnectOptions = ReconnectPolicy;

/** One topic's new value, as returned by `handlers.route`. */
export type TopicUpdate<Topics> = { [K in keyof Topics]: { topic: K; value: Topics[K] } }[keyof Topics];

/** Callbacks; each is optional. Exceptions they throw are reported and never corrupt the store. */
export interface SocketStoreHandlers<Topics extends Record<string, unknown>> {
  onOpen?(event: EventLike): void;
  onMessage?(event: MessageEventLike): void;
  onClose?(event: CloseEventLike): void;
  onError?(error: SocketStoreError): void;
  onStatusChange?(next: ConnectionSnapshot, previous: ConnectionSnapshot): void;
  /** Maps one message to a topic update; return undefined to leave topics untouched. */
  route?(event: MessageEventLike): TopicUpdate<Topics> | undefined;
}

export interface SocketStoreOptions {
  /** Disabled unless it is an object with `enabled === true`. @default false */
  reconnect?: false | SocketStoreReconnectOptions;
  /**
   * Receives the machine actor's inspection events (snapshots included), as XState's
   * `createActor({ inspect })` does: a function or an observer. What it throws is reported and
   * never breaks the store.
   * @example
   * import { createBrowserInspector } from "@statelyai/inspect";
   * const inspector = createBrowserInspector();
   * new SocketStore(socket, {}, { inspect: inspector.inspect });
   */
  inspect?: InspectOption;
}

/** An inspector: a function, or an observer whose `next` receives each inspection event. */
export type InspectOption =
  | ((event: any) => void)
  | { next?: (event: any) => void; error?: (error: any) => void; complete?: () => void };

/** A read-only view of one topic, usable with `useSyncExternalStore(topic.subscribe, topic.get)`. */
export interface TopicView<Value> {
  get(): Value | undefined;
  subscribe(listener: () => void): () => void;
}
