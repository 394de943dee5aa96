// @vitest-environment jsdom
import { mount } from "@vue/test-utils";
import { defineComponent, h, KeepAlive, nextTick, onActivated, onDeactivated, ref } from "vue";
import { describe, expect, it } from "vitest";
import { SocketStore } from "../../src/index.js";
import { useConnection, useSocketStore } from "../../src/vue/index.js";
import { SocketLog } from "../react/socket-log.js";

/**
 * `<KeepAlive :max>` around a feed and another view, switched by `shown`. The feed's socket
 * count is watched at each activation and deactivation.
 */
function setup(max?: number) {
  const log = new SocketLog();
  const stores: SocketStore[] = [];
  const liveAt: string[] = [];
  const shown = ref<"feed" | "other" | "third">("feed");
  const Feed = defineComponent({
    name: "Feed",
    setup() {
      const store = useSocketStore(() => {
        const store = new SocketStore(log.create());
        stores.push(store);
        return store;
      });
      const connection = useConnection(store);
      onActivated(() => liveAt.push(`activated: ${log.live().length} live`));
      onDeactivated(() => liveAt.push(`deactivated: ${log.live().length} live`));
      return () => h("p", connection.value?.status ?? "no store");
    },
  });
  const Other = defineComponent({ name: "Other", render: () => h("p", "other") });
  const Third = defineComponent({ name: "Third", render: () => h("p", "third") });
  const views = { feed: Feed, other: Other, third: Third };
  const App = defineComponent({
    setup: () => () => h(KeepAlive, max === undefined ? {} : { max }, [h(views[shown.value])]),
  });
  return { log, stores, liveAt, shown, App };
}

describe("useSocketStore under <KeepAlive>", () => {
  it("keeps exactly one live socket while the component is deactivated and activated again", async () => {
    const { log, stores, liveAt, shown, App } = setup();
    const wrapper = mount(App);
    log.sockets[0]!.open();
    for (const view of ["other", "feed", "other", "feed"] as const) {
      shown.value = view;
      await nextTick();
      expect(log.live()).toEqual([log.sockets[0]]);
    }
    expect(liveAt).toEqual(["activated: 1 live", "deactivated: 1 live", "activated: 1 live", "deactivated: 1 live", "activated: 1 live"]);
    expect(log.sockets).toHaveLength(1);
    expect(stores).toHaveLength(1);
    expect(log.mostLiveAtOnce).toBe(1);
    expect(wrapper.text()).toBe("open");
    wrapper.unmount();
    expect(log.live()).toEqual([]);
    expect(log.sockets[0]!.listenerCount()).toBe(0);
  });

  it("shows what happened to the connection while the component was deactivated", async () => {
    const { log, shown, App } = setup();
    const wrapper = mount(App);
    shown.value = "other";
    await nextTick();
    log.sockets[0]!.open();
    shown.value = "feed";
    await nextTick();
    expect(wrapper.text()).toBe("open");
  });

  it("closes and disposes the store when the cache lets the component go", async () => {
    const { log, stores, shown, App } = setup(2);
    mount(App);
    log.sockets[0]!.open();
    shown.value = "other";
    await nextTick();
    expect(log.live()).toEqual([log.sockets[0]]);
    // With max 2, caching "third" evicts the least recently used view, "feed": it is unmounted for good.
    shown.value = "third";
    await nextTick();
    expect(log.live()).toEqual([]);
    expect(log.sockets[0]!.closeCalls).toHaveLength(1);
    expect(() => stores[0]!.send("x")).toThrow(expect.objectContaining({ code: "ERR_STORE_DISPOSED" }));
  });
});
