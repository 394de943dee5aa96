// @vitest-environment node
import { createSSRApp, defineComponent, h } from "vue";
import { renderToString } from "vue/server-renderer";
import { describe, expect, it, vi } from "vitest";
import { SocketStore } from "../../src/index.js";
import { useConnection, useSocketStore, useTopic } from "../../src/vue/index.js";
import { SocketLog } from "../react/socket-log.js";

type Topics = { price: number };

describe("server rendering", () => {
  it("renders the null state and never calls create", async () => {
    const log = new SocketLog();
    const create = vi.fn(() => new SocketStore<Topics>(log.create({ readyState: 1 })));
    const Ticker = defineComponent({
      setup() {
        const store = useSocketStore(create, () => "room");
        const connection = useConnection(store);
        const price = useTopic(store, "price");
        return () => h("p", `${connection.value?.status ?? "no connection"} / ${price.value ?? "no price"}`);
      },
    });
    const html = await renderToString(createSSRApp(Ticker));
    expect(html).toBe("<p>no connection / no price</p>");
    expect(create).not.toHaveBeenCalled();
    expect(log.sockets).toHaveLength(0);
  });

  it("renders the snapshot of a store made outside the component, and keeps no subscription to it", async () => {
    const log = new SocketLog();
    const store = new SocketStore<Topics>(log.create({ readyState: 1 }), { route: (event) => ({ topic: "price", value: Number(event.data) }) });
    log.sockets[0]!.receive("42");
    const unsubscribed = vi.fn();
    const subscribe = store.subscribe;
    store.subscribe = (listener) => {
      const unsubscribe = subscribe(listener);
      return () => {
        unsubscribed();
        unsubscribe();
      };
    };
    const Ticker = defineComponent({
      setup() {
        const connection = useConnection(store);
        const price = useTopic(store, "price");
        return () => h("p", `${connection.value?.status} / ${price.value}`);
      },
    });
    expect(await renderToString(createSSRApp(Ticker))).toBe("<p>open / 42</p>");
    expect(unsubscribed).toHaveBeenCalledTimes(1);
  });
});
