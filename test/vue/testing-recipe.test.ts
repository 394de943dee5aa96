// @vitest-environment jsdom
import { mount } from "@vue/test-utils";
import { defineComponent, h, nextTick } from "vue";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SocketStore } from "../../src/index.js";
import { TestSocket } from "../../src/testing/test-socket.js";
import { useConnection, useSocketStore, useTopic } from "../../src/vue/index.js";

// The recipe of docs/vue.md: the component creates `new WebSocket(url)`, the test swaps in TestSocket.
const Ticker = defineComponent({
  props: { url: { type: String, required: true } },
  setup(props) {
    const store = useSocketStore(
      () =>
        new SocketStore<{ price: number }>(
          new WebSocket(props.url),
          { route: (event) => ({ topic: "price", value: JSON.parse(event.data as string).price }) },
          { reconnect: { enabled: true } },
        ),
      () => props.url,
    );
    const connection = useConnection(store);
    const price = useTopic(store, "price");
    return () => h("p", `${connection.value?.status ?? "starting"} · ${price.value ?? "–"}`);
  },
});

/** Every socket the component constructed. */
const sockets: TestSocket[] = [];
class RecordedSocket extends TestSocket {
  constructor(url?: string, protocols?: string | string[]) {
    super(url, protocols);
    sockets.push(this);
  }
}

beforeEach(() => {
  sockets.length = 0;
  vi.stubGlobal("WebSocket", RecordedSocket);
});
afterEach(() => vi.unstubAllGlobals());

describe("a component that creates its own WebSocket, tested with a TestSocket class as the global WebSocket", () => {
  it("shows the status and the price, and closes the socket on unmount", async () => {
    const wrapper = mount(Ticker, { props: { url: "ws://example.test/prices" } });
    const [socket] = sockets;
    socket!.open();
    socket!.receive(JSON.stringify({ price: 101 }));
    await nextTick();
    expect(wrapper.text()).toBe("open · 101");
    wrapper.unmount();
    expect(socket!.closeCalls).toHaveLength(1);
    expect(sockets).toHaveLength(1);
  });
});
