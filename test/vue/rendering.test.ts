// @vitest-environment jsdom
import { mount } from "@vue/test-utils";
import { defineComponent, effectScope, h, isReadonly, nextTick, onUpdated, ref, shallowRef, watch, type PropType, type Ref } from "vue";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SocketStore, SocketStoreError, type ConnectionSnapshot } from "../../src/index.js";
import { useConnection, useSocketStore, useTopic } from "../../src/vue/index.js";
import { thrown } from "../facade/harness.js";
import { SocketLog } from "../react/socket-log.js";

type Topics = { price: number; volume: number };
type Store = SocketStore<Topics>;

const updates = { banner: 0, price: 0, volume: 0 };
beforeEach(() => Object.assign(updates, { banner: 0, price: 0, volume: 0 }));

const storeProp = { store: { type: Object as PropType<Store | null>, default: null } };

const Banner = defineComponent({
  props: storeProp,
  setup(props) {
    const connection = useConnection(() => props.store);
    onUpdated(() => updates.banner++);
    return () => h("p", { "data-name": "connection" }, connection.value?.status ?? "no store");
  },
});

const Price = defineComponent({
  props: storeProp,
  setup(props) {
    const price = useTopic(() => props.store, "price");
    onUpdated(() => updates.price++);
    return () => h("output", { "data-name": "price" }, String(price.value ?? "none"));
  },
});

const Volume = defineComponent({
  props: storeProp,
  setup(props) {
    const volume = useTopic(() => props.store, "volume");
    onUpdated(() => updates.volume++);
    return () => h("output", { "data-name": "volume" }, String(volume.value ?? "none"));
  },
});

const App = defineComponent({
  props: { log: { type: Object as PropType<SocketLog>, required: true } },
  setup(props) {
    const store = useSocketStore(
      () => new SocketStore<Topics>(props.log.create(), { route: (event) => JSON.parse(event.data as string) }),
    );
    return () => [h(Banner, { store: store.value }), h(Price, { store: store.value }), h(Volume, { store: store.value })];
  },
});

async function mountApp() {
  const log = new SocketLog();
  const wrapper = mount(App, { props: { log } });
  await nextTick();
  Object.assign(updates, { banner: 0, price: 0, volume: 0 });
  const text = (name: string) => wrapper.get(`[data-name=${name}]`).text();
  return { socket: log.sockets[0]!, text };
}

const send = (topic: keyof Topics, value: number) => JSON.stringify({ topic, value });

describe("useConnection and useTopic in components", () => {
  it("re-render only the component that reads the status when the status changes", async () => {
    const { socket, text } = await mountApp();
    socket.open();
    await nextTick();
    expect(text("connection")).toBe("open");
    expect(updates).toEqual({ banner: 1, price: 0, volume: 0 });
  });

  it("re-render only the component that reads a topic when that topic changes, and nothing for the same value", async () => {
    const { socket, text } = await mountApp();
    socket.open();
    await nextTick();
    Object.assign(updates, { banner: 0, price: 0, volume: 0 });
    socket.receive(send("price", 101));
    await nextTick();
    expect(text("price")).toBe("101");
    expect(updates).toEqual({ banner: 0, price: 1, volume: 0 });
    socket.receive(send("price", 101));
    await nextTick();
    expect(updates).toEqual({ banner: 0, price: 1, volume: 0 });
    socket.receive(send("volume", 7));
    await nextTick();
    expect(text("volume")).toBe("7");
    expect(updates).toEqual({ banner: 0, price: 1, volume: 1 });
  });
});

/** A store-shaped object whose notifications the test controls, published snapshot or not. */
function fakeStore(snapshot: ConnectionSnapshot, price?: number) {
  const listeners = new Set<() => void>();
  const topicListeners = new Set<() => void>();
  const store = {
    snapshot,
    price,
    getSnapshot: () => store.snapshot,
    subscribe: (listener: () => void) => (listeners.add(listener), () => listeners.delete(listener)),
    topic: () => ({ get: () => store.price, subscribe: (listener: () => void) => (topicListeners.add(listener), () => topicListeners.delete(listener)) }),
    notify: () => [...listeners, ...topicListeners].forEach((listener) => listener()),
    listenerCount: () => listeners.size + topicListeners.size,
  };
  return store;
}

const snapshotOf = (status: ConnectionSnapshot["status"]): ConnectionSnapshot => ({ status, attempt: 0, retryDelayMs: null, lastClose: null, lastError: null });

/** Runs `body` in an effect scope that is stopped after the test. */
let scope = effectScope();
afterEach(() => {
  scope.stop();
  scope = effectScope();
});
const inScope = <T>(body: () => T): T => scope.run(body)!;

describe("useConnection's ref", () => {
  it("holds the store's snapshot object itself", () => {
    const log = new SocketLog();
    const store = new SocketStore(log.create());
    const connection = inScope(() => useConnection(store));
    expect(connection.value).toBe(store.getSnapshot());
    log.sockets[0]!.open();
    expect(connection.value).toBe(store.getSnapshot());
    expect(connection.value?.status).toBe("open");
  });

  it("gets a new value only when the store publishes a new snapshot object", () => {
    const store = fakeStore(snapshotOf("connecting"));
    const triggers = vi.fn();
    inScope(() => watch(useConnection(store as unknown as Store), triggers, { flush: "sync" }));
    store.notify();
    expect(triggers).not.toHaveBeenCalled();
    store.snapshot = snapshotOf("connecting");
    store.notify();
    expect(triggers).toHaveBeenCalledTimes(1);
  });

  it("is null for a null store", () => {
    expect(inScope(() => useConnection(null)).value).toBeNull();
    expect(inScope(() => useConnection(shallowRef(null))).value).toBeNull();
  });

  it("follows a store swap at once and lets the previous store go", () => {
    const first = fakeStore(snapshotOf("open"));
    const second = fakeStore(snapshotOf("connecting"));
    const current = shallowRef<Store | null>(first as unknown as Store);
    const connection = inScope(() => useConnection(current));
    current.value = second as unknown as Store;
    expect(connection.value).toBe(second.snapshot);
    expect(first.listenerCount()).toBe(0);
    current.value = null;
    expect(connection.value).toBeNull();
    expect(second.listenerCount()).toBe(0);
  });

  it("is read-only, as is useSocketStore's", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const store = new SocketStore(new SocketLog().create());
    const connection = inScope(() => useConnection(store));
    const created = inScope(() => useSocketStore(() => store));
    for (const readOnly of [connection, created]) {
      expect(isReadonly(readOnly)).toBe(true);
      const before = readOnly.value;
      (readOnly as { value: unknown }).value = null;
      expect(readOnly.value).toBe(before);
    }
    warn.mockRestore();
  });


});

describe("useTopic's ref", () => {
  it("reads a store held in a deep ref(), whose value is a reactive proxy of the store", () => {
    const log = new SocketLog();
    const held = ref(new SocketStore<Topics>(log.create({ readyState: 1 }), { route: (event) => ({ topic: "price", value: Number(event.data) }) }));
    const price = inScope(() => useTopic(held as unknown as Ref<Store>, "price"));
    log.sockets[0]!.receive("7");
    expect(price.value).toBe(7);
  });

  it("gets a new value only when the topic's value changes (Object.is)", () => {
    const store = fakeStore(snapshotOf("open"), Number.NaN);
    const triggers = vi.fn();
    const price = inScope(() => useTopic(store as unknown as Store, "price"));
    inScope(() => watch(price, triggers, { flush: "sync" }));
    store.notify();
    expect(triggers).not.toHaveBeenCalled();
    store.price = 0;
    store.notify();
    store.price = -0;
    store.notify();
    expect(triggers).toHaveBeenCalledTimes(2);
    expect(Object.is(price.value, -0)).toBe(true);
  });

  it("is undefined for a null store and before the topic's first value, and follows a swap at once", () => {
    const log = new SocketLog();
    const route = (event: { data: unknown }) => ({ topic: "price" as const, value: Number(event.data) });
    const first = new SocketStore<Topics>(log.create({ readyState: 1 }), { route });
    const second = new SocketStore<Topics>(log.create({ readyState: 1 }), { route });
    const current = shallowRef<Store | null>(null);
    const price = inScope(() => useTopic(current, "price"));
    expect(price.value).toBeUndefined();
    current.value = first;
    expect(price.value).toBeUndefined();
    log.sockets[0]!.receive("1");
    log.sockets[1]!.receive("2");
    expect(price.value).toBe(1);
    current.value = second;
    expect(price.value).toBe(2);
    log.sockets[0]!.receive("3");
    expect(price.value).toBe(2);
  });
});

describe("arguments", () => {
  function expectInvalid(run: () => unknown, name: string) {
    const error = thrown(() => inScope(run));
    expect(error.code).toBe("ERR_INVALID_ARGUMENT");
    expect(error).toBeInstanceOf(SocketStoreError);
    expect(error.message).toContain(name);
    expect(error.message.startsWith("SocketStore: ")).toBe(true);
    expect(error.message).not.toContain("example.test");
  }

  it("refuse a create that is not a function, and a source that is not a watch source", () => {
    expectInvalid(() => useSocketStore("ws://example.test" as never), "create");
    expectInvalid(() => useSocketStore(() => new SocketStore(new SocketLog().create()), 5 as never), "source");
  });

  it("refuse a store that is not a SocketStore, null or a ref or getter of one", () => {
    expectInvalid(() => useConnection("store" as never), "useConnection: store");
    expectInvalid(() => useConnection(ref({ getSnapshot: 1 }) as never), "useConnection: store");
    expectInvalid(() => useTopic({} as never, "price"), "useTopic: store");
  });

  it("say what was wrong as the root entry does: prefixed, the value by its type, never a URL", () => {
    const messageOf = (run: () => unknown) => {
      try {
        inScope(run);
      } catch (error) {
        return (error as Error).message;
      }
      return "nothing thrown";
    };
    expect(messageOf(() => useSocketStore("ws://example.test" as never))).toBe("SocketStore: useSocketStore: create must be a function (got a string)");
    expect(messageOf(() => useConnection(5 as never))).toBe("SocketStore: useConnection: store must be a SocketStore, null, or a ref or getter of one (got 5)");
    expect(messageOf(() => useTopic(true as never, "price"))).toBe("SocketStore: useTopic: store must be a SocketStore, null, or a ref or getter of one (got true)");
  });
});
