// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import { SocketStore } from "../../src/index.js";
import { socketStore } from "../../src/svelte/index.js";
import { SocketLog } from "../react/socket-log.js";
import Feed from "./Feed.svelte";
import Switch from "./Switch.svelte";
import Ticker from "./Ticker.svelte";

type Topics = { price: number };

const route = (event: { data: unknown }) => ({ topic: "price" as const, value: Number(event.data) });

const mounted = new Set<Record<string, unknown>>();
afterEach(() => {
  for (const component of mounted) void unmount(component);
  mounted.clear();
  document.body.replaceChildren();
});

function render(component: typeof Ticker | typeof Feed | typeof Switch, props: Record<string, unknown>) {
  const target = document.body.appendChild(document.createElement("div"));
  const instance = mount(component as typeof Ticker, { target, props: props as never });
  mounted.add(instance);
  flushSync();
  const text = (name: string) => target.querySelector(`[data-name=${name}]`)?.textContent;
  const remove = () => {
    mounted.delete(instance);
    void unmount(instance);
  };
  return { instance, text, remove };
}

/** A store whose active subscriptions (status and topic) are counted. */
function countedStore(log: SocketLog) {
  const store = new SocketStore<Topics>(log.create(), { route });
  let active = 0;
  const count = <A extends unknown[]>(subscribe: (...args: A) => () => void) =>
    (...args: A) => {
      const unsubscribe = subscribe(...args);
      active++;
      return () => {
        active--;
        unsubscribe();
      };
    };
  store.subscribe = count(store.subscribe);
  const topic = store.topic("price");
  const view = { get: topic.get, subscribe: count(topic.subscribe) };
  store.topic = (() => view) as typeof store.topic;
  return { store, active: () => active };
}

describe("a Svelte 5 component reading $connection and $price", () => {
  it("shows the status and the price and follows them", () => {
    const log = new SocketLog();
    const store = new SocketStore<Topics>(log.create(), { route });
    const { text } = render(Ticker, { store });
    expect(text("connection")).toBe("connecting");
    expect(text("price")).toBe("none");
    log.sockets[0]!.open();
    log.sockets[0]!.receive("101");
    flushSync();
    expect(text("connection")).toBe("open");
    expect(text("price")).toBe("101");
  });

  it("is handed a value only when the snapshot object or the topic's value changes", () => {
    const log = new SocketLog();
    const store = new SocketStore<Topics>(log.create(), { route });
    const seen: string[] = [];
    render(Ticker, { store, seen: (name: string, value: unknown) => seen.push(`${name} ${name === "connection" ? (value as { status: string }).status : String(value)}`) });
    expect(seen).toEqual(["connection connecting", "price undefined"]);
    log.sockets[0]!.open();
    flushSync();
    log.sockets[0]!.receive("101");
    flushSync();
    log.sockets[0]!.receive("101");
    flushSync();
    log.sockets[0]!.receive("102");
    flushSync();
    expect(seen).toEqual(["connection connecting", "price undefined", "connection open", "price 101", "price 102"]);
  });

  it("unsubscribes when it is unmounted", () => {
    const log = new SocketLog();
    const { store, active } = countedStore(log);
    const { remove } = render(Ticker, { store });
    expect(active()).toBe(2);
    remove();
    expect(active()).toBe(0);
  });

  it("follows a new store given as a prop, and lets the previous one go", () => {
    const log = new SocketLog();
    const first = countedStore(log);
    const second = new SocketStore<Topics>(log.create({ readyState: 1 }), { route });
    const { instance, text } = render(Switch, { initial: first.store });
    expect(text("connection")).toBe("connecting");
    (instance as { show(next: SocketStore<Topics>): void }).show(second);
    flushSync();
    expect(text("connection")).toBe("open");
    expect(first.active()).toBe(0);
  });
});

describe("a Svelte 5 component reading $feed from socketStore", () => {
  it("creates one store for its first subscriber, shared by every component that reads it", () => {
    const log = new SocketLog();
    let created = 0;
    const feed = socketStore(() => {
      created++;
      return new SocketStore<Topics>(log.create(), { route });
    });
    const one = render(Feed, { feed });
    const two = render(Feed, { feed });
    expect(created).toBe(1);
    expect(log.live()).toHaveLength(1);
    log.sockets[0]!.open();
    flushSync();
    expect([one.text("connection"), two.text("connection")]).toEqual(["open", "open"]);
  });

  it("closes then disposes the store when the last component that reads it is unmounted", () => {
    const log = new SocketLog();
    const calls: string[] = [];
    const feed = socketStore(() => {
      const store = new SocketStore<Topics>(log.create(), { route });
      const close = store.close.bind(store);
      const dispose = store.dispose.bind(store);
      store.close = (...args) => (calls.push("close"), close(...args));
      store.dispose = () => (calls.push("dispose"), dispose());
      return store;
    });
    const one = render(Feed, { feed });
    const two = render(Feed, { feed });
    one.remove();
    expect(calls).toEqual([]);
    two.remove();
    expect(calls).toEqual(["close", "dispose"]);
    expect(log.live()).toEqual([]);
    expect(log.sockets[0]!.listenerCount()).toBe(0);
  });
});
