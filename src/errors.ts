/** Stable codes of every error the store throws or reports. Tests and apps match on these, never on messages. */
export type SocketStoreErrorCode =
  | "ERR_SOCKET_NOT_OPEN"
  | "ERR_SOCKET_ERROR"
  | "ERR_RECONNECT_EXHAUSTED"
  | "ERR_SOCKET_FACTORY"
  | "ERR_CONNECT_TIMEOUT"
  | "ERR_RETRY_PREDICATE"
  | "ERR_ROUTE"
  | "ERR_INVALID_ARGUMENT"
  | "ERR_RECONNECT_DISABLED"
  | "ERR_STORE_DISPOSED";

const brand = Symbol.for("socket-store.SocketStoreError");

/**
 * The one error class of the package. Messages name the offending option or operation and
 * never contain the socket URL (URLs often carry credentials).
 *
 * @example
 * try { store.send("hi") } catch (error) {
 *   if (isSocketStoreError(error) && error.code === "ERR_SOCKET_NOT_OPEN") showOffline();
 * }
 */
export class SocketStoreError extends Error {
  override readonly name = "SocketStoreError";
  readonly code: SocketStoreErrorCode;
  declare readonly cause?: unknown;

  constructor(code: SocketStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options && "cause" in options ? { cause: options.cause } : undefined);
    this.code = code;
    Object.defineProperty(this, brand, { value: true });
  }
}

/** True for errors created by this package (also across duplicated copies of it). */
export function isSocketStoreError(value: unknown): value is SocketStoreError {
  // Every SocketStoreError carries the brand (the constructor sets it), whichever copy made it.
  return (value as Record<symbol, unknown> | null | undefined)?.[brand] === true;
}
