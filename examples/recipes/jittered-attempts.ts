import type { ReplacementContext, SocketStore, WebSocketLike } from "../../src/index.js";

export interface JitterOptions {
  /** The longest wait before attempt `attempt` (1-based), in ms; the wait is uniform in [0, budgetMs(attempt)]. Must give a finite number ≥ 0. */
  budgetMs: (attempt: number) => number;
  /** A number in [0, 1). @default Math.random */
  random?: () => number;
}

/** A `reconnect.createSocket` that waits a random time first. */
export interface JitteredCreateSocket {
  (context: ReplacementContext): Promise<WebSocketLike>;
  /**
   * Ends a pending wait as soon as the store no longer waits for it (`store.close()`,
   * `store.drop()`): no socket is created and no timer stays behind. `store.dispose()` tells
   * nobody, so call the returned function when you dispose the store: it unsubscribes and
   * ends a pending wait. Call it after `store.dispose()`: a wait it ends while the store still
   * waits fails that attempt (`ERR_SOCKET_FACTORY`).
   */
  watch(store: SocketStore<any>): () => void;
}

class WaitCancelled extends Error {
  override readonly name = "WaitCancelled";
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
 * A connect timeout that also counts the `connecting` time must be longer than the largest wait.
 *
 * Without `watch(store)`, a wait that the store no longer needs (after `close()` or
 * `dispose()`) still runs out and calls `create`; the store closes that late socket at once
 * and never observes it.
 *
 * Give each store its own wrapper: `watch` ends the pending waits of this wrapper.
 *
 * @example
 * const policy = { backoff: "exponential", initialDelayMs: 2000, maxDelayMs: 30_000 } as const;
 * const createSocket = jitteredCreateSocket(() => new WebSocket(url), {
 *   budgetMs: (attempt) => backoffDelay(attempt, policy),
 * });
 * const store = new SocketStore(new WebSocket(url), handlers, {
 *   reconnect: { enabled: true, maxAttempts: 10, ...policy, createSocket },
 * });
 * const unwatch = createSocket.watch(store);
 * // later:
 * store.dispose();
 * unwatch();
 */
export function jitteredCreateSocket(
  create: (context: ReplacementContext) => WebSocketLike | Promise<WebSocketLike>,
  options: JitterOptions,
): JitteredCreateSocket {
  const { budgetMs, random = Math.random } = options;
  const pending = new Set<{ attempt: number; cancel(): void }>();

  const cancelWaits = (keep?: (attempt: number) => boolean) => {
    for (const wait of pending) if (!keep?.(wait.attempt)) wait.cancel();
  };

  const jittered = (async (context: ReplacementContext) => {
    const budget = budgetMs(context.attempt);
    const waitMs = random() * budget;
    if (!Number.isFinite(budget) || budget < 0 || !(waitMs >= 0 && waitMs <= budget)) {
      throw new RangeError("jitteredCreateSocket: budgetMs must give a finite number >= 0 and random a number in [0, 1)");
    }
    await new Promise<void>((resolve, reject) => {
      const wait = {
        attempt: context.attempt,
        cancel: () => {
          clearTimeout(timer);
          pending.delete(wait);
          reject(new WaitCancelled("the store no longer waits for this attempt"));
        },
      };
      const timer = setTimeout(() => {
        pending.delete(wait);
        resolve();
      }, waitMs);
      pending.add(wait);
    });
    return create(context);
  }) as JitteredCreateSocket;

  jittered.watch = (store) => {
    const follow = () => {
      const { status, attempt } = store.getSnapshot();
      // Only the wait of the attempt the store is connecting now is still wanted.
      if (status === "connecting") cancelWaits((waitAttempt) => waitAttempt === attempt);
      else cancelWaits();
    };
    const unsubscribe = store.subscribe(follow);
    return () => {
      unsubscribe();
      cancelWaits();
    };
  };

  return jittered;
}
