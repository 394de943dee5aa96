import { isSocketStoreError, type SocketStore, type WebSocketLike } from "socket-store";

/** Stops the heartbeat when called (removes its interval, timer, listener and subscription). */
export interface Heartbeat {
  (): void;
  /** Pings now and expects a pong within `timeoutMs` (e.g. after the page was hidden for a long time). Does nothing unless the store is `open`. */
  check(): void;
}

export interface HeartbeatOptions {
  /** Time between two pings while the store is `open`, in ms. */
  intervalMs: number;
  /** How long a ping may stay unanswered before the connection is dropped, in ms. */
  timeoutMs: number;
  /** What is sent with `store.send()`. @default "ping" */
  ping?: string;
  /** Recognises the server's answer. @default (event) => event.data === "pong" */
  isPong?: (event: { data: unknown }) => boolean;
}

const isPongByDefault = (event: { data: unknown }) => event.data === "pong";

/**
 * Application-level heartbeat: while the store is `open`, sends `ping` every `intervalMs` with
 * `store.send()`; when no message that `isPong` accepts arrives within `timeoutMs` of a ping,
 * calls `store.drop("heartbeat timeout")`. With reconnect enabled the store then retries at
 * once with its own policy; a dead connection that would take minutes to produce a close event
 * ends within `intervalMs + timeoutMs`.
 *
 * Browsers cannot send WebSocket protocol pings, so the server must answer the application's
 * `ping` message (e.g. with `"pong"`). The pong also reaches `onMessage` and `route`: let
 * `route` return `undefined` for it. The heartbeat listens to `message` on `store.socket`
 * itself, and moves that listener to a replacement socket at the latest when it opens.
 *
 * @returns The heartbeat: call it to stop; `check()` pings now. It also stops by itself at its
 * first ping after `store.dispose()`.
 * @example
 * const heartbeat = startHeartbeat(store, { intervalMs: 15_000, timeoutMs: 5_000 });
 * // server side (ws): client.on("message", (data) => { if (String(data) === "ping") client.send("pong"); });
 * heartbeat(); // stop
 */
export function startHeartbeat(store: SocketStore<any>, options: HeartbeatOptions): Heartbeat {
  const { intervalMs, timeoutMs, ping = "ping", isPong = isPongByDefault } = options;
  let interval: ReturnType<typeof setInterval> | undefined;
  let pongDeadline: ReturnType<typeof setTimeout> | undefined;
  let listenedSocket: WebSocketLike | undefined;
  let stopped = false;

  const onMessage = (event: { data: unknown }) => {
    if (pongDeadline !== undefined && isPong(event)) {
      clearTimeout(pongDeadline);
      pongDeadline = undefined;
    }
  };

  const stopTimers = () => {
    if (interval !== undefined) clearInterval(interval);
    if (pongDeadline !== undefined) clearTimeout(pongDeadline);
    interval = pongDeadline = undefined;
  };

  const sendPing = () => {
    if (stopped || store.status !== "open") return;
    try {
      store.send(ping);
    } catch (error) {
      // A disposed store keeps its last snapshot (`open`) and notifies no one: stop here.
      if (isSocketStoreError(error) && error.code === "ERR_STORE_DISPOSED") stop();
      // Otherwise the socket is leaving `open` (its readyState changed first): the status change follows.
      return;
    }
    // An earlier unanswered ping keeps its deadline: later pings must not postpone it.
    pongDeadline ??= setTimeout(() => {
      pongDeadline = undefined;
      if (store.status === "open") store.drop("heartbeat timeout");
    }, timeoutMs);
  };

  const follow = () => {
    const socket = store.socket;
    if (socket !== listenedSocket) {
      listenedSocket?.removeEventListener("message", onMessage);
      socket.addEventListener("message", onMessage);
      listenedSocket = socket;
    }
    if (store.status === "open") interval ??= setInterval(sendPing, intervalMs);
    else stopTimers();
  };

  const unsubscribe = store.subscribe(follow);
  follow();

  const stop = (() => {
    stopped = true;
    unsubscribe();
    stopTimers();
    listenedSocket?.removeEventListener("message", onMessage);
    listenedSocket = undefined;
  }) as Heartbeat;
  stop.check = sendPing;
  return stop;
}
