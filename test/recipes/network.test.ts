import { afterEach, describe, expect, it, vi } from "vitest";
import type { Heartbeat } from "../../examples/recipes/heartbeat.js";
import { watchNetwork } from "../../examples/recipes/network.js";
import { SocketStore, type SocketStoreReconnectOptions } from "../../src/index.js";
import { TestSocket } from "../../src/testing/test-socket.js";

afterEach(() => {
  vi.useRealTimers();
});

/** An EventTarget that counts its listeners, standing in for `window` or `document`. */
class CountingTarget extends EventTarget {
  visibilityState = "visible";
  readonly #listeners = new Set<string>();
  #ids = new WeakMap<object, number>();
  #nextId = 0;

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: AddEventListenerOptions | boolean): void {
    super.addEventListener(type, listener, options);
    if (listener) this.#listeners.add(this.#key(type, listener));
  }

  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: EventListenerOptions | boolean): void {
    super.removeEventListener(type, listener, options);
    if (listener) this.#listeners.delete(this.#key(type, listener));
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  fire(type: string): void {
    this.dispatchEvent(new Event(type));
  }

  #key(type: string, listener: object): string {
    let id = this.#ids.get(listener);
    if (id === undefined) this.#ids.set(listener, (id = this.#nextId++));
    return `${type}#${id}`;
  }
}

/** A store on an open socket whose own retries wait long enough never to happen in a test. */
function openStore(reconnect: Partial<SocketStoreReconnectOptions> | false = {}) {
  const socket = new TestSocket(undefined, undefined, { readyState: 1 });
  const replacements: TestSocket[] = [];
  const store = new SocketStore(socket, {}, {
    reconnect:
      reconnect === false
        ? false
        : {
            enabled: true,
            backoff: "fixed",
            initialDelayMs: 60_000,
            maxDelayMs: 60_000,
            createSocket: () => {
              const replacement = new TestSocket();
              replacements.push(replacement);
              return replacement;
            },
            ...reconnect,
          },
  });
  return { socket, store, replacements };
}

function fakeHeartbeat(): Heartbeat {
  return Object.assign(vi.fn(), { check: vi.fn() });
}

describe("watchNetwork(): offline and online", () => {
  it("drops an open connection with reason \"offline\", and online reconnects at once instead of waiting for the backoff", () => {
    vi.useFakeTimers();
    const { socket, store, replacements } = openStore();
    const window = new CountingTarget();
    const stop = watchNetwork(store, { window });

    window.fire("offline");
    expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 1, lastClose: { code: 1006, reason: "offline", wasClean: false } });
    expect(socket.closeCalls).toHaveLength(1);

    window.fire("online");
    expect(store.getSnapshot()).toMatchObject({ status: "connecting", attempt: 1 });
    expect(replacements).toHaveLength(1);
    replacements[0]!.open();
    expect(store.status).toBe("open");
    stop();
  });

  it("drops a connection that is still connecting", () => {
    const socket = new TestSocket();
    const store = new SocketStore(socket);
    const window = new CountingTarget();
    const stop = watchNetwork(store, { window });

    window.fire("offline");
    expect(store.getSnapshot()).toMatchObject({ status: "closed", lastClose: { reason: "offline" } });
    stop();
  });

  it("reconnects on online when the outage ended in error while offline", () => {
    vi.useFakeTimers();
    const { socket, store, replacements } = openStore({ maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10 });
    const window = new CountingTarget();
    const stop = watchNetwork(store, { window });

    window.fire("offline");
    vi.advanceTimersByTime(10);
    replacements[0]!.serverClose();
    expect(store.getSnapshot()).toMatchObject({ status: "error", lastError: { code: "ERR_RECONNECT_EXHAUSTED" } });
    expect(socket.readyState).toBe(2);

    window.fire("online");
    expect(store.getSnapshot()).toMatchObject({ status: "connecting", attempt: 1 });
    expect(replacements).toHaveLength(2);
    stop();
  });

  it("reconnects on online when its own offline drop left the store closed (the predicate declined)", () => {
    const retryOnClose = vi.fn(() => false);
    const { store, replacements } = openStore({ retryOnClose });
    const window = new CountingTarget();
    const stop = watchNetwork(store, { window });

    window.fire("offline");
    expect(store.status).toBe("closed");
    expect(retryOnClose).toHaveBeenCalledWith(expect.objectContaining({ code: 1006, reason: "offline" }));

    window.fire("online");
    expect(store.status).toBe("connecting");
    expect(replacements).toHaveLength(1);
    stop();
  });

  it("leaves a store that the application closed closed when the network comes back", () => {
    const { socket, store, replacements } = openStore();
    const window = new CountingTarget();
    const stop = watchNetwork(store, { window });

    store.close();
    socket.serverClose();
    expect(store.status).toBe("closed");
    window.fire("offline");
    window.fire("online");
    expect(store.status).toBe("closed");
    expect(replacements).toHaveLength(0);
    stop();
  });

  it("finishes a close the application started when the device goes offline, and does not reconnect on online", () => {
    const { socket, store, replacements } = openStore();
    const window = new CountingTarget();
    const stop = watchNetwork(store, { window });

    store.close();
    expect(store.status).toBe("closing");
    window.fire("offline");
    expect(store.status).toBe("closed");
    expect(socket.closeCalls).toHaveLength(2);
    window.fire("online");
    expect(store.status).toBe("closed");
    expect(replacements).toHaveLength(0);
    stop();
  });

  it("forgets its own drop once the application reconnected and closed the store itself", () => {
    const retryOnClose = vi.fn(() => false);
    const { store, replacements } = openStore({ retryOnClose });
    const window = new CountingTarget();
    const stop = watchNetwork(store, { window });

    window.fire("offline");
    expect(store.status).toBe("closed");
    store.reconnect();
    store.close();
    replacements[0]!.serverClose();
    expect(store.status).toBe("closed");
    window.fire("online");
    expect(store.status).toBe("closed");
    expect(replacements).toHaveLength(1);
    stop();
  });

  it("does not throw on online when reconnect is disabled", () => {
    const { store } = openStore(false);
    const window = new CountingTarget();
    const stop = watchNetwork(store, { window });

    window.fire("offline");
    expect(store.status).toBe("closed");
    expect(() => window.fire("online")).not.toThrow();
    expect(store.status).toBe("closed");
    stop();
  });

  it("leaves an open store alone on online", () => {
    const { socket, store, replacements } = openStore();
    const window = new CountingTarget();
    const stop = watchNetwork(store, { window });

    window.fire("online");
    expect(store.status).toBe("open");
    expect(socket.closeCalls).toEqual([]);
    expect(replacements).toHaveLength(0);
    stop();
  });
});

describe("watchNetwork(): page visibility", () => {
  function visibility(longHiddenMs?: number) {
    let clock = 1_000_000;
    const { store } = openStore();
    const document = new CountingTarget();
    const heartbeat = fakeHeartbeat();
    const stop = watchNetwork(store, { document, heartbeat, now: () => clock, ...(longHiddenMs === undefined ? {} : { longHiddenMs }) });
    const show = (hiddenForMs: number) => {
      document.visibilityState = "hidden";
      document.fire("visibilitychange");
      clock += hiddenForMs;
      document.visibilityState = "visible";
      document.fire("visibilitychange");
    };
    return { show, heartbeat, stop, document };
  }

  it("checks the heartbeat when the page is shown after being hidden for longHiddenMs (default 30 s)", () => {
    const { show, heartbeat, stop } = visibility();
    show(30_000);
    expect(heartbeat.check).toHaveBeenCalledTimes(1);
    stop();
  });

  it("does not check after a shorter hidden time", () => {
    const { show, heartbeat, stop } = visibility(5000);
    show(4999);
    expect(heartbeat.check).not.toHaveBeenCalled();
    show(5000);
    expect(heartbeat.check).toHaveBeenCalledTimes(1);
    stop();
  });

  it("counts a hidden time from the first hidden event, across repeated ones", () => {
    let clock = 0;
    const { store } = openStore();
    const document = new CountingTarget();
    const heartbeat = fakeHeartbeat();
    const stop = watchNetwork(store, { document, heartbeat, now: () => clock, longHiddenMs: 100 });
    document.visibilityState = "hidden";
    document.fire("visibilitychange");
    clock = 60;
    document.fire("visibilitychange");
    clock = 100;
    document.visibilityState = "visible";
    document.fire("visibilitychange");
    expect(heartbeat.check).toHaveBeenCalledTimes(1);
    stop();
  });
});

describe("watchNetwork(): stopping", () => {
  it("removes every listener it added, and reacts to nothing afterwards", () => {
    const { socket, store } = openStore();
    const window = new CountingTarget();
    const document = new CountingTarget();
    const heartbeat = fakeHeartbeat();
    const stop = watchNetwork(store, { window, document, heartbeat, longHiddenMs: 0 });
    expect(window.listenerCount).toBe(2);
    expect(document.listenerCount).toBe(1);

    stop();
    expect(window.listenerCount).toBe(0);
    expect(document.listenerCount).toBe(0);
    window.fire("offline");
    document.visibilityState = "hidden";
    document.fire("visibilitychange");
    document.visibilityState = "visible";
    document.fire("visibilitychange");
    expect(store.status).toBe("open");
    expect(socket.closeCalls).toEqual([]);
    expect(heartbeat.check).not.toHaveBeenCalled();
  });
});
