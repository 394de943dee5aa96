import { createActor, type Actor } from "xstate";
import { connectionMachine, type ConnectionEmitted, type ConnectionEvent } from "../machines/connection.js";
import { SocketStoreError, type SocketStoreErrorCode } from "./errors.js";
import { assertHandlers, assertListener, assertSocket, resolveOptions, type ResolvedReconnect } from "./options.js";
import { notifyAll, reportException } from "./report-exception.js";
import {
  SocketAttachment,
  closeAbandoned,
  createDefaultReplacement,
  endSocket,
  describeCloseArgumentProblem,
  describeSocketShapeProblem,
  type SocketObserver,
} from "./socket-boundary.js";
import { Topic } from "./topics.js";
import type {
  CloseEventLike,
  CloseInfo,
  ConnectionSnapshot,
  ConnectionStatus,
  EventLike,
  MessageEventLike,
  SocketStoreHandlers,
  SocketStoreOptions,
  TopicView,
  WebSocketLike,
} from "./types.js";

const NO_HANDLERS: SocketStoreHandlers<any> = Object.freeze({});

const cancelTimer = (id: unknown): void => clearTimeout(id as ReturnType<typeof setTimeout>);

function statusOf(value: unknown): ConnectionStatus {
  return (typeof value === "string" ? value : Object.keys(value as object)[0]) as ConnectionStatus;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Observes a WebSocket the application created: a connection status to subscribe to, messages
 * routed to handlers and topics, `send()` that refuses when the socket is not open, and an
 * opt-in bounded reconnect. The lifecycle is the `connectionMachine` statechart; this class only
 * translates socket events into machine events and carries out what the machine asks for.
 *
 * @example
 * const store = new SocketStore<{ price: number }>(new WebSocket(url), {
 *   route: (event) => ({ topic: "price", value: JSON.parse(event.data).price }),
 * }, { reconnect: { enabled: true } });
 * store.subscribe(() => render(store.getSnapshot().status));
 */
export class SocketStore<Topics extends Record<string, unknown> = Record<string, unknown>> {
  #socket: WebSocketLike;
  readonly #original: WebSocketLike;
  #handlers: SocketStoreHandlers<Topics>;
  readonly #reconnect: ResolvedReconnect;
  readonly #actor: Actor<typeof connectionMachine>;
  #attachment: SocketAttachment;
  #snapshot!: ConnectionSnapshot;
  /** The socket `send()` may use: the observed one while the published status is `open`, else null. */
  #sendTarget: WebSocketLike | null = null;
  #lastClose: CloseInfo | null = null;
  #lastError: SocketStoreError | null = null;
  /** Subscribers; created on first subscribe (many stores only use handlers). */
  #listeners: Set<() => void> | undefined;
  #topics: Map<keyof Topics, Topic<any>> | undefined;
  /** What the machine emitted and the store has not carried out yet; created on first use. */
  #effects: ConnectionEmitted[] | undefined;
  readonly #observer: SocketObserver = {
    open: (event: EventLike) => {
      this.#step({ type: "SOCKET.OPENED" });
      this.#call("onOpen", event);
    },
    // Messages change no status: they never pass through the machine. Hot path: no extra call.
    message: (event: MessageEventLike) => {
      const handlers = this.#handlers;
      if (handlers.onMessage) {
        try {
          handlers.onMessage(event);
        } catch (exception) {
          reportException(exception);
        }
      }
      // Re-read: onMessage may have disposed the store.
      if (this.#handlers.route) this.#route(event);
    },
    error: (event: unknown) => this.#report("ERR_SOCKET_ERROR", "the socket reported an error event", event),
    close: (event: CloseEventLike) => this.#handleClose(event),
    applicationClosed: () => this.#step({ type: "SOCKET.CLOSE_CALLED" }),
  };

  /**
   * @param socket A WebSocket-like object (browser, `ws`, undici, mock-socket), in any readyState.
   * @param handlers Optional callbacks and the topic `route`.
   * @param options `reconnect` (opt-in with `enabled: true`) and `inspect`.
   * @throws SocketStoreError `ERR_INVALID_ARGUMENT` naming the offending argument or option.
   */
  constructor(socket: WebSocketLike, handlers?: SocketStoreHandlers<Topics>, options?: SocketStoreOptions) {
    assertSocket(socket);
    assertHandlers(handlers);
    const { reconnect, inspect } = resolveOptions(options);
    this.#original = socket;
    this.#socket = socket;
    this.#handlers = handlers ?? NO_HANDLERS;
    this.#reconnect = reconnect;
    this.#actor = createActor(connectionMachine, {
      input: { readyState: socket.readyState, reconnect },
      // An inspector that throws must not break the machine's processing.
      inspect: inspect && ((event) => {
        try {
          if (typeof inspect === "function") inspect(event);
          else inspect.next?.(event);
        } catch (exception) {
          reportException(exception);
        }
      }),
      // Timers of the machine (backoff, stability window) fire outside any store call: settle
      // after each so the store's snapshot and effects follow, outside XState's processing.
      clock: {
        setTimeout: (fire: () => void, ms: number) =>
          setTimeout(() => {
            fire();
            this.#settle();
          }, ms),
        clearTimeout: cancelTimer,
      },
    });
    this.#actor.on("*", (effect) => {
      (this.#effects ??= []).push(effect);
    });
    this.#actor.start();
    this.#attachment = new SocketAttachment(socket, this.#observer);
    this.#publish(this.#buildSnapshot());
  }

  /** The socket observed now; it changes when a replacement is taken over. */
  get socket(): WebSocketLike {
    return this.#socket;
  }

  /** Same as `getSnapshot().status`. */
  get status(): ConnectionStatus {
    return this.#snapshot.status;
  }

  /** The current snapshot; the same object until something in it changes. */
  getSnapshot = (): ConnectionSnapshot => this.#snapshot;

  /**
   * Runs `listener` after every change of the snapshot. Compatible with React's
   * `useSyncExternalStore(store.subscribe, store.getSnapshot)`.
   * @returns The function that unsubscribes.
   */
  subscribe = (listener: () => void): (() => void) => {
    assertListener(listener, "subscribe");
    const listeners = (this.#listeners ??= new Set());
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };

  /**
   * The latest value of a topic (set by `handlers.route`) and its subscription. The same view
   * object is returned for the same name. Values are never cleared by the store.
   */
  topic<K extends keyof Topics>(name: K): TopicView<Topics[K]> {
    return this.#topic(name).view;
  }

  /**
   * Sends while the store is `open`; nothing is queued.
   * @throws SocketStoreError `ERR_SOCKET_NOT_OPEN` in any other status, `ERR_STORE_DISPOSED` after dispose().
   */
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    // Hot path: one field and the socket's readyState (the target is null once disposed).
    const socket = this.#sendTarget;
    if (socket !== null && socket.readyState === 1) {
      socket.send(data);
      return;
    }
    if (this.#isDisposed()) throw new SocketStoreError("ERR_STORE_DISPOSED", "SocketStore: send() after dispose()");
    throw new SocketStoreError("ERR_SOCKET_NOT_OPEN", `SocketStore: send() while the store is ${this.#snapshot.status}`);
  }

  /**
   * Closes for good: automatic retries stop (only `reconnect()` starts again). Accepts what the
   * WHATWG `close()` accepts — code absent, 1000 or 3000–4999; reason up to 123 UTF-8 bytes —
   * and passes its arguments on exactly as given. A no-op when closed or disposed.
   * @throws SocketStoreError `ERR_INVALID_ARGUMENT` for other arguments (nothing changes).
   */
  close(code?: number, reason?: string): void {
    if (this.#isDisposed()) return;
    const problem = describeCloseArgumentProblem(code, reason);
    if (problem) throw new SocketStoreError("ERR_INVALID_ARGUMENT", `SocketStore: ${problem}`);
    // The socket's own close runs first: if it throws, the store has changed nothing.
    if (this.#actor.getSnapshot().hasTag("live")) {
      this.#attachment.closeAsStore(Array.prototype.slice.call(arguments, 0, 2));
    }
    this.#step({ type: "STORE.CLOSE" });
  }

  /**
   * Starts a fresh outage now (attempt 1, no wait) from `closed`, `error` or `reconnecting`;
   * does nothing while `connecting`, `open` or `closing`.
   * @throws SocketStoreError `ERR_RECONNECT_DISABLED` without `reconnect.enabled === true`, `ERR_STORE_DISPOSED` after dispose().
   */
  reconnect(): void {
    if (this.#isDisposed()) throw new SocketStoreError("ERR_STORE_DISPOSED", "SocketStore: reconnect() after dispose()");
    if (!this.#reconnect.enabled) {
      throw new SocketStoreError("ERR_RECONNECT_DISABLED", "SocketStore: reconnect() needs options.reconnect.enabled === true");
    }
    this.#step({ type: "STORE.RECONNECT" });
  }

  /**
   * Ends a connection known to be dead, now: stops listening to the observed socket, closes it
   * without waiting (`terminate()` where the socket has it, else `close()`), and goes on as for
   * a close event `{ code: 1006, reason, wasClean: false }` in the current state — so a dropped
   * replacement is a failed attempt. While an async `createSocket` is pending, that call is
   * abandoned instead. Does nothing in `reconnecting`, `closed` and `error`, and after dispose().
   * @param reason Recorded in `lastClose.reason`; never sent. @default ""
   * @throws SocketStoreError `ERR_INVALID_ARGUMENT` when `reason` is not a string (nothing changes).
   * @example
   * // no pong within 5 s: the connection is dead even if the socket does not know it yet
   * store.drop("heartbeat timeout");
   */
  drop(reason: string = ""): void {
    if (this.#isDisposed()) return;
    if (typeof reason !== "string") {
      throw new SocketStoreError("ERR_INVALID_ARGUMENT", "SocketStore: drop(reason) must be given a string reason when given");
    }
    const snapshot = this.#actor.getSnapshot();
    if (!snapshot.can({ type: "STORE.DROP" })) return;
    if (snapshot.hasTag("observesSocket")) {
      this.#attachment.detach();
      endSocket(this.#socket);
    }
    this.#handleClose({ type: "close", code: 1006, reason, wasClean: false }, "STORE.DROP");
  }

  /**
   * Removes every listener the store added, cancels any pending attempt, stops the machine and
   * closes replacement sockets the store obtained (never the socket given to the constructor).
   * No handler or subscriber runs afterwards; the snapshot stays as it was.
   */
  dispose(): void {
    if (this.#isDisposed()) return;
    this.#handlers = NO_HANDLERS;
    this.#sendTarget = null;
    this.#listeners?.clear();
    for (const topic of this.#topics?.values() ?? []) topic.clearListeners();
    this.#actor.send({ type: "DISPOSE" });
    this.#effects = undefined;
    this.#attachment.detach();
    if (this.#socket !== this.#original) closeAbandoned(this.#socket);
  }

  /** Same as `dispose()`, for `using store = new SocketStore(...)`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  #isDisposed(): boolean {
    return this.#actor.getSnapshot().status !== "active";
  }

  #topic(name: keyof Topics): Topic<any> {
    // Created on first use: many stores never route messages to topics.
    const topics = (this.#topics ??= new Map());
    let topic = topics.get(name);
    if (!topic) {
      topic = new Topic();
      topics.set(name, topic);
    }
    return topic;
  }

  // --- socket events -------------------------------------------------------------------------

  #route(event: MessageEventLike): void {
    let update: unknown;
    try {
      update = this.#handlers.route!(event);
    } catch (exception) {
      this.#report("ERR_ROUTE", "handlers.route threw", exception);
      return;
    }
    if (update === undefined) return;
    if (typeof update !== "object" || update === null || !("topic" in update)) {
      this.#report("ERR_ROUTE", "handlers.route returned neither { topic, value } nor undefined", update);
      return;
    }
    const { topic, value } = update as { topic: keyof Topics; value: unknown };
    this.#topic(topic).set(value);
  }

  #handleClose(event: CloseEventLike, type: "SOCKET.CLOSED" | "STORE.DROP" = "SOCKET.CLOSED"): void {
    this.#lastClose = { code: event.code, reason: event.reason ?? "", wasClean: event.wasClean === true };
    let retryOnClose: boolean | undefined;
    let predicateException: { value: unknown } | undefined;
    const predicate = this.#reconnect.retryOnClose;
    if (predicate && this.#actor.getSnapshot().hasTag("asksRetryOnClose")) {
      try {
        retryOnClose = predicate(event) === true;
      } catch (exception) {
        retryOnClose = false;
        predicateException = { value: exception };
      }
    }
    this.#step({ type, retryOnClose });
    if (predicateException) this.#report("ERR_RETRY_PREDICATE", "options.reconnect.retryOnClose threw", predicateException.value);
    this.#call("onClose", event);
  }

  // --- machine ---------------------------------------------------------------------------------

  #step(event: ConnectionEvent): void {
    if (this.#isDisposed()) return;
    this.#actor.send(event);
    this.#settle();
  }

  /** Carries out what the machine asked for, then publishes the snapshot. */
  #settle(): void {
    let effect: ConnectionEmitted | undefined;
    // Re-read each turn: dispose() (from a callback) drops what is still queued.
    while ((effect = this.#effects?.shift())) {
      if (effect.type === "createReplacement") this.#createReplacement(effect.attempt, effect.request);
      else this.#report("ERR_RECONNECT_EXHAUSTED", `gave up after ${effect.attempt} reconnect attempt(s)`);
    }
    this.#commit();
  }

  #createReplacement(attempt: number, request: number): void {
    // Publish `connecting` first: a factory (and its failure report) sees the attempt's status.
    this.#commit();
    // A subscriber may have closed or disposed the store just now: then no socket is wanted.
    if (!this.#awaits(request)) return;
    const previous = this.#socket;
    const { createSocket } = this.#reconnect;
    let result: unknown;
    try {
      result = createSocket ? createSocket({ attempt, previous, lastClose: this.#lastClose }) : createDefaultReplacement(previous);
    } catch (exception) {
      this.#replacementFailed(request, exception);
      return;
    }
    if (isThenable(result)) {
      result.then(
        (socket) => this.#takeOver(request, socket),
        (exception) => this.#replacementFailed(request, exception),
      );
    } else {
      this.#takeOver(request, result);
    }
  }

  #takeOver(request: number, socket: unknown): void {
    const usable = describeSocketShapeProblem(socket) === undefined;
    if (!this.#awaits(request)) {
      // Delivered after close() or dispose(): never observed, closed at once.
      if (usable) closeAbandoned(socket as WebSocketLike);
      return;
    }
    if (!usable) {
      this.#replacementFailed(request, socket);
      return;
    }
    const replacement = socket as WebSocketLike;
    // Stop listening to the previous socket before listening to the replacement.
    this.#attachment.detach();
    this.#socket = replacement;
    this.#attachment = new SocketAttachment(replacement, this.#observer);
    this.#step({ type: "REPLACEMENT.READY", request, readyState: replacement.readyState });
  }

  /** True while the machine still waits for the socket of this factory call (not closed, dropped or disposed since). */
  #awaits(request: number): boolean {
    return !this.#isDisposed() && this.#actor.getSnapshot().can({ type: "REPLACEMENT.FAILED", request });
  }

  #replacementFailed(request: number, cause: unknown): void {
    if (!this.#awaits(request)) return;
    const factory = this.#reconnect.createSocket ? "options.reconnect.createSocket" : "the default socket factory";
    this.#report("ERR_SOCKET_FACTORY", `${factory} threw, rejected or gave no WebSocket`, cause);
    this.#step({ type: "REPLACEMENT.FAILED", request });
  }

  // --- publishing ------------------------------------------------------------------------------

  #buildSnapshot(): ConnectionSnapshot {
    const { value, context } = this.#actor.getSnapshot();
    return Object.freeze({
      status: statusOf(value),
      attempt: context.attempt,
      retryDelayMs: context.retryDelayMs,
      lastClose: this.#lastClose,
      lastError: this.#lastError,
    });
  }

  #publish(next: ConnectionSnapshot): void {
    this.#snapshot = next;
    this.#sendTarget = next.status === "open" ? this.#socket : null;
  }

  /**
   * Replaces the snapshot if anything in it changed, then notifies. `first` runs after the
   * snapshot is replaced and before anyone is notified, so that `onError` sees its own error as
   * `lastError` even when a subscriber calls back into the store and reports another one.
   */
  #commit(first?: () => void): void {
    if (this.#isDisposed()) return;
    const previous = this.#snapshot;
    const { value, context } = this.#actor.getSnapshot();
    if (
      statusOf(value) === previous.status &&
      context.attempt === previous.attempt &&
      context.retryDelayMs === previous.retryDelayMs &&
      this.#lastClose === previous.lastClose &&
      this.#lastError === previous.lastError
    ) {
      first?.();
      return;
    }
    const next = this.#buildSnapshot();
    this.#publish(next);
    first?.();
    if (next.status !== previous.status) this.#call("onStatusChange", next, previous);
    if (this.#listeners) notifyAll(this.#listeners);
  }

  /** Every error reaches `lastError` (published) before `onError` sees it. */
  #report(code: SocketStoreErrorCode, message: string, cause?: unknown): void {
    if (this.#isDisposed()) return;
    const error = new SocketStoreError(code, `SocketStore: ${message}`, arguments.length > 2 ? { cause } : undefined);
    this.#lastError = error;
    this.#commit(() => this.#call("onError", error));
  }

  /** Calls an application handler; what it throws is reported, never thrown into the store. */
  #call<Name extends "onOpen" | "onClose" | "onError" | "onStatusChange">(name: Name, ...args: Parameters<NonNullable<SocketStoreHandlers<Topics>[Name]>>): void {
    const handlers = this.#handlers;
    try {
      (handlers[name] as ((...args: unknown[]) => void) | undefined)?.apply(handlers, args);
    } catch (exception) {
      reportException(exception);
    }
  }
}
