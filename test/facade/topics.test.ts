import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MessageEventLike } from "../../src/index.js";
import { Harness, openStore } from "./harness.js";

let harness: Harness;
beforeEach(() => {
  harness = new Harness();
});
afterEach(() => harness.stop());

type Topics = { price: number; news: string };

function route(event: MessageEventLike) {
  const message = JSON.parse(String(event.data)) as { topic: keyof Topics; value: never } | { ignore: true };
  return "ignore" in message ? undefined : message;
}

describe("topics", () => {
  it("calls onMessage, then route, whose update becomes the topic value and notifies its subscribers", () => {
    const order: string[] = [];
    const store = openStore<Topics>(harness, {
      onMessage: () => order.push("onMessage"),
      route: (event) => {
        order.push("route");
        return route(event);
      },
    });
    const price = store.topic("price");
    const onPrice = vi.fn(() => order.push(`price:${price.get()}`));
    const onNews = vi.fn();
    price.subscribe(onPrice);
    store.topic("news").subscribe(onNews);
    expect(price.get()).toBeUndefined();
    harness.lastConnection.send(JSON.stringify({ topic: "price", value: 42 }));
    expect(price.get()).toBe(42);
    expect(order).toEqual(["onMessage", "route", "price:42"]);
    expect(onNews).not.toHaveBeenCalled();
  });

  it("leaves topics untouched when route returns undefined, and reports nothing", () => {
    const onError = vi.fn();
    const store = openStore<Topics>(harness, { route, onError });
    harness.lastConnection.send(JSON.stringify({ topic: "news", value: "first" }));
    const listener = vi.fn();
    store.topic("news").subscribe(listener);
    harness.lastConnection.send(JSON.stringify({ ignore: true }));
    expect(store.topic("news").get()).toBe("first");
    expect(listener).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
    expect(store.getSnapshot().lastError).toBeNull();
  });

  it("notifies only when the value changes", () => {
    const store = openStore<Topics>(harness, { route });
    const listener = vi.fn();
    store.topic("price").subscribe(listener);
    harness.lastConnection.send(JSON.stringify({ topic: "price", value: 1 }));
    harness.lastConnection.send(JSON.stringify({ topic: "price", value: 1 }));
    harness.lastConnection.send(JSON.stringify({ topic: "price", value: 2 }));
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it("returns the same view for the same topic, and stops notifying after unsubscribe", () => {
    const store = openStore<Topics>(harness, { route });
    expect(store.topic("price")).toBe(store.topic("price"));
    const listener = vi.fn();
    const unsubscribe = store.topic("price").subscribe(listener);
    unsubscribe();
    harness.lastConnection.send(JSON.stringify({ topic: "price", value: 3 }));
    expect(listener).not.toHaveBeenCalled();
    expect(store.topic("price").get()).toBe(3);
  });

  it("runs no further topic listener once one of them disposed the store, and reports a throwing one", () => {
    const store = openStore<Topics>(harness, { route });
    const reported = vi.fn();
    vi.stubGlobal("reportError", reported);
    const order: string[] = [];
    store.topic("price").subscribe(() => {
      order.push("throws");
      throw new Error("listener failed");
    });
    store.topic("price").subscribe(() => {
      order.push("disposes");
      store.dispose();
    });
    store.topic("price").subscribe(() => order.push("after dispose"));
    harness.lastConnection.send(JSON.stringify({ topic: "price", value: 5 }));
    vi.unstubAllGlobals();
    expect(order).toEqual(["throws", "disposes"]);
    expect(reported).toHaveBeenCalledWith(new Error("listener failed"));
    expect(store.topic("price").get()).toBe(5);
  });

  it("keeps the last values after the socket closed", () => {
    const store = openStore<Topics>(harness, { route });
    harness.lastConnection.send(JSON.stringify({ topic: "price", value: 7 }));
    harness.lastConnection.close({ code: 1001 });
    harness.flush();
    expect(store.status).toBe("closed");
    expect(store.topic("price").get()).toBe(7);
  });

  it("reports a throwing route as ERR_ROUTE, drops that update and goes on", () => {
    const failure = new Error("bad payload");
    const onError = vi.fn();
    const store = openStore<Topics>(harness, {
      onError,
      route: (event) => {
        if (event.data === "boom") throw failure;
        return route(event);
      },
    });
    harness.lastConnection.send(JSON.stringify({ topic: "price", value: 1 }));
    harness.lastConnection.send("boom");
    expect(store.topic("price").get()).toBe(1);
    expect(onError).toHaveBeenCalledTimes(1);
    const error = onError.mock.calls[0]![0];
    expect(error.code).toBe("ERR_ROUTE");
    expect(error.cause).toBe(failure);
    expect(store.getSnapshot().lastError).toBe(error);
    expect(store.status).toBe("open");
    harness.lastConnection.send(JSON.stringify({ topic: "price", value: 2 }));
    expect(store.topic("price").get()).toBe(2);
  });

  it("reports a route result that is not { topic, value } as ERR_ROUTE", () => {
    const onError = vi.fn();
    const results: unknown[] = [null, 42, { value: 1 }];
    const store = openStore<Topics>(harness, { onError, route: () => results.shift() as never });
    harness.lastConnection.send("x");
    harness.lastConnection.send("y");
    harness.lastConnection.send("z");
    expect(onError.mock.calls.map(([error]) => [error.code, error.cause])).toEqual([
      ["ERR_ROUTE", null],
      ["ERR_ROUTE", 42],
      ["ERR_ROUTE", { value: 1 }],
    ]);
    expect(store.status).toBe("open");
  });

  it("refuses a topic listener that is not a function", () => {
    const store = openStore<Topics>(harness, { route });
    expect(() => store.topic("price").subscribe("nope" as never)).toThrowError(expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" }));
  });
});
