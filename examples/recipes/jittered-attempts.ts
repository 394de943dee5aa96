import type { ReplacementContext, WebSocketLike } from "socket-store";

export interface JitterOptions {
  /** The longest wait before attempt `attempt` (1-based), in ms; the wait is uniform in [0, budgetMs(attempt)]. Must give a finite number ≥ 0. */
  budgetMs: (attempt: number) => number;
  /** A number in [0, 1). @default Math.random */
  random?: () => number;
}

/**
 * Wraps a socket factory so that each attempt first waits a random time: "full jitter",
 * uniform in [0, budgetMs(attempt)]. After a server restart every client loses its
 * connection at the same moment; with the same backoff they would all come back at the same
 * moments too. A random wait spreads their attempts.
 *
 * The store shows `connecting` (with the attempt number) during the wait: the wait is part of
 * the attempt, and comes after the store's own backoff delay. With `budgetMs` equal to that
 * delay (`backoffDelay(attempt, policy)`), attempt n starts between delay(n) and 2 × delay(n)
 * after the failure. For a large fleet, make the first budget long enough to spread everyone's
 * first attempt: `initialDelayMs: 2000` spreads it over 2 s (5 % of the clients per 100 ms).
 * The store's connect timeout counts the wait too (`reconnect.connectTimeoutMs`, 10 s by
 * default): keep it longer than the largest wait plus a handshake.
 *
 * The wait ends as soon as the store no longer waits for this attempt (`store.close()`,
 * `store.drop()`, `store.dispose()`, the connect timeout): `ReplacementContext.signal` aborts,
 * the timer is cleared, no socket is created, and the call rejects with the signal's reason
 * (the store ignores it: it stopped waiting).
 *
 * @example
 * const policy = { backoff: "exponential", initialDelayMs: 2000, maxDelayMs: 30_000 } as const;
 * const createSocket = jitteredCreateSocket(() => new WebSocket(url), {
 *   budgetMs: (attempt) => backoffDelay(attempt, policy),
 * });
 * const store = new SocketStore(new WebSocket(url), handlers, {
 *   reconnect: { enabled: true, maxAttempts: 10, ...policy, createSocket },
 * });
 */
export function jitteredCreateSocket(
  create: (context: ReplacementContext) => WebSocketLike | Promise<WebSocketLike>,
  options: JitterOptions,
): (context: ReplacementContext) => Promise<WebSocketLike> {
  const { budgetMs, random = Math.random } = options;
  return async (context) => {
    const budget = budgetMs(context.attempt);
    const waitMs = random() * budget;
    if (!Number.isFinite(budget) || budget < 0 || !(waitMs >= 0 && waitMs <= budget)) {
      throw new RangeError("jitteredCreateSocket: budgetMs must give a finite number >= 0 and random a number in [0, 1)");
    }
    const { signal } = context;
    await new Promise<void>((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", stop);
        resolve();
      }, waitMs);
      signal.addEventListener("abort", stop, { once: true });
    });
    return create(context);
  };
}
