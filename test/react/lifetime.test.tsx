// @vitest-environment jsdom
import { act, cleanup, render, screen } from "@testing-library/react";
import { useRef } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SocketStore, type MessageEventLike, type SocketStoreOptions } from "../../src/index.js";
import { useConnection, useSocketStore } from "../../src/react/index.js";
import { SocketLog } from "./socket-log.js";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function setup(options?: (log: SocketLog) => SocketStoreOptions) {
  const log = new SocketLog();
  const stores: SocketStore[] = [];
  const handled: string[] = [];
  const rendered: (SocketStore | null)[] = [];
  function Feed({ room }: { room: string }) {
    const store = useSocketStore(() => {
      const socket = log.create();
      const store = new SocketStore(
        socket,
        {
          onOpen: () => handled.push(`${room} open`),
          onMessage: (event) => handled.push(`${room} message ${event.data}`),
          onClose: () => handled.push(`${room} close`),
          onStatusChange: (next) => handled.push(`${room} status ${next.status}`),
        },
        options?.(log),
      );
      stores.push(store);
      return store;
    }, [room]);
    rendered.push(store);
    const connection = useConnection(store);
    return <p aria-label="connection">{connection?.status ?? "no store"}</p>;
  }
  return { log, stores, handled, rendered, Feed };
}

const shownStatus = () => screen.getByLabelText("connection").textContent;

describe("useSocketStore when its deps change", () => {
  it("closes the old socket, disposes the old store and creates the next one", () => {
    const { log, stores, Feed } = setup();
    const view = render(<Feed room="a" />);
    act(() => log.sockets[0]!.open());
    view.rerender(<Feed room="b" />);
    expect(log.sockets).toHaveLength(2);
    expect(log.sockets[0]!.closeCalls).toEqual([{ code: undefined, reason: undefined }]);
    expect(log.sockets[0]!.listenerCount()).toBe(0);
    expect(log.live()).toEqual([log.sockets[1]]);
    expect(log.mostLiveAtOnce).toBe(1);
    expect(() => stores[0]!.send("x")).toThrow(expect.objectContaining({ code: "ERR_STORE_DISPOSED" }));
    expect(shownStatus()).toBe("connecting");
  });

  it("runs no handler of the old store afterwards", () => {
    const { log, handled, Feed } = setup();
    const view = render(<Feed room="a" />);
    act(() => log.sockets[0]!.open());
    view.rerender(<Feed room="b" />);
    handled.length = 0;
    act(() => {
      log.sockets[0]!.receive("late");
      log.sockets[0]!.serverClose();
      log.sockets[1]!.open();
    });
    expect(handled.filter((entry) => entry.startsWith("a "))).toEqual([]);
    expect(handled).toContain("b open");
    expect(shownStatus()).toBe("open");
  });

  it("hands out null in the render whose deps changed, never the store being retired", () => {
    const { stores, rendered, Feed } = setup();
    const view = render(<Feed room="a" />);
    rendered.length = 0;
    view.rerender(<Feed room="b" />);
    expect(rendered).toEqual([null, stores[1]]);
  });

  it("keeps the store when the component re-renders with the same deps", () => {
    const { log, stores, rendered, Feed } = setup();
    const view = render(<Feed room="a" />);
    view.rerender(<Feed room="a" />);
    expect(log.sockets).toHaveLength(1);
    expect(rendered.at(-1)).toBe(stores[0]);
  });
});

describe("useSocketStore on unmount", () => {
  it("closes the socket and disposes the store: no listener is left and no handler runs", () => {
    const { log, stores, handled, Feed } = setup();
    const view = render(<Feed room="a" />);
    act(() => log.sockets[0]!.open());
    view.unmount();
    const [socket] = log.sockets;
    expect(socket!.readyState).toBe(2);
    expect(socket!.closeCalls).toEqual([{ code: undefined, reason: undefined }]);
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
    const view = render(<Feed room="a" />);
    act(() => log.sockets[0]!.open());
    act(() => log.sockets[0]!.serverClose({ code: 1006 }));
    expect(shownStatus()).toBe("reconnecting");
    expect(vi.getTimerCount()).toBe(1);
    view.unmount();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(log.sockets).toHaveLength(1);
  });

  it("closes a replacement socket the store obtained, and leaves no timer", () => {
    vi.useFakeTimers();
    const { log, Feed } = setup((log) => ({
      reconnect: { enabled: true, initialDelayMs: 100, maxDelayMs: 1_000, createSocket: () => log.create() },
    }));
    const view = render(<Feed room="a" />);
    act(() => log.sockets[0]!.open());
    act(() => log.sockets[0]!.serverClose({ code: 1006 }));
    act(() => vi.advanceTimersByTime(100));
    act(() => log.sockets[1]!.open());
    expect(shownStatus()).toBe("open");
    view.unmount();
    expect(log.live()).toEqual([]);
    expect(log.sockets.map((socket) => socket.listenerCount())).toEqual([0, 0]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("handlers kept in a ref", () => {
  function Chat({ log, onMessage }: { log: SocketLog; onMessage: (event: MessageEventLike) => void }) {
    const onMessageRef = useRef(onMessage);
    onMessageRef.current = onMessage;
    const store = useSocketStore(() => new SocketStore(log.create(), { onMessage: (event) => onMessageRef.current(event) }), []);
    return <p aria-label="connection">{useConnection(store)?.status ?? "no store"}</p>;
  }

  it("reach the handler of the latest render without creating another socket", () => {
    const log = new SocketLog();
    const first = vi.fn();
    const second = vi.fn();
    const view = render(<Chat log={log} onMessage={first} />);
    act(() => log.sockets[0]!.open());
    act(() => log.sockets[0]!.receive("one"));
    view.rerender(<Chat log={log} onMessage={second} />);
    act(() => log.sockets[0]!.receive("two"));
    expect(first.mock.calls.map(([event]) => event.data)).toEqual(["one"]);
    expect(second.mock.calls.map(([event]) => event.data)).toEqual(["two"]);
    expect(log.sockets).toHaveLength(1);
  });
});
