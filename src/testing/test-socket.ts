/** `readyState` values: 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. */
export type ReadyState = 0 | 1 | 2 | 3;

export interface TestSocketOptions {
  /** @default 0 (CONNECTING) */
  readyState?: ReadyState;
  /**
   * When set, `close()` fires the `close` event by itself after this many ms (a `setTimeout`, so
   * fake timers control it), as a server answering the closing handshake would.
   * @default undefined (the test ends the close with `serverClose()`)
   */
  closeDelayMs?: number;
  /** Keep the data of `send()` in `sent` (`sentCount` counts in any case). @default true */
  keepSentData?: boolean;
  /** Keep track of listeners for `listenerCount()` (which throws when this is off). @default true */
  countListeners?: boolean;
}

export interface CloseInit {
  /** @default the code given to `close()`, else 1005 after `close()`, else 1006 */
  code?: number;
  /** @default "" */
  reason?: string;
  /** @default true after `close()`, else false */
  wasClean?: boolean;
}

/** One call of the socket's `close()`, with its arguments as given. */
export interface CloseCall {
  code: number | undefined;
  reason: string | undefined;
}

type Listener = EventListenerOrEventListenerObject;

// Out of line: `send()` stays small enough to inline in benchmarks.
function throwStillConnecting(): never {
  throw new DOMException("Still in CONNECTING state.", "InvalidStateError");
}
type HandlerAttribute = ((event: Event) => unknown) | null;
type HandlerType = "open" | "message" | "error" | "close";

/**
 * A socket with the WHATWG WebSocket shape that does nothing on its own: the test fires every
 * event, synchronously, so a store observing it (and the UI subscribed to the store) has
 * reacted when the call returns.
 *
 * - `open()`, `receive(data)`, `fail()` fire `open`, `message` and `error`;
 *   `serverClose({ code, reason, wasClean })` ends the connection (the server closing, or the
 *   end of a close that `close()` started) and `networkDrop()` ends it the way a lost network
 *   does: close 1006, not clean.
 * - `close(code?, reason?)` behaves like a browser's: CONNECTING/OPEN → CLOSING, recorded in
 *   `closeCalls`; the `close` event comes when the test calls `serverClose()`, or by itself after
 *   `closeDelayMs`.
 * - `send(data)` records into `sent` (and counts `sentCount`) while OPEN, throws while
 *   CONNECTING (like a browser) and drops the data while CLOSING/CLOSED.
 * - `listenerCount(type?)` counts the listeners added with `addEventListener`; the
 *   `onopen`/`onmessage`/`onerror`/`onclose` properties work as in a browser and are not counted.
 *
 * The constructor takes `(url, protocols, options)`, so a store's default factory
 * (`new previous.constructor(url, protocol)`) and libraries given the class make more of it;
 * a subclass that passes its own options (and records what it constructs) makes those alike.
 *
 * @example
 * const socket = new TestSocket("ws://example.test", undefined, { readyState: 1 });
 * const store = new SocketStore(socket, {}, { reconnect: { enabled: true } });
 * socket.networkDrop();
 * store.status; // "reconnecting"
 */
export class TestSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  readonly url: string;
  readonly protocol: string;
  readonly extensions = "";
  bufferedAmount = 0;
  binaryType: string = "blob";
  // Initialised with a number: V8 then keeps the field a small integer, and send() stays as cheap as a counter.
  readyState: ReadyState = 0;
  /** How many `send()` calls reached the socket while OPEN (may be reset by the test). */
  sentCount = 0;
  readonly #closeDelayMs: number | undefined;
  readonly #keepsSentData: boolean;
  readonly #countsListeners: boolean;
  // Allocated on first use: benchmarks keep thousands of idle sockets.
  #sent: unknown[] | undefined;
  #closeCalls: CloseCall[] | undefined;
  /** `[type, listener, type, listener, …]`, replaced on each change: one array of exactly that size, so idle sockets stay small. */
  #listeners: Array<string | Listener> | undefined;
  #handlers: Map<HandlerType, HandlerAttribute> | undefined;

  constructor(url = "ws://127.0.0.1/test-socket", protocols: string | string[] = "", options: TestSocketOptions = {}) {
    super();
    this.url = String(url);
    // A list of protocols: as if the server picked the first.
    this.protocol = Array.isArray(protocols) ? (protocols[0] ?? "") : (protocols ?? "");
    this.readyState = options.readyState ?? 0;
    this.#closeDelayMs = options.closeDelayMs;
    this.#keepsSentData = options.keepSentData ?? true;
    this.#countsListeners = options.countListeners ?? true;
  }

  get CONNECTING(): 0 {
    return 0;
  }
  get OPEN(): 1 {
    return 1;
  }
  get CLOSING(): 2 {
    return 2;
  }
  get CLOSED(): 3 {
    return 3;
  }

  /** Data passed to `send()` while OPEN, in order (empty when `keepSentData` is off). */
  get sent(): unknown[] {
    return (this.#sent ??= []);
  }

  /** Every call of `close()` that reached the socket, in order: what the application (or the store) asked for. */
  get closeCalls(): CloseCall[] {
    return (this.#closeCalls ??= []);
  }

  override addEventListener(type: string, listener: Listener | null, options?: AddEventListenerOptions | boolean): void {
    super.addEventListener(type, listener, options);
    if (listener && this.#countsListeners && this.#indexOf(type, listener) === -1) {
      this.#listeners = [...(this.#listeners ?? []), type, listener];
    }
  }

  override removeEventListener(type: string, listener: Listener | null, options?: EventListenerOptions | boolean): void {
    super.removeEventListener(type, listener, options);
    const index = listener ? this.#indexOf(type, listener) : -1;
    if (index !== -1) this.#listeners = this.#listeners!.filter((_, at) => at !== index && at !== index + 1);
  }

  /** Listeners added with `addEventListener` (and not removed) for `type`, or for every type when it is left out. */
  listenerCount(type?: string): number {
    if (!this.#countsListeners) throw new Error("listenerCount() needs the option countListeners");
    const listeners = this.#listeners ?? [];
    if (type === undefined) return listeners.length / 2;
    let count = 0;
    for (let index = 0; index < listeners.length; index += 2) if (listeners[index] === type) count++;
    return count;
  }

  send(data: unknown): void {
    if (this.readyState !== 1) {
      if (this.readyState === 0) throwStillConnecting();
      return;
    }
    this.sentCount++;
    if (this.#keepsSentData) this.sent.push(data);
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

  /** The connection ends (the server, or the end of a started close): CLOSED, then `close`. */
  serverClose(init: CloseInit = {}): void {
    if (this.readyState === 3) throw new Error("serverClose() on a socket that is already CLOSED");
    const started = this.readyState === 2 ? this.#closeCalls?.at(-1) : undefined;
    const code = init.code ?? (started ? (started.code ?? 1005) : 1006);
    const reason = init.reason ?? "";
    const wasClean = init.wasClean ?? started !== undefined;
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason, wasClean }));
  }

  /** The network goes away: CLOSED, then `close` with code 1006, not clean. */
  networkDrop(): void {
    this.serverClose({ code: 1006, reason: "", wasClean: false });
  }

  get onopen(): HandlerAttribute {
    return this.#handlers?.get("open") ?? null;
  }
  set onopen(handler: HandlerAttribute) {
    this.#setHandler("open", handler);
  }
  get onmessage(): HandlerAttribute {
    return this.#handlers?.get("message") ?? null;
  }
  set onmessage(handler: HandlerAttribute) {
    this.#setHandler("message", handler);
  }
  get onerror(): HandlerAttribute {
    return this.#handlers?.get("error") ?? null;
  }
  set onerror(handler: HandlerAttribute) {
    this.#setHandler("error", handler);
  }
  get onclose(): HandlerAttribute {
    return this.#handlers?.get("close") ?? null;
  }
  set onclose(handler: HandlerAttribute) {
    this.#setHandler("close", handler);
  }

  // As browsers do: one listener per type, added when the property is first set, calls the current value.
  #setHandler(type: HandlerType, handler: HandlerAttribute): void {
    this.#handlers ??= new Map();
    if (!this.#handlers.has(type)) super.addEventListener(type, (event) => this.#handlers?.get(type)?.call(this, event));
    this.#handlers.set(type, typeof handler === "function" ? handler : null);
  }

  #indexOf(type: string, listener: Listener): number {
    const listeners = this.#listeners ?? [];
    for (let index = 0; index < listeners.length; index += 2) {
      if (listeners[index] === type && listeners[index + 1] === listener) return index;
    }
    return -1;
  }
}
