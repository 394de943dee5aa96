// @vitest-environment jsdom
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SocketStore } from "../../src/index.js";
import { useConnection, useSocketStore, useTopic } from "../../src/react/index.js";
import type { TestSocket } from "../../src/testing/test-socket.js";
import { SocketLog } from "./socket-log.js";

afterEach(cleanup);

type Topics = { price: number; volume: number };

const renders = { app: 0, banner: 0, price: 0, volume: 0 };
const resetRenders = () => {
  for (const name of Object.keys(renders) as (keyof typeof renders)[]) renders[name] = 0;
};
beforeEach(resetRenders);

function Banner({ store }: { store: SocketStore<Topics> | null }) {
  renders.banner++;
  const connection = useConnection(store);
  return <p aria-label="connection">{connection?.status ?? "no store"}</p>;
}

function Price({ store }: { store: SocketStore<Topics> | null }) {
  renders.price++;
  const price = useTopic(store, "price");
  return <output aria-label="price">{price ?? "none"}</output>;
}

function Volume({ store }: { store: SocketStore<Topics> | null }) {
  renders.volume++;
  const volume = useTopic(store, "volume");
  return <output aria-label="volume">{volume ?? "none"}</output>;
}

function App({ log }: { log: SocketLog }) {
  renders.app++;
  const store = useSocketStore(
    () =>
      new SocketStore<Topics>(log.create(), {
        route: (event) => JSON.parse(event.data as string) as { topic: "price"; value: number } | { topic: "volume"; value: number },
      }),
    [],
  );
  return (
    <>
      <Banner store={store} />
      <Price store={store} />
      <Volume store={store} />
    </>
  );
}

function mountApp(): TestSocket {
  const log = new SocketLog();
  render(<App log={log} />);
  resetRenders();
  return log.sockets[0]!;
}

const text = (name: string) => screen.getByLabelText(name).textContent;

describe("useConnection and useTopic", () => {
  it("re-render only the component that reads the status when the status changes", () => {
    const socket = mountApp();
    act(() => socket.open());
    expect(text("connection")).toBe("open");
    expect(renders).toEqual({ app: 0, banner: 1, price: 0, volume: 0 });
  });

  it("re-render only the component that reads a topic when that topic changes", () => {
    const socket = mountApp();
    act(() => socket.open());
    resetRenders();
    act(() => socket.receive(JSON.stringify({ topic: "price", value: 101 })));
    expect(text("price")).toBe("101");
    expect(renders).toEqual({ app: 0, banner: 0, price: 1, volume: 0 });
    act(() => socket.receive(JSON.stringify({ topic: "volume", value: 7 })));
    expect(text("volume")).toBe("7");
    expect(renders).toEqual({ app: 0, banner: 0, price: 1, volume: 1 });
  });

  it("do not re-render when a message repeats a topic's value", () => {
    const socket = mountApp();
    act(() => socket.open());
    act(() => socket.receive(JSON.stringify({ topic: "price", value: 101 })));
    resetRenders();
    act(() => socket.receive(JSON.stringify({ topic: "price", value: 101 })));
    expect(renders).toEqual({ app: 0, banner: 0, price: 0, volume: 0 });
  });

  it("render the store's values after it was created in an effect", () => {
    const log = new SocketLog();
    render(<App log={log} />);
    expect(text("connection")).toBe("connecting");
    expect(text("price")).toBe("none");
  });

  it("give null and undefined for a null store", () => {
    render(
      <>
        <Banner store={null} />
        <Price store={null} />
      </>,
    );
    expect(text("connection")).toBe("no store");
    expect(text("price")).toBe("none");
  });

  it("follow a new store in the very render that receives it", () => {
    const log = new SocketLog();
    const first = new SocketStore<Topics>(log.create({ readyState: 1 }), { route: (event) => JSON.parse(event.data as string) });
    const second = new SocketStore<Topics>(log.create({ readyState: 0 }), { route: (event) => JSON.parse(event.data as string) });
    log.sockets[0]!.receive(JSON.stringify({ topic: "price", value: 1 }));
    log.sockets[1]!.receive(JSON.stringify({ topic: "price", value: 2 }));
    const seen: string[] = [];
    function Both({ store }: { store: SocketStore<Topics> }) {
      const connection = useConnection(store);
      const price = useTopic(store, "price");
      seen.push(`${connection?.status} ${price}`);
      return null;
    }
    const view = render(<Both store={first} />);
    view.rerender(<Both store={second} />);
    expect(seen).toEqual(["open 1", "connecting 2"]);
    act(() => log.sockets[0]!.receive(JSON.stringify({ topic: "price", value: 3 })));
    expect(seen).toHaveLength(2);
    first.dispose();
    second.dispose();
  });
});
