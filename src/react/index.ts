// The React entry imports the core for its types only: the hooks call methods of the store the
// application created and never construct one, so the built file holds no copy of the core and
// an application that imports both entries has one SocketStore class. The types come from the
// package root (kept external in the build), so `dist/react.d.ts` refers to the root's
// declarations instead of declaring a second, incompatible SocketStore class.
import { useEffect, useState, useSyncExternalStore } from "react";
import type { ConnectionSnapshot, SocketStore } from "socket-store";

/** Deps compared the way React compares effect deps. */
function sameDeps(left: readonly unknown[], right: readonly unknown[]): boolean {
  return left.length === right.length && left.every((value, index) => Object.is(value, right[index]));
}

/** Closes the socket the store observes, then lets the store go: no handler of it runs again. */
function retire(store: SocketStore<any>): void {
  try {
    store.close();
  } finally {
    store.dispose();
  }
}

const subscribeToNothing = () => () => {};
const getNull = () => null;
const getUndefined = () => undefined;

interface Created<S> {
  readonly store: S;
  readonly deps: readonly unknown[];
}

/**
 * Creates a store (and, inside `create`, its socket) in an effect, and closes and disposes it
 * when `deps` change (then creates the next one) or the component unmounts. Returns `null`
 * until the store exists: during server rendering, in the first client render, and in the
 * render where `deps` changed (the previous store is about to be closed, so it is not handed
 * out again). `create` is never called during render; under `<StrictMode>` the store of the
 * discarded mount is closed and disposed before the next one is created.
 *
 * `create` keeps the closure of the render whose deps changed: keep handlers current through
 * a ref instead of listing them in `deps` (that would open a new socket on every render).
 *
 * @example
 * function Prices({ url, onMessage }: { url: string; onMessage: (event: MessageEventLike) => void }) {
 *   const onMessageRef = useRef(onMessage);
 *   onMessageRef.current = onMessage;
 *   const store = useSocketStore(
 *     () => new SocketStore<{ price: number }>(new WebSocket(url), {
 *       onMessage: (event) => onMessageRef.current(event),
 *       route: (event) => ({ topic: "price", value: JSON.parse(event.data).price }),
 *     }),
 *     [url],
 *   );
 *   const connection = useConnection(store);
 *   const price = useTopic(store, "price");
 *   return <p>{connection?.status ?? "starting"}: {price ?? "–"}</p>;
 * }
 */
export function useSocketStore<S extends SocketStore<any>>(create: () => S, deps: readonly unknown[]): S | null {
  const [created, setCreated] = useState<Created<S> | null>(null);
  useEffect(() => {
    const store = create();
    setCreated({ store, deps });
    return () => retire(store);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `deps` are the caller's, as for useEffect
  }, deps);
  return created !== null && sameDeps(created.deps, deps) ? created.store : null;
}

/**
 * The store's connection snapshot, through `useSyncExternalStore`: the component re-renders
 * when the snapshot object changes, and follows a new store at once. `null` for a `null`
 * store and during server rendering (and hydration).
 *
 * @example
 * function ConnectionBanner({ store }: { store: SocketStore | null }) {
 *   const connection = useConnection(store);
 *   if (connection === null || connection.status === "open") return null;
 *   return <div role="status">{connection.status}{connection.retryDelayMs !== null && ` (retry in ${connection.retryDelayMs} ms)`}</div>;
 * }
 */
export function useConnection(store: SocketStore<any> | null): ConnectionSnapshot | null {
  return useSyncExternalStore<ConnectionSnapshot | null>(
    store ? store.subscribe : subscribeToNothing,
    store ? store.getSnapshot : getNull,
    getNull,
  );
}

/**
 * The latest value of one topic, through `useSyncExternalStore`: the component re-renders only
 * when that topic's value changes (`Object.is`), and follows a new store at once. `undefined`
 * for a `null` store, before the first value, and during server rendering (and hydration).
 *
 * @example
 * function Price({ store }: { store: SocketStore<{ price: number }> | null }) {
 *   const price = useTopic(store, "price");
 *   return <output>{price ?? "–"}</output>;
 * }
 */
export function useTopic<T extends Record<string, unknown>, K extends keyof T>(
  store: SocketStore<T> | null,
  name: K,
): T[K] | undefined {
  const topic = store?.topic(name);
  return useSyncExternalStore<T[K] | undefined>(
    topic ? topic.subscribe : subscribeToNothing,
    topic ? topic.get : getUndefined,
    getUndefined,
  );
}
