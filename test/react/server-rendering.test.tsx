// @vitest-environment node
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { SocketStore } from "../../src/index.js";
import { useConnection, useSocketStore, useTopic } from "../../src/react/index.js";
import { SocketLog } from "./socket-log.js";

type Topics = { price: number };

describe("server rendering", () => {
  it("renders the null state and never calls create", () => {
    const log = new SocketLog();
    const create = vi.fn(() => new SocketStore<Topics>(log.create({ readyState: 1 })));
    function Ticker() {
      const store = useSocketStore(create, []);
      const connection = useConnection(store);
      const price = useTopic(store, "price");
      return (
        <p>
          {connection === null ? "no connection" : connection.status} / {price === undefined ? "no price" : price}
        </p>
      );
    }
    const html = renderToString(<Ticker />);
    expect(html).toBe("<p>no connection<!-- --> / <!-- -->no price</p>");
    expect(create).not.toHaveBeenCalled();
    expect(log.sockets).toHaveLength(0);
  });

  it("renders the null state even for a store made outside React, as hydration expects", () => {
    const log = new SocketLog();
    const store = new SocketStore<Topics>(log.create({ readyState: 1 }), { route: (event) => ({ topic: "price", value: Number(event.data) }) });
    log.sockets[0]!.receive("42");
    function Ticker() {
      const connection = useConnection(store);
      const price = useTopic(store, "price");
      return <p>{`${connection?.status ?? "no connection"} / ${price ?? "no price"}`}</p>;
    }
    expect(store.topic("price").get()).toBe(42);
    expect(renderToString(<Ticker />)).toBe("<p>no connection / no price</p>");
    store.dispose();
  });
});
