/**
 * A WebSocket-shaped test double that does nothing on its own: the test fires every event.
 *
 * - `open()`, `receive(data)`, `fail()` and `serverClose({ code, reason, wasClean })` fire the
 *   socket's events synchronously (`serverClose` also ends a close that `close()` started).
 * - `close(code?, reason?)` behaves like a browser's: CONNECTING/OPEN → CLOSING, recorded in
 *   `closeCalls`, and the `close` event comes only when the test calls `serverClose()` — or by
 *   itself after `closeDelayMs` (a `setTimeout`, so fake timers control it) when that option is set.
 * - `send(data)` records into `sent` while OPEN, throws while CONNECTING (like a browser) and
 *   drops the data while CLOSING/CLOSED.
 * - `listenerCount(type?)` counts the listeners added with `addEventListener`.
 *
 * The constructor takes `(url, protocol, options)` so that a store's default factory
 * (`new previous.constructor(url, protocol)`) can make replacements of it.
 *
 * @example
 * const socket = new ControllableSocket(undefined, undefined, { readyState: 1 });
 * const store = new SocketStore(socket);
 * socket.serverClose({ code: 1006, wasClean: false });
 */

export type ReadyState = 0 | 1 | 2 | 3;

export interface ControllableSocketOptions {
  /** @default 0 (CONNECTING) */
  readyState?: ReadyState;
  /** When set, `close()` fires the `close` event by itself after this many ms. @default undefined (the test fires it) */
  closeDelayMs?: number;
}

export interface CloseInit {
  /** @default the code given to `close()`, else 1005 after `close()`, else 1006 */
  code?: number;
  /** @default "" */
  reason?: string;
  /** @default true after `close()`, else false */
  wasClean?: boolean;
}

export interface CloseCall {
  code: number | undefined;
  reason: string | undefined;
}

type Listener = EventListenerOrEventListenerObject;

export class ControllableSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  readonly url: string;
  readonly protocol: string;
  binaryType: string = "blob";
  readyState: ReadyState;
  /** Data passed to `send()` while OPEN. */
  readonly sent: unknown[] = [];
  /** Every call of `close()` that reached the socket, in order. */
  readonly closeCalls: CloseCall[] = [];
  readonly #closeDelayMs: number | undefined;
  readonly #listeners = new Map<string, Set<Listener>>();

  constructor(url = "ws://127.0.0.1/controllable", protocol = "", options: ControllableSocketOptions = {}) {
    super();
    this.url = url;
    this.protocol = protocol;
    this.readyState = options.readyState ?? 0;
    this.#closeDelayMs = options.closeDelayMs;
  }

  override addEventListener(type: string, listener: Listener | null, options?: AddEventListenerOptions | boolean): void {
    super.addEventListener(type, listener, options);
    if (listener) this.#listenersOf(type).add(listener);
  }

  override removeEventListener(type: string, listener: Listener | null, options?: EventListenerOptions | boolean): void {
    super.removeEventListener(type, listener, options);
    if (listener) this.#listenersOf(type).delete(listener);
  }

  /** Listeners of `type`, or of every type when it is left out. */
  listenerCount(type?: string): number {
    if (type !== undefined) return this.#listenersOf(type).size;
    let count = 0;
    for (const listeners of this.#listeners.values()) count += listeners.size;
    return count;
  }

  send(data: unknown): void {
    if (this.readyState === 0) throw new DOMException("Still in CONNECTING state.", "InvalidStateError");
    if (this.readyState === 1) this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    if (this.readyState === 2 || this.readyState === 3) return;
    this.readyState = 2;
    if (this.#closeDelayMs !== undefined) {
      setTimeout(() => {
        if (this.readyState === 2) this.serverClose();
      }, this.#closeDelayMs);
    }
  }

  /** CONNECTING → OPEN, then the `open` event. */
  open(): void {
    if (this.readyState !== 0) throw new Error(`open() needs a CONNECTING socket (readyState is ${this.readyState})`);
    this.readyState = 1;
    this.dispatchEvent(new Event("open"));
  }

  /** A `message` event carrying `data`. */
  receive(data: unknown): void {
    this.dispatchEvent(Object.assign(new Event("message"), { data }));
  }

  /** An `error` event (it changes no readyState: a real socket follows it with a close). */
  fail(): void {
    this.dispatchEvent(new Event("error"));
  }

  /** The connection ends (the server, the network, or the end of a started close): CLOSED, then `close`. */
  serverClose(init: CloseInit = {}): void {
    if (this.readyState === 3) throw new Error("serverClose() on a socket that is already CLOSED");
    const started = this.readyState === 2 ? this.closeCalls.at(-1) : undefined;
    const code = init.code ?? (started ? (started.code ?? 1005) : 1006);
    const reason = init.reason ?? "";
    const wasClean = init.wasClean ?? started !== undefined;
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason, wasClean }));
  }

  #listenersOf(type: string): Set<Listener> {
    let listeners = this.#listeners.get(type);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(type, listeners);
    }
    return listeners;
  }
}
