import type { SocketStore } from "../../src/index.js";

export interface ConnectTimeoutOptions {
  /** How long one connecting phase may last, in ms: from the moment the store shows `connecting` until it leaves that status. */
  timeoutMs: number;
  /**
   * Recorded as the `reason` of the close that ends the attempt (`lastClose.reason`, `onClose`).
   * @default "connect timeout"
   */
  reason?: string;
}

/**
 * Ends a connection attempt that is still `connecting` after `timeoutMs`, with `store.drop()`.
 *
 * Each connecting phase gets its own timer: the socket given to the constructor, and every
 * attempt of an outage, including the time an async `reconnect.createSocket` is still pending
 * (a factory whose promise never settles is ended too). The timer stops as soon as the store
 * leaves `connecting`. A dropped attempt counts as a failed attempt: with reconnect enabled the
 * store retries with its backoff and ends in `error` (`ERR_RECONNECT_EXHAUSTED`) once
 * `maxAttempts` attempts timed out; with reconnect disabled it ends `closed`.
 *
 * Browsers and `ws` have no connect timeout of their own, so a host that accepts TCP but never
 * answers the upgrade keeps a socket `connecting` for minutes.
 *
 * @returns A function that stops watching: it unsubscribes and clears a pending timer.
 * @example
 * const store = new SocketStore(new WebSocket(url), handlers, { reconnect: { enabled: true } });
 * const stopTimeout = withConnectTimeout(store, { timeoutMs: 10_000 });
 * // later, before store.dispose():
 * stopTimeout();
 */
export function withConnectTimeout(store: SocketStore<any>, options: ConnectTimeoutOptions): () => void {
  const { timeoutMs, reason = "connect timeout" } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The attempt number tells two connecting phases apart even if no other status was seen between them.
  let timedAttempt = -1;

  const clearTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  const follow = () => {
    const { status, attempt } = store.getSnapshot();
    if (status !== "connecting") {
      clearTimer();
      return;
    }
    if (timer !== undefined && attempt === timedAttempt) return;
    clearTimer();
    timedAttempt = attempt;
    timer = setTimeout(() => {
      timer = undefined;
      const now = store.getSnapshot();
      if (now.status === "connecting" && now.attempt === timedAttempt) store.drop(reason);
    }, timeoutMs);
  };

  const unsubscribe = store.subscribe(follow);
  follow();
  return () => {
    unsubscribe();
    clearTimer();
  };
}
