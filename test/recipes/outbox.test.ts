import { afterEach, describe, expect, it, vi } from "vitest";
import { createOutbox } from "../../examples/recipes/outbox.js";
import { SocketStore, type SocketStoreReconnectOptions } from "../../src/index.js";
import { TestSocket } from "../../src/testing/test-socket.js";

afterEach(() => {
  vi.useRealTimers();
});

const fixedReconnect: SocketStoreReconnectOptions = { enabled: true, backoff: "fixed", initialDelayMs: 100, maxDelayMs: 1000 };

/** The socket the store observes now, as the test double it is. */
const observed = (store: SocketStore<any>) => store.socket as unknown as TestSocket;

describe("createOutbox()", () => {
  it("sends at once while the store is open", () => {
    const socket = new TestSocket(undefined, undefined, { readyState: 1 });
    const outbox = createOutbox(new SocketStore(socket), { capacity: 3 });
    outbox.send("now");
    expect(socket.sent).toEqual(["now"]);
    expect(outbox.size).toBe(0);
  });

  it("keeps messages while the store is connecting and sends them in order when it opens", () => {
    const socket = new TestSocket();
    const outbox = createOutbox(new SocketStore(socket), { capacity: 3 });
    outbox.send("a");
    outbox.send("b");
    outbox.send("c");
    expect(outbox.size).toBe(3);
    expect(socket.sent).toEqual([]);

    socket.open();
    expect(socket.sent).toEqual(["a", "b", "c"]);
    expect(outbox.size).toBe(0);
  });

  it("keeps messages through an outage and sends them into the replacement socket once it opens", () => {
    vi.useFakeTimers();
    const first = new TestSocket(undefined, undefined, { readyState: 1 });
    const store = new SocketStore(first, {}, { reconnect: fixedReconnect });
    const outbox = createOutbox(store, { capacity: 10 });

    first.serverClose({ code: 1006, wasClean: false });
    expect(store.status).toBe("reconnecting");
    outbox.send("during the wait");
    vi.advanceTimersByTime(100);
    expect(store.status).toBe("connecting");
    outbox.send("while connecting");
    const replacement = observed(store);
    expect(replacement).not.toBe(first);
    expect(replacement.sent).toEqual([]);

    replacement.open();
    expect(replacement.sent).toEqual(["during the wait", "while connecting"]);
    expect(first.sent).toEqual([]);
    expect(outbox.size).toBe(0);
  });

  it("drops the oldest message when it is full and reports it through onDrop", () => {
    const socket = new TestSocket();
    const onDrop = vi.fn();
    const outbox = createOutbox(new SocketStore(socket), { capacity: 2, onDrop });
    outbox.send("1");
    outbox.send("2");
    expect(onDrop).not.toHaveBeenCalled();
    outbox.send("3");
    expect(onDrop).toHaveBeenCalledTimes(1);
    expect(onDrop).toHaveBeenCalledWith("1", "overflow");
    expect(outbox.size).toBe(2);

    socket.open();
    expect(socket.sent).toEqual(["2", "3"]);
  });

  it("with capacity 0 keeps nothing and reports every message it could not send", () => {
    const socket = new TestSocket();
    const onDrop = vi.fn();
    const outbox = createOutbox(new SocketStore(socket), { capacity: 0, onDrop });
    outbox.send("lost");
    expect(onDrop).toHaveBeenCalledWith("lost", "overflow");
    expect(outbox.size).toBe(0);
    socket.open();
    expect(socket.sent).toEqual([]);
  });

  it("sends what was waiting before a message the app sends from its own subscriber on open", () => {
    const socket = new TestSocket();
    const store = new SocketStore(socket);
    let outbox: ReturnType<typeof createOutbox> | undefined;
    // Subscribed before the outbox, so it runs first when the store opens.
    store.subscribe(() => {
      if (store.status === "open") outbox?.send("hello from the app");
    });
    outbox = createOutbox(store, { capacity: 5 });
    outbox.send("queued 1");
    outbox.send("queued 2");

    socket.open();
    expect(socket.sent).toEqual(["queued 1", "queued 2", "hello from the app"]);
  });

  it("replays nothing after store.close(): the queue is emptied and reported, and a later reconnect() starts empty", () => {
    const socket = new TestSocket();
    const onDrop = vi.fn();
    const store = new SocketStore(socket, {}, { reconnect: fixedReconnect });
    const outbox = createOutbox(store, { capacity: 5, onDrop });
    outbox.send("a");
    outbox.send("b");

    store.close();
    expect(store.status).toBe("closing");
    socket.serverClose();
    expect(store.status).toBe("closed");
    expect(outbox.size).toBe(0);
    expect(onDrop.mock.calls).toEqual([
      ["a", "closed"],
      ["b", "closed"],
    ]);
    expect(() => outbox.send("after close")).toThrowError(expect.objectContaining({ code: "ERR_SOCKET_NOT_OPEN" }));

    store.reconnect();
    const replacement = observed(store);
    expect(replacement).not.toBe(socket);
    replacement.open();
    expect(store.status).toBe("open");
    expect(replacement.sent).toEqual([]);
  });

  it("empties itself when the store gives up (status error)", () => {
    vi.useFakeTimers();
    const first = new TestSocket(undefined, undefined, { readyState: 1 });
    const onDrop = vi.fn();
    const store = new SocketStore(first, {}, { reconnect: { ...fixedReconnect, maxAttempts: 1 } });
    const outbox = createOutbox(store, { capacity: 5, onDrop });
    first.serverClose({ code: 1006, wasClean: false });
    outbox.send("never delivered");
    vi.advanceTimersByTime(100);
    observed(store).serverClose({ code: 1006, wasClean: false });

    expect(store.status).toBe("error");
    expect(onDrop).toHaveBeenCalledWith("never delivered", "closed");
    expect(outbox.size).toBe(0);
  });

  it("when disposed, drops what waits, sends nothing later and no longer queues", () => {
    const socket = new TestSocket();
    const onDrop = vi.fn();
    const store = new SocketStore(socket);
    const outbox = createOutbox(store, { capacity: 5, onDrop });
    outbox.send("pending");

    outbox();
    expect(onDrop).toHaveBeenCalledWith("pending", "disposed");
    expect(outbox.size).toBe(0);
    expect(() => outbox.send("after dispose")).toThrowError(expect.objectContaining({ code: "ERR_SOCKET_NOT_OPEN" }));

    socket.open();
    expect(socket.sent).toEqual([]);
    outbox();
    expect(onDrop).toHaveBeenCalledTimes(1);
  });

  it("sends nothing into a socket that opens after store.dispose()", () => {
    const socket = new TestSocket();
    const store = new SocketStore(socket);
    const outbox = createOutbox(store, { capacity: 5 });
    outbox.send("pending");

    store.dispose();
    socket.open();
    expect(socket.sent).toEqual([]);
    outbox();
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses capacity %s with a RangeError", (capacity) => {
    const store = new SocketStore(new TestSocket());
    expect(() => createOutbox(store, { capacity })).toThrowError(RangeError);
  });
});
