import type { ConnectionStatus, SocketStore } from "socket-store";
import type { Heartbeat } from "./heartbeat.js";

export interface WatchNetworkOptions {
  /** Where `online` and `offline` are dispatched: `window` in a browser. Left out: not watched. */
  window?: EventTarget;
  /** Where `visibilitychange` is dispatched, with `visibilityState`: `document` in a browser. Left out: not watched. */
  document?: EventTarget & { visibilityState?: string };
  /** Checked (`heartbeat.check()`) when the page is shown again after a long hidden time. */
  heartbeat?: Heartbeat;
  /** How long the page must have been hidden before it is checked when shown again, in ms. @default 30_000 */
  longHiddenMs?: number;
  /** The clock for the hidden time; wall-clock time, so that a device's sleep counts. @default Date.now */
  now?: () => number;
}

/** Statuses in which the store waits for a connection that an `online` event should bring back at once. */
const OUTAGE: readonly ConnectionStatus[] = ["reconnecting", "error"];
/** Statuses in which the connection is the application's wish (not a close it started). */
const LIVE: readonly ConnectionStatus[] = ["connecting", "open"];

/**
 * Follows the browser's network and page visibility:
 * - `offline` on `window` → `store.drop("offline")`: a connection that cannot carry data ends
 *   now instead of minutes later, and the store retries (or not) as for any remote close. A
 *   close the application started (`closing`) is finished at once and stays its own.
 * - `online` on `window` → `store.reconnect()` (a fresh outage, attempt 1, no wait) when the
 *   store waits: `reconnecting` or `error`, or `closed` because this recipe's `offline` drop
 *   was not retried (reconnect disabled or `retryOnClose` said no). A store that is `closed`
 *   for any other reason — the application's own `store.close()`, a server close the
 *   predicate declined — stays closed: the recipe remembers the snapshot its own drop left
 *   `closed`, and any later change of the snapshot makes it forget.
 * - `visibilitychange` to `visible` after `document.visibilityState` was `hidden` for at
 *   least `longHiddenMs` → `heartbeat.check()`: the device may have slept and the connection
 *   may be dead without a close event.
 *
 * `reconnect()` errors (`ERR_RECONNECT_DISABLED`, `ERR_STORE_DISPOSED`) are ignored.
 * Attempts the store makes while the device is offline fail and may end the outage in `error`;
 * `online` then starts a fresh one.
 *
 * @returns A function that removes the event listeners.
 * @example
 * const heartbeat = startHeartbeat(store, { intervalMs: 15_000, timeoutMs: 5_000 });
 * const stopWatching = watchNetwork(store, { window, document, heartbeat });
 */
export function watchNetwork(store: SocketStore<any>, options: WatchNetworkOptions): () => void {
  const { window: windowTarget, document: documentTarget, heartbeat, longHiddenMs = 30_000, now = Date.now } = options;
  /** The snapshot this recipe's own `offline` drop left `closed`; any later snapshot forgets it. */
  let closedByOfflineDrop: object | undefined;
  let hiddenSince: number | undefined;

  const onOffline = () => {
    const before = store.status;
    // In other statuses drop() does nothing; in `closing` it only finishes the application's close sooner.
    store.drop("offline");
    const after = store.getSnapshot();
    closedByOfflineDrop = LIVE.includes(before) && after.status === "closed" ? after : undefined;
  };

  const onOnline = () => {
    const snapshot = store.getSnapshot();
    const waits = OUTAGE.includes(snapshot.status) || (snapshot.status === "closed" && snapshot === closedByOfflineDrop);
    closedByOfflineDrop = undefined;
    if (!waits) return;
    try {
      store.reconnect();
    } catch {
      // Reconnect disabled or store disposed: there is nothing to bring back.
    }
  };

  const onVisibilityChange = () => {
    const state = documentTarget?.visibilityState;
    if (state === "hidden") {
      hiddenSince ??= now();
      return;
    }
    if (state !== "visible" || hiddenSince === undefined) return;
    const hiddenFor = now() - hiddenSince;
    hiddenSince = undefined;
    if (hiddenFor >= longHiddenMs) heartbeat?.check();
  };

  windowTarget?.addEventListener("offline", onOffline);
  windowTarget?.addEventListener("online", onOnline);
  documentTarget?.addEventListener("visibilitychange", onVisibilityChange);
  if (documentTarget?.visibilityState === "hidden") hiddenSince = now();

  return () => {
    windowTarget?.removeEventListener("offline", onOffline);
    windowTarget?.removeEventListener("online", onOnline);
    documentTarget?.removeEventListener("visibilitychange", onVisibilityChange);
  };
}
