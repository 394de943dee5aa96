// @vitest-environment node
import { render } from "svelte/server";
import { describe, expect, it, vi } from "vitest";
import { SocketStore } from "../../src/index.js";
import { socketStore } from "../../src/svelte/index.js";
import { SocketLog } from "../react/socket-log.js";
import Feed from "./Feed.svelte";
import Ticker from "./Ticker.svelte";

describe("server rendering", () => {
  it("subscribes to a socketStore, which holds null and never calls create", () => {
    const log = new SocketLog();
    const create = vi.fn(() => new SocketStore(log.create({ readyState: 1 })));
    const feed = socketStore(create);
    const subscribe = vi.spyOn(feed, "subscribe");
    const { body } = render(Feed, { props: { feed } });
    expect(subscribe).toHaveBeenCalled();
    expect(body).toContain(`<p data-name="connection">no connection</p>`);
    expect(create).not.toHaveBeenCalled();
    expect(log.sockets).toHaveLength(0);
  });

  it("renders $connection and $price of a store made outside the component", () => {
    const log = new SocketLog();
    const store = new SocketStore<{ price: number }>(log.create({ readyState: 1 }), {
      route: (event) => ({ topic: "price", value: Number(event.data) }),
    });
    log.sockets[0]!.receive("42");
    const { body } = render(Ticker, { props: { store } });
    expect(body).toContain(`<p data-name="connection">open</p>`);
    expect(body).toContain(`<output data-name="price">42</output>`);
  });
});
