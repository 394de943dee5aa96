/**
 * What the store knows about sockets rather than about itself: the WebSocket shape, listening,
 * telling an application's direct `socket.close()` from an implementation's own, WHATWG close
 * arguments, creating a default replacement and letting a socket go.
 */
import type { CloseEventLike, WebSocketLike } from "./types.js";

const REQUIRED_FUNCTIONS = ["addEventListener", "removeEventListener", "send", "close"] as const;

/** Why `value` is not a WebSocket the store can observe, or undefined when it is one. */
export function describeSocketShapeProblem(value: unknown): string | undefined {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return "not an object";
  const socket = value as Record<string, unknown>;
  for (const name of REQUIRED_FUNCTIONS) {
    if (typeof socket[name] !== "function") return `${name} is not a function`;
  }
  const { readyState } = socket;
  if (!(readyState === 0 || readyState === 1 || readyState === 2 || readyState === 3)) {
    return "readyState is not 0, 1, 2 or 3";
  }
  return undefined;
}

/** A close code an application may pass to `close()` (WHATWG): absent, 1000, or an integer 3000–4999. */
export function isApplicationCloseCode(code: unknown): boolean {
  return code === undefined || code === 1000 || (Number.isInteger(code) && (code as number) >= 3000 && (code as number) <= 4999);
}

/** The close event a dropped or timed-out socket is judged by: abnormal (1006) and unclean, as when a connection dies. */
export function droppedClose(reason: string): CloseEventLike {
  return { type: "close", code: 1006, reason, wasClean: false };
}

const MAX_REASON_BYTES = 123;

/** Why `(code, reason)` would be refused by a browser's `close()`, or undefined when both are fine. */
export function describeCloseArgumentProblem(code: unknown, reason: unknown): string | undefined {
  if (!isApplicationCloseCode(code)) return "close(code) must be 1000 or an integer from 3000 to 4999";
  if (reason === undefined) return undefined;
  if (typeof reason !== "string") return "close(code, reason) must be given a string reason";
  if (new TextEncoder().encode(reason).length > MAX_REASON_BYTES) {
    return `close(code, reason) reason must be at most ${MAX_REASON_BYTES} UTF-8 bytes`;
  }
  return undefined;
}

/**
 * True when a `close()` call on the socket is the implementation's own rather than the
 * application's: `ws` calls its public `close()` when it answers the server's close frame
 * (`_closeFrameReceived`) and with codes an application may not use after a protocol error.
 */
function isImplementationClose(socket: WebSocketLike, code: unknown): boolean {
  return (socket as { _closeFrameReceived?: unknown })._closeFrameReceived === true || !isApplicationCloseCode(code);
}

const EVENT_TYPES = ["open", "message", "error", "close"] as const;

/**
 * What the store hands to every attachment: one listener per socket event, and what to do when
 * the application calls the socket's `close` directly. The same object serves each socket the
 * store observes, so taking over a replacement creates no new functions.
 */
export type SocketObserver = Record<(typeof EVENT_TYPES)[number], (event: any) => void> & {
  applicationClosed(): void;
};

/**
 * Listens to `socket` and wraps its `close` so that a direct call by the application is seen
 * (`observer.applicationClosed` runs after the socket's own `close` returned; when that throws,
 * nothing is reported and the exception reaches the caller). A socket whose `close` cannot be wrapped
 * (frozen, proxied) still works; its direct closes then look like remote closes.
 * A class rather than closures: one of these lives per store, so its methods stay on the prototype.
 */
export class SocketAttachment {
  readonly #socket: WebSocketLike;
  readonly #observer: SocketObserver;
  readonly #originalClose: WebSocketLike["close"];
  readonly #ownClose: PropertyDescriptor | undefined;
  readonly #wrapper: (...args: unknown[]) => void;
  #observing = true;

  constructor(socket: WebSocketLike, observer: SocketObserver) {
    this.#socket = socket;
    this.#observer = observer;
    for (const type of EVENT_TYPES) socket.addEventListener(type, observer[type]);
    this.#originalClose = socket.close;
    this.#ownClose = Object.getOwnPropertyDescriptor(socket, "close");
    // Bound rather than a closure: no context object is kept for it.
    const wrapper = (this.#wrapper = this.#closeDirectly.bind(this));
    try {
      (socket as { close: unknown }).close = wrapper;
    } catch {
      // Frozen or non-writable: direct closes will be judged like remote closes.
    }
  }

  /** The socket's `close` while attached: the application closed it directly, unless the implementation did. */
  #closeDirectly(...args: unknown[]): void {
    Reflect.apply(this.#originalClose, this.#socket, args);
    if (this.#observing && !isImplementationClose(this.#socket, args[0])) this.#observer.applicationClosed();
  }

  /** Calls the socket's own `close` without it counting as the application's. */
  closeAsStore(args: unknown[]): void {
    Reflect.apply(this.#originalClose, this.#socket, args);
  }

  /** Removes the listeners and restores the socket's `close`. */
  detach(): void {
    const socket = this.#socket;
    this.#observing = false;
    for (const type of EVENT_TYPES) socket.removeEventListener(type, this.#observer[type]);
    // Only undo our own wrapper: if it could not be installed, or someone wrapped it again, theirs stays
    // (ours then just forwards).
    if (socket.close !== this.#wrapper) return;
    if (this.#ownClose) Object.defineProperty(socket, "close", this.#ownClose);
    else delete (socket as { close?: unknown }).close;
  }
}

/** The replacement made when no `createSocket` is given: same constructor, url, protocol and binaryType. */
export function createDefaultReplacement(previous: WebSocketLike): unknown {
  const Constructor = previous.constructor as new (url: string | undefined, protocols?: string) => WebSocketLike;
  const socket = new Constructor(previous.url, previous.protocol || undefined);
  // `new` always gives an object; whether it is WebSocket-shaped is checked by the caller.
  if (previous.binaryType !== undefined) socket.binaryType = previous.binaryType;
  return socket;
}

const ignore = (): void => {};

/**
 * Ends a socket the store stopped observing because it was dropped, without waiting for a closing
 * handshake: `terminate()` where the socket has it (`ws`), otherwise `close()` with no arguments.
 * What either throws is ignored; an `error` listener stays until the close event, because `ws`
 * emits `error` when a connecting socket is terminated.
 */
export function endSocket(socket: WebSocketLike): void {
  if (socket.readyState === 3) return;
  const terminate = (socket as { terminate?: unknown }).terminate;
  const release = keepErrorsQuiet(socket);
  try {
    if (typeof terminate === "function") terminate.call(socket);
    else socket.close();
  } catch {
    release();
  }
}

/** Listens to `error` on a socket nobody observes until its close event; returns the undo. */
function keepErrorsQuiet(socket: WebSocketLike): () => void {
  const release = (): void => {
    socket.removeEventListener("error", ignore);
    socket.removeEventListener("close", release);
  };
  socket.addEventListener("error", ignore);
  socket.addEventListener("close", release);
  return release;
}

/**
 * Closes a socket the store obtained and no longer observes (after dispose, or delivered too late).
 * Until its close event, an `error` listener stays on it: `ws` throws an unhandled `error` when
 * a connecting socket is closed without one.
 */
export function closeAbandoned(socket: WebSocketLike): void {
  if (socket.readyState !== 0 && socket.readyState !== 1) return;
  const release = keepErrorsQuiet(socket);
  try {
    socket.close();
  } catch {
    release();
  }
}
