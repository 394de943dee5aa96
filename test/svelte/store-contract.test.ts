// @vitest-environment node
import { derived, get, type Readable as SvelteReadable } from "svelte/store";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SocketStore, SocketStoreError, type ConnectionSnapshot } from "../../src/index.js";
import { connection, socketStore, topic } from "../../src/svelte/index.js";
import { thrown } from "../facade/harness.js";
import { SocketLog } from "../react/socket-log.js";

type Topics = { price: number };
type Store = SocketStore<Topics>;

afterEach(() => {
  vi.unstubAllGlobals();
});

const route = (event: { data: unknown }) => ({ topic: "price" as const, value: Number(event.data) });

/** A store-shaped object whose notifications the test controls, published snapshot or not. */
function fakeStore(snapshot: ConnectionSnapshot, price?: number) {
  const listeners = new Set<() => void>();
  const store = {
    snapshot,
    price,
    getSnapshot: () => store.snapshot,
    subscribe: (listener: () => void) => (listeners.add(listener), () => listeners.delete(listener)),
    topic: () => ({ get: () => store.price, subscribe: store.subscribe }),
    notify: () => [...listeners].forEach((listener) => listener()),
    listenerCount: () => listeners.size,
  };
  return store;
}

const snapshotOf = (status: ConnectionSnapshot["status"]): ConnectionSnapshot => ({ status, attempt: 0, retryDelayMs: null, lastClose: null, lastError: null });

describe("connection(store)", () => {
  it("calls run at once with the store's snapshot object, then with each new one", () => {
    const log = new SocketLog();
    const store = new SocketStore(log.create());
    const run = vi.fn();
    connection(store).subscribe(run);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run.mock.calls[0]![0]).toBe(store.getSnapshot());
    log.sockets[0]!.open();
    expect(run).toHaveBeenCalledTimes(2);
    expect(run.mock.calls[1]![0]).toBe(store.getSnapshot());
    expect(run.mock.calls[1]![0].status).toBe("open");
  });

  it("calls run only when the store publishes a new snapshot object", () => {
    const store = fakeStore(snapshotOf("open"));
    const run = vi.fn();
    connection(store as unknown as Store).subscribe(run);
    store.notify();
    expect(run).toHaveBeenCalledTimes(1);
    store.snapshot = snapshotOf("open");
    store.notify();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("calls run never again after unsubscribe, and a second unsubscribe does nothing", () => {
    const log = new SocketLog();
    const store = new SocketStore(log.create());
    const run = vi.fn();
    const other = vi.fn();
    const unsubscribe = connection(store).subscribe(run);
    connection(store).subscribe(other);
    unsubscribe();
    unsubscribe();
    log.sockets[0]!.open();
    expect(run).toHaveBeenCalledTimes(1);
    expect(other).toHaveBeenCalledTimes(2);
  });

  it("calls run never again after an unsubscribe made during the same notification", () => {
    const store = fakeStore(snapshotOf("connecting"));
    const readable = connection(store as unknown as Store);
    const second = vi.fn();
    let unsubscribeSecond = () => {};
    // The fake store notifies a copy of its listeners: the second one is still called in this round.
    readable.subscribe((snapshot) => {
      if (snapshot.status === "open") unsubscribeSecond();
    });
    unsubscribeSecond = readable.subscribe(second);
    store.snapshot = snapshotOf("open");
    store.notify();
    expect(second).toHaveBeenCalledTimes(1);
    expect(store.listenerCount()).toBe(1);
  });

  it("keeps no subscription to the store when run threw at once", () => {
    const store = fakeStore(snapshotOf("open"));
    const failure = new Error("run failed");
    expect(() =>
      connection(store as unknown as Store).subscribe(() => {
        throw failure;
      }),
    ).toThrow(failure);
    expect(store.listenerCount()).toBe(0);
  });

  it("works with svelte/store's derived and get", () => {
    const log = new SocketLog();
    const store = new SocketStore(log.create());
    const readable: SvelteReadable<ConnectionSnapshot> = connection(store);
    const status = derived(readable, (snapshot) => snapshot.status);
    const seen: string[] = [];
    const unsubscribe = status.subscribe((value) => seen.push(value));
    log.sockets[0]!.open();
    unsubscribe();
    expect(seen).toEqual(["connecting", "open"]);
    expect(get(readable)).toBe(store.getSnapshot());
  });
});

describe("topic(store, name)", () => {
  it("calls run at once with the topic's value, then with each new value", () => {
    const log = new SocketLog();
    const store = new SocketStore<Topics>(log.create({ readyState: 1 }), { route });
    const run = vi.fn();
    topic(store, "price").subscribe(run);
    log.sockets[0]!.receive("1");
    log.sockets[0]!.receive("1");
    log.sockets[0]!.receive("2");
    expect(run.mock.calls).toEqual([[undefined], [1], [2]]);
  });

  it("calls run only when the value changes (Object.is)", () => {
    const store = fakeStore(snapshotOf("open"), Number.NaN);
    const run = vi.fn();
    topic(store as unknown as Store, "price").subscribe(run);
    store.notify();
    store.price = 0;
    store.notify();
    store.price = -0;
    store.notify();
    store.notify();
    expect(run.mock.calls).toEqual([[Number.NaN], [0], [-0]]);
    expect(Object.is(run.mock.calls[2]![0], -0)).toBe(true);
  });

  it("calls run never again after unsubscribe", () => {
    const log = new SocketLog();
    const store = new SocketStore<Topics>(log.create({ readyState: 1 }), { route });
    const run = vi.fn();
    const price: SvelteReadable<number | undefined> = topic(store, "price");
    price.subscribe(run)();
    log.sockets[0]!.receive("1");
    expect(run.mock.calls).toEqual([[undefined]]);
    expect(get(price)).toBe(1);
  });
});

/** A socketStore whose stores' socket, close and dispose calls are written down in order. */
function setup() {
  const log = new SocketLog();
  const calls: string[] = [];
  const create = vi.fn(() => {
    const name = `store ${create.mock.calls.length}`;
    calls.push(`create ${name}`);
    const store = new SocketStore<Topics>(log.create(), { route });
    const close = store.close.bind(store);
    const dispose = store.dispose.bind(store);
    store.close = (...args) => (calls.push(`close ${name}`), close(...args));
    store.dispose = () => (calls.push(`dispose ${name}`), dispose());
    return store;
  });
  return { log, calls, create, feed: socketStore(create) };
}

describe("socketStore(create) where there is no document (server rendering, Node)", () => {
  it("holds null and never calls create", () => {
    const { log, create, feed } = setup();
    const run = vi.fn();
    const unsubscribe = feed.subscribe(run);
    unsubscribe();
    expect(run.mock.calls).toEqual([[null]]);
    expect(get(feed)).toBeNull();
    expect(create).not.toHaveBeenCalled();
    expect(log.sockets).toHaveLength(0);
  });
});

describe("socketStore(create) where there is a document (the browser)", () => {
  it("creates the store for the first subscriber and hands every later one the same store", () => {
    vi.stubGlobal("document", {});
    const { log, create, feed } = setup();
    const first = vi.fn();
    const second = vi.fn();
    feed.subscribe(first);
    feed.subscribe(second);
    expect(create).toHaveBeenCalledTimes(1);
    expect(first.mock.calls[0]![0]).toBeInstanceOf(SocketStore);
    expect(second.mock.calls[0]![0]).toBe(first.mock.calls[0]![0]);
    expect(first.mock.calls[0]![0].socket).toBe(log.sockets[0]);
    log.sockets[0]!.open();
    expect(first).toHaveBeenCalledTimes(1);
  });

  it("closes then disposes the store after the last unsubscribe, and creates a new one for the next subscriber", () => {
    vi.stubGlobal("document", {});
    const { log, calls, feed } = setup();
    const unsubscribeFirst = feed.subscribe(() => {});
    const unsubscribeSecond = feed.subscribe(() => {});
    unsubscribeFirst();
    unsubscribeFirst();
    expect(calls).toEqual(["create store 1"]);
    unsubscribeSecond();
    expect(calls).toEqual(["create store 1", "close store 1", "dispose store 1"]);
    expect(log.live()).toEqual([]);
    expect(log.sockets[0]!.listenerCount()).toBe(0);
    const run = vi.fn();
    feed.subscribe(run);
    expect(calls.at(-1)).toBe("create store 2");
    expect(run.mock.calls[0]![0].socket).toBe(log.sockets[1]);
    expect(log.mostLiveAtOnce).toBe(1);
  });

  it("lets the next subscriber try again when create threw", () => {
    vi.stubGlobal("document", {});
    const failure = new Error("no socket");
    const log = new SocketLog();
    const create = vi.fn<() => Store>().mockImplementationOnce(() => {
      throw failure;
    });
    create.mockImplementation(() => new SocketStore<Topics>(log.create()));
    const feed = socketStore(create);
    expect(() => feed.subscribe(() => {})).toThrow(failure);
    const run = vi.fn();
    feed.subscribe(run);
    expect(create).toHaveBeenCalledTimes(2);
    expect(run.mock.calls[0]![0].socket).toBe(log.sockets[0]);
  });

  it("retires the store when the only subscriber's run threw", () => {
    vi.stubGlobal("document", {});
    const { log, calls, feed } = setup();
    const failure = new Error("run failed");
    expect(() =>
      feed.subscribe(() => {
        throw failure;
      }),
    ).toThrow(failure);
    expect(calls).toEqual(["create store 1", "close store 1", "dispose store 1"]);
    expect(log.live()).toEqual([]);
  });
});

describe("arguments", () => {
  function expectInvalid(run: () => unknown, name: string) {
    const error = thrown(run);
    expect(error.code).toBe("ERR_INVALID_ARGUMENT");
    expect(error).toBeInstanceOf(SocketStoreError);
    expect(error.message).toContain(name);
    expect(error.message.startsWith("SocketStore: ")).toBe(true);
    expect(error.message).not.toContain("example.test");
  }

  it("refuse what is not a SocketStore, a create that is not a function, and a run that is not a function", () => {
    const store = new SocketStore(new SocketLog().create());
    expectInvalid(() => connection(null as never), "connection: store");
    expectInvalid(() => connection({ getSnapshot() {} } as never), "connection: store");
    expectInvalid(() => topic("ws://example.test" as never, "price"), "topic: store");
    expectInvalid(() => socketStore(undefined as never), "socketStore: create");
    expectInvalid(() => connection(store).subscribe(null as never), "subscribe(run)");
    expectInvalid(() => topic(store, "price").subscribe("run" as never), "subscribe(run)");
    expectInvalid(() => socketStore(() => store).subscribe(5 as never), "subscribe(run)");
  });

  it("say what was wrong as the root entry does: prefixed, the value by its type, never a URL", () => {
    const messageOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as Error).message;
      }
      return "nothing thrown";
    };
    expect(messageOf(() => topic("ws://example.test" as never, "price"))).toBe("SocketStore: topic: store must be a SocketStore (got a string)");
    expect(messageOf(() => socketStore(undefined as never))).toBe("SocketStore: socketStore: create must be a function (got undefined)");
    expect(messageOf(() => connection(false as never))).toBe("SocketStore: connection: store must be a SocketStore (got false)");
  });
});
