import type { ReplacementContext, WebSocketLike } from "socket-store";

export interface FreshTokenOptions {
  /** The socket URL without the token (it must not carry a credential of its own). */
  url: string;
  /**
   * Gets a token for one attempt (e.g. a short-lived ticket from an authenticated HTTP endpoint).
   * Called once per attempt, with the attempt's `signal`: pass it to `fetch`, so that a request
   * the store no longer waits for (`close()`, `drop()`, `dispose()`, the connect timeout) is aborted.
   */
  fetchToken: (attempt: number, signal: AbortSignal) => Promise<string>;
  /** The WebSocket class: `globalThis.WebSocket` in browsers, `ws` or undici's in Node. */
  WebSocket: new (url: string) => WebSocketLike;
  /** The query parameter that carries the token. @default "token" */
  tokenParam?: string;
}

/**
 * A `reconnect.createSocket` that asks for a fresh token before every attempt and puts it in
 * the URL's query (browsers cannot set headers on a WebSocket upgrade). The store never reads,
 * refreshes or copies credentials itself: without this, a replacement socket would reuse the
 * URL, and the token, of the socket that closed.
 *
 * The store stays `connecting` while the token is fetched, and its connect timeout counts that
 * time. When the store stops waiting, the fetch is aborted through the signal and no socket is
 * created. A `fetchToken` that rejects or
 * gives no non-empty string fails that attempt (`ERR_SOCKET_FACTORY`, its cause is what
 * `fetchToken` rejected with); a refused upgrade (e.g. HTTP 401 for a stale token) fails it
 * like any refused connection, and the next attempt fetches again.
 *
 * The token stays out of what the package reports: error messages and snapshots never carry
 * the URL, and when the WebSocket constructor throws, this factory reports an error without
 * the URL (constructors often quote it). The socket itself still knows its URL, and
 * `lastError.cause` of an `ERR_SOCKET_ERROR` is the socket's error event whose `target` is
 * that socket: do not log causes wholesale. Prefer short-lived, single-use tokens: query
 * strings end up in server and proxy logs.
 *
 * @example
 * const fetchTicket = async (_attempt: number, signal?: AbortSignal) =>
 *   (await fetch("/api/socket-ticket", { method: "POST", signal })).text();
 * const url = "wss://example.com/feed";
 * const createSocket = createSocketWithFreshToken({ url, fetchToken: fetchTicket, WebSocket });
 * const first = new WebSocket(`${url}?token=${encodeURIComponent(await fetchTicket())}`);
 * const store = new SocketStore(first, handlers, { reconnect: { enabled: true, createSocket } });
 */
export function createSocketWithFreshToken(options: FreshTokenOptions): (context: ReplacementContext) => Promise<WebSocketLike> {
  const { url, fetchToken, WebSocket, tokenParam = "token" } = options;
  return async ({ attempt, signal }) => {
    const token = await fetchToken(attempt, signal);
    // The store stopped waiting while the token came: create no socket.
    signal.throwIfAborted();
    if (typeof token !== "string" || token === "") {
      throw new TypeError("createSocketWithFreshToken: fetchToken must resolve to a non-empty string");
    }
    const address = new URL(url);
    address.searchParams.set(tokenParam, token);
    try {
      return new WebSocket(address.href);
    } catch (error) {
      // The constructor's own message may quote the URL, token included: report only its kind.
      const kind = error instanceof Error ? error.name : typeof error;
      throw new Error(`createSocketWithFreshToken: the WebSocket constructor threw (${kind})`);
    }
  };
}
