// The Vue entry calls methods of a store the application created and imports the core by the
// package's own name, kept external in the build: the built file holds no copy of the core, and
// an application that imports both entries has one SocketStore class (and one error class).
import {
  getCurrentInstance,
  getCurrentScope,
  onMounted,
  onScopeDispose,
  shallowReadonly,
  shallowRef,
  toRaw,
  toValue,
  watch,
  type MaybeRefOrGetter,
  type ShallowRef,
  type WatchSource,
} from "vue";
import type { ConnectionSnapshot, SocketStore } from "socket-store";
import { check, hasMethods, invalidArgument, isObject, retire } from "../bindings/shared.js";

/**
 * The store a ref or getter holds now. `toRaw` because a store put in a deep `ref()` comes back
 * as a reactive proxy, on which the store's private fields cannot be read.
 */
function storeOf<S extends SocketStore<any>>(source: MaybeRefOrGetter<S | null>, name: string, ...methods: string[]): S | null {
  const store: unknown = toRaw(toValue(source));
  if (store === null || store === undefined) return null;
  check(hasMethods(store, ...methods), name, "a SocketStore, null, or a ref or getter of one", store);
  return store as S;
}

/**
 * Creates a store (and, inside `create`, its socket) when the component is mounted, and closes
 * and disposes it when the component's scope ends (unmount, or the end of a `<KeepAlive>`'s
 * cache). When `source` changes (as `watch` sees it, before the next render) the store is closed
 * and disposed, then `create` runs again. The ref holds `null` until the store exists and while
 * one is replaced: during server rendering (`onMounted` never runs there), before the mount,
 * and after `create` threw. A component deactivated by `<KeepAlive>` keeps its store and its
 * connection; it is the same store when the component comes back.
 *
 * Outside a component, inside an active effect scope (`effectScope().run(...)`), there is no
 * mount to wait for: `create` runs at once, during the call, and the store lives until the
 * scope stops. Called with no effect scope at all (nothing would ever close the socket), it
 * throws `ERR_INVALID_ARGUMENT`.
 *
 * `create` reads handlers when it runs: keep them current through a variable they call
 * (or read props inside them) rather than in `source`, which would open a new socket per change.
 *
 * @param create Makes the store (a new one each call: the composable owns it). In a component it
 *   runs at the mount, so never during server rendering.
 * @param source What the store depends on (a ref, a getter, a reactive object, or an array of
 *   them, as `watch` takes): a change replaces the store. @default none (one store per mount)
 * @throws SocketStoreError `ERR_INVALID_ARGUMENT` when `create` is not a function, `source` is
 *   not a watch source, or there is no component or effect scope.
 *
 * @example
 * const props = defineProps<{ url: string }>();
 * const store = useSocketStore(
 *   () => new SocketStore<{ price: number }>(new WebSocket(props.url), {
 *     route: (event) => ({ topic: "price", value: JSON.parse(event.data).price }),
 *   }),
 *   () => props.url,
 * );
 * const connection = useConnection(store);
 * const price = useTopic(store, "price");
 */
export function useSocketStore<S extends SocketStore<any>>(
  create: () => S,
  source?: WatchSource | WatchSource[],
): Readonly<ShallowRef<S | null>> {
  check(typeof create === "function", "useSocketStore: create", "a function", create);
  check(
    source === undefined || typeof source === "function" || isObject(source),
    "useSocketStore: source",
    "a ref, a getter, a reactive object or an array of them when given",
    source,
  );
  const scope = getCurrentScope();
  if (scope === undefined) invalidArgument("useSocketStore must be called in a component's setup() or inside an active effectScope()");
  const current = shallowRef<S | null>(null);
  // Null first: subscribers let go of the old store before it closes, and a store that is
  // being retired (or a swap whose `create` threw) is never handed out.
  const release = () => {
    const previous = current.value;
    if (previous === null) return;
    current.value = null;
    retire(previous);
  };
  const replace = () => {
    release();
    current.value = create();
  };
  const start = () => {
    // A scope that ended before the mount (a setup abandoned by <Suspense>, a stopped inner scope) gets nothing.
    if (!scope.active) return;
    // The watcher belongs to the caller's scope (not to the component whose onMounted runs this), so it stops with it.
    if (source !== undefined) scope.run(() => watch(source, replace));
    replace();
  };
  onScopeDispose(release);
  const instance = getCurrentInstance();
  if (instance !== null && !instance.isMounted) onMounted(start);
  else start();
  return shallowReadonly(current);
}

/**
 * The store's connection snapshot as a read-only `shallowRef`: it gets a new value only when the
 * store publishes a new snapshot object (the same object as `store.getSnapshot()`), and follows
 * a new store as soon as `store` (a ref, a getter, or a store) holds it. `null` while there is
 * no store. The subscription ends with the calling scope (the component).
 *
 * @example
 * const connection = useConnection(store);
 * // <p v-if="connection && connection.status !== 'open'" role="status">{{ connection.status }}</p>
 */
export function useConnection(store: MaybeRefOrGetter<SocketStore<any> | null>): Readonly<ShallowRef<ConnectionSnapshot | null>> {
  const snapshot = shallowRef<ConnectionSnapshot | null>(null);
  const name = "useConnection: store";
  storeOf(store, name, "getSnapshot", "subscribe");
  watch(
    () => storeOf(store, name, "getSnapshot", "subscribe"),
    (observed, _previous, onCleanup) => {
      if (observed === null) {
        snapshot.value = null;
        return;
      }
      snapshot.value = observed.getSnapshot();
      // A shallowRef triggers only on a value that differs (Object.is): an unchanged snapshot re-renders nothing.
      onCleanup(observed.subscribe(() => (snapshot.value = observed.getSnapshot())));
    },
    // `sync`: a swapped store is followed at once, and the old one is let go before it closes.
    { immediate: true, flush: "sync" },
  );
  return shallowReadonly(snapshot);
}

/**
 * The latest value of one topic as a read-only `shallowRef`: it gets a new value only when that
 * topic's value changes (`Object.is`), and follows a new store at once. `undefined` while there
 * is no store and before the topic's first value.
 *
 * @example
 * const price = useTopic(store, "price");
 * // <output>{{ price ?? "–" }}</output>
 */
export function useTopic<T extends Record<string, unknown>, K extends keyof T>(
  store: MaybeRefOrGetter<SocketStore<T> | null>,
  name: K,
): Readonly<ShallowRef<T[K] | undefined>> {
  const value = shallowRef<T[K] | undefined>(undefined);
  const argument = "useTopic: store";
  storeOf(store, argument, "topic");
  watch(
    () => storeOf(store, argument, "topic"),
    (observed, _previous, onCleanup) => {
      if (observed === null) {
        value.value = undefined;
        return;
      }
      const topic = observed.topic(name);
      value.value = topic.get();
      onCleanup(topic.subscribe(() => (value.value = topic.get())));
    },
    { immediate: true, flush: "sync" },
  );
  return shallowReadonly(value);
}
