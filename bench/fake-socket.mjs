// An in-process socket with the WHATWG WebSocket shape, driven by the benchmark.
// It extends EventTarget like a browser socket, so every subject pays the same
// dispatch cost and the difference between rows is the library's own work.

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

export class FakeSocket extends EventTarget {
  static CONNECTING = CONNECTING;
  static OPEN = OPEN;
  static CLOSING = CLOSING;
  static CLOSED = CLOSED;

  /** Every socket constructed, so a peer's internally created socket can be driven. */
  static created = [];

  CONNECTING = CONNECTING;
  OPEN = OPEN;
  CLOSING = CLOSING;
  CLOSED = CLOSED;

  readyState = CONNECTING;
  binaryType = "blob";
  protocol = "";
  extensions = "";
  bufferedAmount = 0;
  sentCount = 0;
  #handlerAttributes = null;

  constructor(url = "ws://127.0.0.1/fake", protocols = undefined) {
    super();
    this.url = String(url);
    void protocols;
    FakeSocket.created.push(this);
  }

  send(data) {
    void data;
    this.sentCount++;
  }

  close(code, reason) {
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    // Browsers deliver the close event later, never inside close().
    queueMicrotask(() => this.closeFromPeer(code ?? 1005, reason ?? "", true));
  }

  openFromPeer() {
    this.readyState = OPEN;
    this.dispatchEvent(new Event("open"));
  }

  closeFromPeer(code = 1006, reason = "", wasClean = false) {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason, wasClean }));
  }

  // onopen/onmessage/onclose/onerror as browsers implement them: one listener,
  // registered when the attribute is first set, that calls the current value.
  #setHandlerAttribute(type, handler) {
    this.#handlerAttributes ??= new Map();
    if (!this.#handlerAttributes.has(type)) {
      this.addEventListener(type, (event) => this.#handlerAttributes?.get(type)?.call(this, event));
    }
    this.#handlerAttributes.set(type, typeof handler === "function" ? handler : null);
  }

  get onopen() {
    return this.#handlerAttributes?.get("open") ?? null;
  }
  set onopen(handler) {
    this.#setHandlerAttribute("open", handler);
  }
  get onmessage() {
    return this.#handlerAttributes?.get("message") ?? null;
  }
  set onmessage(handler) {
    this.#setHandlerAttribute("message", handler);
  }
  get onclose() {
    return this.#handlerAttributes?.get("close") ?? null;
  }
  set onclose(handler) {
    this.#setHandlerAttribute("close", handler);
  }
  get onerror() {
    return this.#handlerAttributes?.get("error") ?? null;
  }
  set onerror(handler) {
    this.#setHandlerAttribute("error", handler);
  }
}

/** Message events made before timing starts; consecutive events carry different data. */
export function createMessageEvents(count) {
  const events = new Array(count);
  for (let i = 0; i < count; i++) {
    events[i] = new MessageEvent("message", { data: `{"topic":"ticks","seq":${i}}` });
  }
  return events;
}
