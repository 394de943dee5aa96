// @vitest-environment node
import { effectScope, nextTick, ref } from "vue";
import { describe, expect, it } from "vitest";
import { SocketStore, isSocketStoreError } from "../../src/index.js";
import { useConnection, useSocketStore, useTopic } from "../../src/vue/index.js";
import { SocketLog } from "../react/socket-log.js";

type Topics = { price: number };

function setup() {
  const log = new SocketLog();
  const calls: string[] = [];
  const create = (name: string) => () => {
    calls.push(`create ${name}`);
    const store = new SocketStore<Topics>(log.create(), { route: (event) => ({ topic: "price", value: Number(event.data) }) });
    const close = store.close.bind(store);
    const dispose = store.dispose.bind(store);
    store.close = (...args) => {
      calls.push(`close ${name}`);
      close(...args);
    };
    store.dispose = () => {
      calls.push(`dispose ${name}`);
      dispose();
    };
    return store;
  };
  return { log, calls, create };
}

describe("useSocketStore outside a component, in an effect scope", () => {
  it("creates the store during the call, and closes then disposes it when the scope stops", () => {
    const { log, calls, create } = setup();
    const scope = effectScope();
    const store = scope.run(() => useSocketStore(create("a")))!;
    expect(calls).toEqual(["create a"]);
    expect(store.value?.socket).toBe(log.sockets[0]);
    scope.stop();
    expect(calls).toEqual(["create a", "close a", "dispose a"]);
    expect(store.value).toBeNull();
    expect(log.live()).toEqual([]);
  });

  it("re-creates the store when the source changes, and stops watching it with the scope", async () => {
    const { log, calls, create } = setup();
    const room = ref("a");
    const scope = effectScope();
    const store = scope.run(() => useSocketStore(() => create(room.value)(), room))!;
    room.value = "b";
    await nextTick();
    expect(calls).toEqual(["create a", "close a", "dispose a", "create b"]);
    expect(store.value?.socket).toBe(log.sockets[1]);
    expect(log.mostLiveAtOnce).toBe(1);
    scope.stop();
    room.value = "c";
    await nextTick();
    expect(calls).toEqual(["create a", "close a", "dispose a", "create b", "close b", "dispose b"]);
    expect(log.sockets).toHaveLength(2);
  });

  it("gives useConnection and useTopic the store at once; they stop following it with the scope", () => {
    const { log, create } = setup();
    const scope = effectScope();
    const { connection, price } = scope.run(() => {
      const store = useSocketStore(create("a"));
      return { connection: useConnection(store), price: useTopic(store, "price") };
    })!;
    expect(connection.value?.status).toBe("connecting");
    log.sockets[0]!.open();
    log.sockets[0]!.receive("42");
    expect(connection.value?.status).toBe("open");
    expect(price.value).toBe(42);
    const last = connection.value;
    scope.stop();
    // The store is closing now, but the refs' subscriptions ended with the scope.
    expect(log.sockets[0]!.readyState).toBe(2);
    expect(connection.value).toBe(last);
    expect(price.value).toBe(42);
  });
});

describe("useSocketStore with no component and no effect scope", () => {
  it("throws ERR_INVALID_ARGUMENT and creates nothing: nothing would ever close the socket", () => {
    const { log, create } = setup();
    let error: unknown;
    try {
      useSocketStore(create("a"));
    } catch (caught) {
      error = caught;
    }
    expect(isSocketStoreError(error) && error.code).toBe("ERR_INVALID_ARGUMENT");
    expect(isSocketStoreError(error) && error.message).toContain("useSocketStore");
    expect(log.sockets).toHaveLength(0);
  });
});
