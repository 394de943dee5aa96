import { createActor, type Actor } from "xstate";
import { connectionSnapshotOf, type ConnectionEmitted, type ConnectionEvent } from "../machines/connection.js";
import { SocketStoreError, type SocketStoreErrorCode } from "./errors.js";
import { askRetryOnClose, assertHandlers, assertListener, assertSocket, resolveOptions, type ResolvedOptions } from "./options.js";
import { ListenerSet, reportException } from "./report-exception.js";
import { SocketAttachment, closeAbandoned, createDefaultReplacement, describeCloseArgumentProblem, droppedClose, endSocket, type SocketObserver } from "./socket-boundary.js";
import { FactoryCall, machineCallingFactories, runFactory } from "./socket-factory.js";
import { TopicRegistry } from "./topics.js";
import type { CloseEventLike, ConnectionSnapshot, ConnectionStatus, MessageEventLike, ReconnectOptions, SocketStoreHandlers, SocketStoreOptions, TopicView, WebSocketLike } from "./types.js";

const NO_HANDLERS: SocketStoreHandlers<any> = Object.freeze({});
type Effect = ConnectionEmitted | { type: "createReplacement"; call: FactoryCall };

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
  static readonly #bySystem = new WeakMap<object, SocketStore<any>>();
  /**
   * What the store's collaborators call, one object per store, its methods on the prototype: the
   * socket attachment (a listener per socket event, `applicationClosed`) and the machine's clock
   * (XState calls `setTimeout`/`clearTimeout` as its methods). The clock's timers fire outside any
   * store call: after each, the store carries out what the machine asked for and publishes,
   * outside XState's processing, so that a callback may call the store and see the effect when
   * that call returns.
   */
  static readonly #Callbacks = class implements SocketObserver {
    readonly open: SocketObserver["open"];
    readonly message: SocketObserver["message"];
    readonly error: SocketObserver["error"];
    readonly close: SocketObserver["close"];

    constructor(
      readonly store: SocketStore<any>,
      listeners: Omit<SocketObserver, "applicationClosed">,
    ) {
      ({ open: this.open, message: this.message, error: this.error, close: this.close } = listeners);
    }

    applicationClosed(): void {
      this.store.#step({ type: "SOCKET.CLOSE_CALLED" });
    }

    setTimeout(fire: () => void, ms: number): ReturnType<typeof setTimeout> {
      return setTimeout(() => (fire(), this.store.#settle()), ms);
    }

    clearTimeout(id: ReturnType<typeof setTimeout>): void {
      clearTimeout(id);
    }
  };
  static readonly #machine = machineCallingFactories((system, call) => SocketStore.#bySystem.get(system)!.#enqueue({ type: "createReplacement", call }));

  #socket: WebSocketLike;
  readonly #original: WebSocketLike;
  #handlers: SocketStoreHandlers<Topics>;
  readonly #policy: ReconnectOptions;
  readonly #retryOnClose: ResolvedOptions["retryOnClose"];
  readonly #createSocket: ResolvedOptions["createSocket"];
  readonly #actor: Actor<ReturnType<typeof machineCallingFactories>>;
  /** Listens to the observed socket; null once the store let it go (ended, or a replacement is being made). */
  #attachment: SocketAttachment | null;
  #snapshot!: ConnectionSnapshot;
  /** The socket `send()` may use: the observed one while the published status is `open`, else null. */
  #sendTarget: WebSocketLike | null = null;
  #listeners: ListenerSet | undefined;
  /** Created on first use: many stores never route a message to a topic. */
  #topics: TopicRegistry<Topics> | undefined;
  /** What the machine asked for and the store has not carried out yet. */
  #effects: Effect[] | undefined;
  readonly #enqueue = (effect: Effect): void => {
    (this.#effects ??= []).push(effect);
  };
  readonly #callbacks = new SocketStore.#Callbacks(this, {
    open: (event) => {
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
      if (this.#handlers.route) (this.#topics ??= new TopicRegistry()).route(this.#handlers.route, event, (message, cause) => this.#report("ERR_ROUTE", message, cause));
    },
    error: (event) => {
      const { readyState } = this.#socket;
      this.#report("ERR_SOCKET_ERROR", "the socket reported an error event", event);
      this.#step({ type: "SOCKET.ERRORED", readyState });
    },
    close: (event: CloseEventLike) => this.#judgeClose(event, "SOCKET.CLOSED"),
  });

  /**
   * @param socket A WebSocket-like object (browser, `ws`, undici, mock-socket), in any readyState.
   * @param handlers Optional callbacks and the topic `route`.
   * @param options `reconnect` (opt-in with `enabled: true`) and `inspect`.
   * @throws SocketStoreError `ERR_INVALID_ARGUMENT` naming the offending argument or option.
   */
  constructor(socket: WebSocketLike, handlers?: SocketStoreHandlers<Topics>, options?: SocketStoreOptions) {
    assertSocket(socket);
    assertHandlers(handlers);
    const { policy, retryOnClose, createSocket, inspect } = resolveOptions(options);
    this.#original = this.#socket = socket;
    this.#handlers = handlers ?? NO_HANDLERS;
    this.#policy = policy;
    this.#retryOnClose = retryOnClose;
    this.#createSocket = createSocket;
    this.#actor = createActor(SocketStore.#machine, { input: { readyState: socket.readyState, reconnect: policy }, inspect, clock: this.#callbacks });
    SocketStore.#bySystem.set(this.#actor.system, this);
    this.#actor.on("*", this.#enqueue);
    this.#actor.start();
    this.#attachment = new SocketAttachment(socket, this.#callbacks);
    this.#publish();
  }

  /** The socket observed now; it changes when a replacement is taken over. */
  get socket(): WebSocketLike {
    return this.#socket;
  }

  /** Same as `getSnapshot().status`. */
  get status(): ConnectionStatus {
    return this.#snapshot.status;
  }

  /** The reconnect options in effect, defaults applied (`enabled: false` without reconnect), frozen: for "attempt 2 of 5". */
  get reconnectOptions(): ReconnectOptions {
    return this.#policy;
  }

  /** The current snapshot; the same object until something in it changes. */
  getSnapshot = (): ConnectionSnapshot => this.#snapshot;

  /** Runs `listener` after every change of the snapshot; returns the unsubscribe (`useSyncExternalStore`-ready). */
  subscribe = (listener: () => void): (() => void) => {
    assertListener(listener, "subscribe");
    return (this.#listeners ??= new ListenerSet()).add(listener);
  };

  /** The latest value of a topic (set by `handlers.route`) and its subscription; never cleared by the store. */
  topic<K extends keyof Topics>(name: K): TopicView<Topics[K]> {
    return (this.#topics ??= new TopicRegistry()).view(name);
  }

  /**
   * Sends while the store is `open`; nothing is queued.
   * @throws SocketStoreError `ERR_SOCKET_NOT_OPEN` in any other status, `ERR_STORE_DISPOSED` after dispose().
   */
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    // Hot path: one field and the socket's readyState (the target is null once disposed).
    const socket = this.#sendTarget;
    if (socket !== null && socket.readyState === 1) return socket.send(data);
    if (this.#isDisposed()) throw new SocketStoreError("ERR_STORE_DISPOSED", "SocketStore: send() after dispose()");
    throw new SocketStoreError("ERR_SOCKET_NOT_OPEN", `SocketStore: send() while the store is ${this.#snapshot.status}`);
  }

  /**
   * Closes for good: automatic retries stop (only `reconnect()` starts again). Accepts what the
   * WHATWG `close()` accepts (code absent, 1000 or 3000–4999; reason up to 123 UTF-8 bytes) and
   * passes its arguments on exactly as given. A no-op when closed or disposed.
   * @throws SocketStoreError `ERR_INVALID_ARGUMENT` for other arguments (nothing changes).
   */
  close(...args: [code?: number, reason?: string]): void {
    if (this.#isDisposed()) return;
    const problem = describeCloseArgumentProblem(args[0], args[1]);
    if (problem) throw new SocketStoreError("ERR_INVALID_ARGUMENT", `SocketStore: ${problem}`);
    // The socket's own close runs first: if it throws, the store has changed nothing.
    if (this.#attachment && (this.status === "connecting" || this.status === "open")) this.#attachment.closeAsStore(args.slice(0, 2));
    this.#step({ type: "STORE.CLOSE" });
  }

  /**
   * Starts a fresh outage now (attempt 1, no wait) from `closed`, `error` or `reconnecting`;
   * does nothing while `connecting`, `open` or `closing`.
   * @throws SocketStoreError `ERR_RECONNECT_DISABLED` without `reconnect.enabled === true`, `ERR_STORE_DISPOSED` after dispose().
   */
  reconnect(): void {
    if (this.#isDisposed()) throw new SocketStoreError("ERR_STORE_DISPOSED", "SocketStore: reconnect() after dispose()");
    if (!this.#policy.enabled) throw new SocketStoreError("ERR_RECONNECT_DISABLED", "SocketStore: reconnect() needs options.reconnect.enabled === true");
    this.#step({ type: "STORE.RECONNECT" });
  }

  /**
   * Ends a connection known to be dead, now: stops listening to the observed socket, closes it
   * without waiting (`terminate()` where it has one, else `close()`) and goes on as for a close
   * event `{ code: 1006, reason, wasClean: false }`, so a dropped replacement is a failed attempt;
   * a pending `createSocket` call is abandoned instead. A no-op in `reconnecting`, `closed`,
   * `error` and after dispose().
   * @param reason Recorded in `lastClose.reason`; never sent. @default ""
   * @throws SocketStoreError `ERR_INVALID_ARGUMENT` when `reason` is not a string (nothing changes).
   * @example store.drop("heartbeat timeout"); // no pong within 5 s: the connection is dead
   */
  drop(reason: string = ""): void {
    if (this.#isDisposed()) return;
    if (typeof reason !== "string") throw new SocketStoreError("ERR_INVALID_ARGUMENT", "SocketStore: drop(reason) must be given a string reason when given");
    const close = droppedClose(reason);
    if (this.#actor.getSnapshot().can({ type: "STORE.DROP", close })) this.#endAttempt(close);
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
    this.#topics?.clearListeners();
    this.#actor.send({ type: "DISPOSE" });
    this.#effects = undefined;
    this.#attachment?.detach();
    if (this.#socket !== this.#original) closeAbandoned(this.#socket);
  }

  /** Same as `dispose()`, for `using store = new SocketStore(...)`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  #isDisposed(): boolean {
    return this.#actor.getSnapshot().status !== "active";
  }

  /** Stops listening to the observed socket (ended, or replaced); returns whether it listened. */
  #letGo(): boolean {
    const listened = this.#attachment !== null;
    this.#attachment?.detach();
    this.#attachment = null;
    return listened;
  }

  /** What drop() does: the observed socket, if any, is let go and ended; the close `{ 1006, reason }` is judged. */
  #endAttempt(close: CloseEventLike): void {
    if (this.#letGo()) endSocket(this.#socket);
    this.#judgeClose(close, "STORE.DROP");
  }

  #judgeClose(event: CloseEventLike, type: "SOCKET.CLOSED" | "STORE.DROP"): void {
    const close = { code: event.code, reason: event.reason ?? "", wasClean: event.wasClean === true };
    const verdict = this.#actor.getSnapshot().hasTag("asksRetryOnClose") ? askRetryOnClose(this.#retryOnClose, event) : {};
    this.#step({ type, close, retryOnClose: verdict.retry });
    if ("thrown" in verdict) this.#report("ERR_RETRY_PREDICATE", "options.reconnect.retryOnClose threw", verdict.thrown);
    this.#call("onClose", event);
  }

  #step(event: ConnectionEvent): void {
    if (this.#isDisposed()) return;
    this.#actor.send(event);
    this.#settle();
  }

  /** Carries out what the machine asked for, then publishes the snapshot. */
  #settle(): void {
    let effect: Effect | undefined;
    // Re-read each turn: dispose() (from a callback) drops what is still queued.
    while ((effect = this.#effects?.shift())) {
      if (effect.type === "createReplacement") this.#createReplacement(effect.call);
      else if (effect.type === "reconnectExhausted") this.#report("ERR_RECONNECT_EXHAUSTED", `gave up after ${effect.attempt} reconnect attempt(s)`);
      else if (effect.type === "connectTimedOut") this.#report("ERR_CONNECT_TIMEOUT", "the attempt outlived options.reconnect.connectTimeoutMs");
      // endAttempt: unless onError (of a timeout) already closed, dropped or disposed the store.
      else if (this.#actor.getSnapshot().hasTag("ending")) this.#endAttempt(droppedClose(""));
    }
    this.#publish();
  }

  #createReplacement(call: FactoryCall): void {
    // Publish `connecting` first: a factory (and its failure report) sees the attempt's status;
    // a subscriber may close or dispose the store right then, and no socket is wanted any more.
    this.#publish();
    if (call.signal.aborted) return;
    this.#letGo();
    const createSocket = this.#createSocket;
    const context = { attempt: call.attempt, previous: this.#socket, lastClose: this.#snapshot.lastClose, signal: call.signal };
    const factory = createSocket ? "options.reconnect.createSocket" : "the default socket factory";
    runFactory(
      call,
      () => (createSocket ? createSocket(context) : createDefaultReplacement(context.previous)),
      (socket) => {
        this.#socket = socket;
        this.#attachment = new SocketAttachment(socket, this.#callbacks);
        call.settle({ type: "REPLACEMENT.READY", readyState: socket.readyState });
        this.#settle();
      },
      (cause) => {
        call.settle({ type: "REPLACEMENT.FAILED" }, () => this.#report("ERR_SOCKET_FACTORY", `${factory} threw, rejected or gave no WebSocket`, cause));
        this.#settle();
      },
    );
  }

  /**
   * Publishes the machine's snapshot when any field of it changed, then notifies. `first` runs
   * after the snapshot is replaced and before anyone is notified, so that `onError` sees its own
   * error as `lastError` even when a subscriber reports another one.
   */
  #publish(first?: () => void): void {
    if (this.#isDisposed()) return;
    const previous = this.#snapshot as ConnectionSnapshot | undefined;
    const next = connectionSnapshotOf(this.#actor.getSnapshot()) as ConnectionSnapshot;
    const changed = !previous || Object.entries(next).some(([key, value]) => !Object.is(value, previous[key as keyof ConnectionSnapshot]));
    if (changed) {
      this.#snapshot = Object.freeze(next);
      this.#sendTarget = next.status === "open" ? this.#socket : null;
    }
    first?.();
    if (!changed || !previous) return;
    if (next.status !== previous.status) this.#call("onStatusChange", next, previous);
    this.#listeners?.notify();
  }

  /** Every error reaches `lastError` (published) before `onError` sees it. */
  #report(code: SocketStoreErrorCode, message: string, ...cause: [unknown?]): void {
    if (this.#isDisposed()) return;
    const error = new SocketStoreError(code, `SocketStore: ${message}`, cause.length > 0 ? { cause: cause[0] } : undefined);
    this.#actor.send({ type: "ERROR.REPORTED", error });
    this.#publish(() => this.#call("onError", error));
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
