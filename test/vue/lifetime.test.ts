// @vitest-environment jsdom
import { mount } from "@vue/test-utils";
import { createApp, defineComponent, effectScope, h, nextTick, ref, watch, type PropType } from "vue";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SocketStore, type MessageEventLike, type SocketStoreOptions } from "../../src/index.js";
import { useConnection, useSocketStore } from "../../src/vue/index.js";
import { SocketLog } from "../react/socket-log.js";

afterEach(() => {
  vi.useRealTimers();
});

/**
 * A component whose store depends on its `room` prop, with every store call, handler call and
 * value of the store ref written down in order.
 */
function setup(options?: (log: SocketLog) => SocketStoreOptions) {
  const log = new SocketLog();
  const stores: SocketStore[] = [];
  /** create, close and dispose calls of the stores, in order. */
  const calls: string[] = [];
  const handled: string[] = [];
  /** Every value the store ref took (a sync watcher), starting with the one seen in setup. */
  const refValues: (SocketStore | null)[] = [];
  let socketsDuringSetup = -1;
  const Feed = defineComponent({
    props: { room: { type: String, required: true } },
    setup(props) {
      const store = useSocketStore(
        () => {
          const room = props.room;
          calls.push(`create ${room}`);
          const store = new SocketStore(
            log.create(),
            {
              onOpen: () => handled.push(`${room} open`),
              onMessage: (event) => handled.push(`${room} message ${event.data}`),
              onClose: () => handled.push(`${room} close`),
            },
            options?.(log),
          );
          const close = store.close.bind(store);
          const dispose = store.dispose.bind(store);
          store.close = (...args) => {
            calls.push(`close ${room}`);
            close(...args);
          };
          store.dispose = () => {
            calls.push(`dispose ${room}`);
            dispose();
          };
          stores.push(store);
          return store;
        },
        () => props.room,
      );
      socketsDuringSetup = log.sockets.length;
      refValues.push(store.value);
      watch(store, (value) => refValues.push(value), { flush: "sync" });
      const connection = useConnection(store);
      return () => h("p", connection.value?.status ?? "no store");
    },
  });
  return { log, stores, calls, handled, refValues, Feed, socketsDuringSetup: () => socketsDuringSetup };
}

describe("useSocketStore on mount", () => {
  it("creates nothing during setup and one store when the component is mounted", async () => {
    const { log, stores, calls, refValues, Feed, socketsDuringSetup } = setup();
    const wrapper = mount(Feed, { props: { room: "a" } });
    expect(socketsDuringSetup()).toBe(0);
    expect(refValues).toEqual([null, stores[0]]);
    expect(calls).toEqual(["create a"]);
    expect(log.sockets).toHaveLength(1);
    await nextTick();
    expect(wrapper.text()).toBe("connecting");
    log.sockets[0]!.open();
    await nextTick();
    expect(wrapper.text()).toBe("open");
  });

  it("keeps the store when the component re-renders with the same source", async () => {
    const { log, stores, refValues, Feed } = setup();
    const wrapper = mount(Feed, { props: { room: "a" } });
    await wrapper.setProps({ room: "a" });
    log.sockets[0]!.open();
    await nextTick();
    expect(log.sockets).toHaveLength(1);
    expect(refValues).toEqual([null, stores[0]]);
  });
});

describe("useSocketStore when its source changes", () => {
  it("closes the old socket, then disposes the old store, then creates the next one", async () => {
    const { log, stores, calls, Feed } = setup();
    const wrapper = mount(Feed, { props: { room: "a" } });
    log.sockets[0]!.open();
    await wrapper.setProps({ room: "b" });
    expect(calls).toEqual(["create a", "close a", "dispose a", "create b"]);
    expect(log.sockets[0]!.closeCalls).toEqual([{ code: undefined, reason: undefined }]);
    expect(log.sockets[0]!.listenerCount()).toBe(0);
    expect(() => stores[0]!.send("x")).toThrow(expect.objectContaining({ code: "ERR_STORE_DISPOSED" }));
    expect(log.live()).toEqual([log.sockets[1]]);
    expect(log.mostLiveAtOnce).toBe(1);
    expect(wrapper.text()).toBe("connecting");
  });

  it("hands out null between the two stores, never the store being retired", async () => {
    const { stores, refValues, Feed } = setup();
    const wrapper = mount(Feed, { props: { room: "a" } });
    await wrapper.setProps({ room: "b" });
    expect(refValues).toEqual([null, stores[0], null, stores[1]]);
  });

  it("runs no handler of the old store afterwards", async () => {
    const { log, handled, Feed } = setup();
    const wrapper = mount(Feed, { props: { room: "a" } });
    log.sockets[0]!.open();
    await wrapper.setProps({ room: "b" });
    handled.length = 0;
    log.sockets[0]!.receive("late");
    log.sockets[0]!.serverClose();
    log.sockets[1]!.open();
    await nextTick();
    expect(handled).toEqual(["b open"]);
    expect(wrapper.text()).toBe("open");
  });

  it("replaces the store once for several changes before the next render", async () => {
    const { log, calls, Feed } = setup();
    const wrapper = mount(Feed, { props: { room: "a" } });
    const pending = [wrapper.setProps({ room: "b" }), wrapper.setProps({ room: "c" })];
    await Promise.all(pending);
    expect(calls).toEqual(["create a", "close a", "dispose a", "create c"]);
    expect(log.sockets).toHaveLength(2);
  });
});

describe("useSocketStore on unmount", () => {
  it("closes the socket, then disposes the store: no listener is left and no handler runs", () => {
    const { log, stores, calls, handled, Feed } = setup();
    const wrapper = mount(Feed, { props: { room: "a" } });
    log.sockets[0]!.open();
    wrapper.unmount();
    const [socket] = log.sockets;
    expect(calls).toEqual(["create a", "close a", "dispose a"]);
    expect(socket!.readyState).toBe(2);
    expect(socket!.listenerCount()).toBe(0);
    expect(() => stores[0]!.reconnect()).toThrow(expect.objectContaining({ code: "ERR_STORE_DISPOSED" }));
    handled.length = 0;
    socket!.serverClose();
    expect(handled).toEqual([]);
  });

  it("cancels a pending reconnect attempt: no timer and no new socket are left", () => {
    vi.useFakeTimers();
    const { log, Feed } = setup((log) => ({
      reconnect: { enabled: true, initialDelayMs: 100, createSocket: () => log.create() },
    }));
    const wrapper = mount(Feed, { props: { room: "a" } });
    log.sockets[0]!.open();
    log.sockets[0]!.serverClose({ code: 1006 });
    expect(vi.getTimerCount()).toBe(1);
    wrapper.unmount();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(log.sockets).toHaveLength(1);
  });

  it("closes a replacement socket the store obtained", () => {
    vi.useFakeTimers();
    const { log, Feed } = setup((log) => ({
      reconnect: { enabled: true, initialDelayMs: 100, maxDelayMs: 1_000, createSocket: () => log.create() },
    }));
    const wrapper = mount(Feed, { props: { room: "a" } });
    log.sockets[0]!.open();
    log.sockets[0]!.serverClose({ code: 1006 });
    vi.advanceTimersByTime(100);
    log.sockets[1]!.open();
    wrapper.unmount();
    expect(log.live()).toEqual([]);
    expect(log.sockets.map((socket) => socket.listenerCount())).toEqual([0, 0]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("handlers that read the component's props when they run", () => {
  const Chat = defineComponent({
    props: {
      log: { type: Object as PropType<SocketLog>, required: true },
      onMessage: { type: Function as PropType<(event: MessageEventLike) => void>, required: true },
    },
    setup(props) {
      // `props.onMessage` is read at each message, not when the store was created.
      const store = useSocketStore(() => new SocketStore(props.log.create(), { onMessage: (event) => props.onMessage(event) }));
      const connection = useConnection(store);
      return () => h("p", connection.value?.status ?? "no store");
    },
  });

  it("reach the latest handler without creating another socket", async () => {
    const log = new SocketLog();
    const first = vi.fn();
    const second = vi.fn();
    const wrapper = mount(Chat, { props: { log, onMessage: first } });
    log.sockets[0]!.open();
    log.sockets[0]!.receive("one");
    await wrapper.setProps({ onMessage: second });
    log.sockets[0]!.receive("two");
    expect(first.mock.calls.map(([event]) => event.data)).toEqual(["one"]);
    expect(second.mock.calls.map(([event]) => event.data)).toEqual(["two"]);
    expect(log.sockets).toHaveLength(1);
  });
});

describe("useSocketStore in an effect scope of the component's setup", () => {
  it("creates nothing at the mount when that scope stopped before it", () => {
    const log = new SocketLog();
    const Feed = defineComponent({
      setup() {
        const inner = effectScope();
        inner.run(() => useSocketStore(() => new SocketStore(log.create())));
        inner.stop();
        return () => h("p");
      },
    });
    mount(Feed);
    expect(log.sockets).toHaveLength(0);
  });

  it("closes and disposes the store when that scope stops, and stops watching the source with it", async () => {
    const log = new SocketLog();
    const inner = effectScope();
    const room = ref("a");
    const Feed = defineComponent({
      setup() {
        inner.run(() => useSocketStore(() => new SocketStore(log.create()), room));
        return () => h("p");
      },
    });
    const wrapper = mount(Feed);
    expect(log.live()).toHaveLength(1);
    inner.stop();
    expect(log.live()).toHaveLength(0);
    room.value = "b";
    await nextTick();
    expect(log.sockets).toHaveLength(1);
    wrapper.unmount();
  });
});

describe("useSocketStore when create throws", () => {
  it("passes the error to the app's error handler and holds null", async () => {
    const failure = new Error("no socket");
    const errorHandler = vi.fn();
    let storeRef: { readonly value: SocketStore | null } | undefined;
    const Broken = defineComponent({
      setup() {
        const store = useSocketStore((): SocketStore => {
          throw failure;
        });
        storeRef = store;
        return () => h("p", useConnection(store).value?.status ?? "no store");
      },
    });
    const app = createApp(Broken);
    app.config.errorHandler = errorHandler;
    const element = document.createElement("div");
    app.mount(element);
    await nextTick();
    expect(errorHandler).toHaveBeenCalledTimes(1);
    expect(errorHandler.mock.calls[0]![0]).toBe(failure);
    expect(storeRef!.value).toBeNull();
    expect(element.textContent).toBe("no store");
    app.unmount();
  });
});
