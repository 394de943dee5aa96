import { describe, expect, it, vi } from "vitest";
import { SocketStore, type WebSocketLike } from "../../src/index.js";

function socket(): WebSocketLike & { fire(type: string, extra?: object): void } {
  const target = new EventTarget();
  return {
    readyState: 0,
    addEventListener: target.addEventListener.bind(target),
    removeEventListener: target.removeEventListener.bind(target),
    send() {},
    close() {},
    fire(type, extra = {}) {
      target.dispatchEvent(Object.assign(new Event(type), extra));
    },
  };
}

describe("options.inspect", () => {
  it("receives the actor's inspection events, including the machine events the socket caused", () => {
    const events: { type: string; event?: { type: string } }[] = [];
    const observed = socket();
    const store = new SocketStore(observed, {}, { inspect: (event) => events.push(event as (typeof events)[number]) });
    observed.fire("open");
    observed.fire("close", { code: 1000, reason: "", wasClean: true });
    expect(store.status).toBe("closed");
    const types = new Set(events.map((event) => event.type));
    expect(types).toContain("@xstate.actor");
    expect(types).toContain("@xstate.snapshot");
    const received = events.filter((event) => event.type === "@xstate.event").map((event) => event.event!.type);
    expect(received).toEqual(expect.arrayContaining(["SOCKET.OPENED", "SOCKET.CLOSED"]));
  });

  it("is not involved in message delivery (messages never pass through the machine)", () => {
    const events: { type: string }[] = [];
    const observed = socket();
    const messages: unknown[] = [];
    new SocketStore(observed, { onMessage: (event) => messages.push(event.data) }, { inspect: (event) => events.push(event as { type: string }) });
    const before = events.length;
    observed.fire("message", { data: "x" });
    expect(messages).toEqual(["x"]);
    expect(events).toHaveLength(before);
  });

  it("that throws is reported and does not break the store", () => {
    const reportError = vi.fn();
    vi.stubGlobal("reportError", reportError);
    try {
      const observed = socket();
      const store = new SocketStore(observed, {}, {
        inspect: () => {
          throw new Error("inspector bug");
        },
      });
      observed.fire("open");
      expect(store.status).toBe("open");
      observed.fire("close", { code: 1000, reason: "", wasClean: true });
      expect(store.status).toBe("closed");
      expect(reportError).toHaveBeenCalledWith(expect.objectContaining({ message: "inspector bug" }));
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
