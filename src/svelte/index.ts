// The Svelte entry imports nothing from Svelte: the store contract (`subscribe(run)` calls `run`
// at once and returns the unsubscribe) is plain JavaScript, the same in Svelte 3, 4 and 5, so the
// entry needs no peer dependency and ties the package to no Svelte major. It imports the core by
// the package's own name, kept external in the build: the built file holds no copy of the core.
import type { ConnectionSnapshot, SocketStore } from "socket-store";
import { check, hasMethods, retire } from "../bindings/shared.js";

/**
 * A store in Svelte's store contract, structurally the same as `Readable` from `svelte/store`:
 * `subscribe(run)` calls `run` at once with the current value, then with each new one, and
 * returns the function that unsubscribes; after it `run` is never called again. `$name` reads it
 * in a component; `derived` and `get` from `svelte/store` take it.
 */
export interface Readable<T> {
  subscribe(this: void, run: (value: T) => void, invalidate?: () => void): () => void;
}

/**
 * A readable that calls `run` with `read()` at once and then whenever `subscribe` reports a
 * change and `read()` returns a value that differs (`Object.is`) from the last one given to
 * that `run`.
 */
function readable<T>(read: () => T, subscribe: (listener: () => void) => () => void): Readable<T> {
  return {
    subscribe(run) {
      check(typeof run === "function", "subscribe(run)", "a function", run);
      let last = read();
      let subscribed = true;
      const stop = subscribe(() => {
        // The store may notify a listener it is removing in the same round: nothing after unsubscribe.
        if (!subscribed) return;
        const next = read();
        if (Object.is(next, last)) return;
        last = next;
        run(next);
      });
      try {
        run(last);
      } catch (error) {
        stop();
        throw error;
      }
      return () => {
        if (!subscribed) return;
        subscribed = false;
        stop();
      };
    },
  };
}

/**
 * The store's connection snapshot as a Svelte store: `$connection` re-renders only when the store
 * publishes a new snapshot object (the same object as `store.getSnapshot()`).
 *
 * @throws SocketStoreError `ERR_INVALID_ARGUMENT` when `store` is not a SocketStore.
 *
 * @example
 * <script>
 *   import { connection as connectionOf } from "socket-store/svelte";
 *   let { store } = $props();
 *   const connection = $derived(connectionOf(store));
 * </script>
 * {#if $connection.status !== "open"}<p role="status">{$connection.status}</p>{/if}
 */
export function connection(store: SocketStore<any>): Readable<ConnectionSnapshot> {
  check(hasMethods(store, "getSnapshot", "subscribe"), "connection: store", "a SocketStore", store);
  return readable(() => store.getSnapshot(), (listener) => store.subscribe(listener));
}

/**
 * The latest value of one topic as a Svelte store: `$price` re-renders only when that topic's
 * value changes (`Object.is`); `undefined` before its first value.
 *
 * @throws SocketStoreError `ERR_INVALID_ARGUMENT` when `store` is not a SocketStore.
 *
 * @example
 * <script>
 *   import { topic } from "socket-store/svelte";
 *   let { store } = $props();
 *   const price = $derived(topic(store, "price"));
 * </script>
 * <output>{$price ?? "–"}</output>
 */
export function topic<T extends Record<string, unknown>, K extends keyof T>(store: SocketStore<T>, name: K): Readable<T[K] | undefined> {
  check(hasMethods(store, "topic"), "topic: store", "a SocketStore", store);
  const view = store.topic(name);
  return readable(view.get, view.subscribe);
}

/** Server rendering happens where there is no DOM: no `document` means no socket. */
const inBrowser = (): boolean => typeof document === "object" && document !== null;

/**
 * A Svelte store holding a SocketStore that exists while someone subscribes (Svelte's `readable`
 * start/stop semantics): the first subscriber makes it call `create` (which creates the socket),
 * and after the last one unsubscribes it calls `store.close()` and then `store.dispose()`; the
 * next subscriber gets a new one. Every subscriber of one round gets the same store, so the
 * components that read `$feed` at the same time share one socket.
 *
 * Where there is no `document` (server rendering, Node) it holds `null` and never calls
 * `create`. Its value changes only between rounds, so `run` is called once per subscription.
 *
 * @throws SocketStoreError `ERR_INVALID_ARGUMENT` when `create` is not a function.
 *
 * @example
 * // feed.ts
 * export const feed = socketStore(() => new SocketStore<{ price: number }>(new WebSocket(url), {
 *   route: (event) => ({ topic: "price", value: JSON.parse(event.data).price }),
 * }));
 * // Ticker.svelte: {#if $feed}<Price store={$feed} />{/if}
 */
export function socketStore<S extends SocketStore<any>>(create: () => S): Readable<S | null> {
  check(typeof create === "function", "socketStore: create", "a function", create);
  let current: S | null = null;
  let subscribers = 0;
  return {
    subscribe(run) {
      check(typeof run === "function", "subscribe(run)", "a function", run);
      // Created before it is counted: when `create` throws, the next subscriber tries again.
      if (subscribers === 0 && inBrowser()) current = create();
      subscribers++;
      let subscribed = true;
      const unsubscribe = () => {
        if (!subscribed) return;
        subscribed = false;
        subscribers--;
        if (subscribers > 0 || current === null) return;
        const store = current;
        current = null;
        retire(store);
      };
      try {
        run(current);
      } catch (error) {
        unsubscribe();
        throw error;
      }
      return unsubscribe;
    },
  };
}
