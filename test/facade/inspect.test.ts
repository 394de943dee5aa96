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

  it("accepts an observer, as createActor does, and calls its next with the same events and itself as this", () => {
    const fromFunction: string[] = [];
    const fromObserver: string[] = [];
    const receivers: unknown[] = [];
    const first = socket();
    new SocketStore(first, {}, { inspect: (event) => fromFunction.push((event as { type: string }).type) });
    const second = socket();
    const observer = {
      next(event: { type: string }) {
        receivers.push(this);
        fromObserver.push(event.type);
      },
    };
    const store = new SocketStore(second, {}, { inspect: observer });
    for (const observed of [first, second]) {
      observed.fire("open");
      observed.fire("close", { code: 1000, reason: "", wasClean: true });
    }
    expect(store.status).toBe("closed");
    expect(fromObserver.length).toBeGreaterThan(0);
    expect(fromObserver).toEqual(fromFunction);
    expect(receivers.every((receiver) => receiver === observer)).toBe(true);
  });

  it("shows the exact state, substates included, in the snapshots it receives", () => {
    const values: unknown[] = [];
    const observed = socket();
    new SocketStore(observed, {}, {
      inspect: {
        next: (event: { type: string; snapshot?: { value?: unknown } }) => {
          if (event.type === "@xstate.snapshot") values.push(event.snapshot?.value);
        },
      },
    });
    observed.fire("open");
    expect(values).toEqual([{ live: { connecting: "handshake" } }, { live: { open: "stable" } }]);
  });

  it("accepts an observer without next (nothing to call) and one whose next throws, which is reported", () => {
    const reportError = vi.fn();
    vi.stubGlobal("reportError", reportError);
    try {
      const quiet = socket();
      const quietStore = new SocketStore(quiet, {}, { inspect: { complete: () => {} } });
      quiet.fire("open");
      expect(quietStore.status).toBe("open");
      expect(reportError).not.toHaveBeenCalled();
      const observed = socket();
      const store = new SocketStore(observed, {}, {
        inspect: {
          next: () => {
            throw new Error("observer bug");
          },
        },
      });
      observed.fire("open");
      expect(store.status).toBe("open");
      expect(reportError).toHaveBeenCalledWith(expect.objectContaining({ message: "observer bug" }));
    } finally {
      vi.unstubAllGlobals();
    }
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
