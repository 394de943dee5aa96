import type { SocketStore } from "socket-store";

/** What `store.send()` accepts. */
export type OutboxData = string | ArrayBufferLike | Blob | ArrayBufferView;

/** Why a message left the outbox unsent. */
export type OutboxDropReason =
  /** The outbox was full: the oldest message made room for a new one. */
  | "overflow"
  /** The store became `closed` or `error`: no connection will come by itself, so nothing is replayed. */
  | "closed"
  /** The outbox was disposed. */
  | "disposed";

export interface OutboxOptions {
  /** How many messages wait at most (an integer ≥ 0). When it is full, the OLDEST message is dropped. */
  capacity: number;
  /** Told about every message that will never be sent, oldest first, after the outbox has changed. */
  onDrop?: (data: OutboxData, reason: OutboxDropReason) => void;
}

export interface Outbox {
  /**
   * Sends now when the store is `open`; keeps the message while the store is working towards
   * a connection (`connecting`, `reconnecting`, `closing`); in `closed` and `error` it is
   * `store.send(data)` and throws `ERR_SOCKET_NOT_OPEN` (nothing would ever send it).
   * Messages are kept by reference: do not reuse a buffer you passed.
   */
  send(data: OutboxData): void;
  /** Messages waiting. */
  readonly size: number;
  /** Stops watching the store and drops what waits (`onDrop(data, "disposed")`); `send()` is `store.send()` from then on. */
  (): void;
}

/**
 * A bounded send queue kept beside the store (the store itself never queues): messages sent
 * during an outage wait, and go out in order as soon as the store is `open` again.
 *
 * - Bounded: at most `capacity` messages wait. When the outbox is full, the OLDEST waiting
 *   message is dropped to make room, and reported with `onDrop(data, "overflow")`.
 * - In order: on `open` (seen with `store.subscribe`) the waiting messages are sent first,
 *   oldest first; a message sent while some still wait joins the end of the queue.
 * - Nothing is replayed into a store the app closed: when the store becomes `closed` (after
 *   `store.close()`, or a close that is not retried) or `error` (the attempt budget ran out),
 *   the queue is emptied and each message is reported with `onDrop(data, "closed")`. A later
 *   `store.reconnect()` starts with an empty outbox.
 * - `store.dispose()` notifies nobody, so dispose the outbox with it: nothing waiting is ever
 *   sent into a disposed store either way.
 *
 * @returns The outbox; calling it removes its subscription and empties it.
 * @example
 * const outbox = createOutbox(store, { capacity: 100, onDrop: (data, reason) => console.warn("unsent", reason) });
 * outbox.send(JSON.stringify({ type: "chat", text }));
 * // when the app is done with the store:
 * outbox();
 * store.dispose();
 */
export function createOutbox(store: SocketStore<any>, options: OutboxOptions): Outbox {
  const { capacity, onDrop } = options;
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new RangeError("createOutbox: options.capacity must be an integer >= 0");
  }
  let waiting: OutboxData[] = [];
  let disposed = false;

  const report = (dropped: OutboxData[], reason: OutboxDropReason) => {
    for (const data of dropped) onDrop?.(data, reason);
  };

  const flush = () => {
    while (waiting.length > 0 && store.status === "open") {
      try {
        store.send(waiting[0]!);
      } catch {
        // The socket is not ready after all (or a subscriber closed the store): keep the rest for the next open.
        return;
      }
      waiting.shift();
    }
  };

  const follow = () => {
    const { status } = store.getSnapshot();
    if (status === "open") flush();
    else if (status === "closed" || status === "error") {
      const dropped = waiting;
      waiting = [];
      report(dropped, "closed");
    }
  };

  const unsubscribe = store.subscribe(follow);

  const outbox = (() => {
    if (disposed) return;
    disposed = true;
    unsubscribe();
    const dropped = waiting;
    waiting = [];
    report(dropped, "disposed");
  }) as Outbox;

  outbox.send = (data: OutboxData) => {
    const { status } = store.getSnapshot();
    if (disposed || status === "closed" || status === "error" || (status === "open" && waiting.length === 0)) {
      store.send(data);
      return;
    }
    waiting.push(data);
    const overflow = waiting.length > capacity ? waiting.splice(0, waiting.length - capacity) : [];
    if (status === "open") flush();
    report(overflow, "overflow");
  };

  Object.defineProperty(outbox, "size", { get: () => waiting.length, enumerable: true });
  return outbox;
}
