import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SocketStore, type WebSocketLike } from "../../src/index.js";
import { Harness, openStore } from "./harness.js";

let harness: Harness;
beforeEach(() => {
  harness = new Harness();
});
afterEach(() => {
  harness.stop();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function boom(label: string) {
  return () => {
    throw new Error(label);
  };
}

describe("callbacks that throw", () => {
  it("are reported with globalThis.reportError and do not stop the other callbacks or the change", () => {
    const reportError = vi.fn();
    vi.stubGlobal("reportError", reportError);
    const later = vi.fn();
    const socket = harness.connect();
    const store = new SocketStore(socket as unknown as WebSocketLike, {
      onOpen: boom("onOpen"),
      onStatusChange: boom("onStatusChange"),
      onMessage: boom("onMessage"),
      onClose: boom("onClose"),
      onError: boom("onError"),
      route: () => ({ topic: "t", value: 1 }),
    });
    store.subscribe(boom("subscriber"));
    store.subscribe(later);
    store.topic("t").subscribe(boom("topic listener"));
    harness.flush();
    expect(store.status).toBe("open");
    expect(later).toHaveBeenCalledTimes(1);
    harness.lastConnection.send("m");
    expect(store.topic("t").get()).toBe(1);
    harness.server.simulate("error");
    expect(store.getSnapshot().lastError?.code).toBe("ERR_SOCKET_ERROR");
    harness.lastConnection.close({ code: 1001 });
    harness.flush();
    expect(store.status).toBe("closed");
    // open, lastError, then lastClose and closed together: three changes.
    expect(later).toHaveBeenCalledTimes(3);
    const labels = reportError.mock.calls.map(([error]) => (error as Error).message);
    expect(labels).toEqual(
      expect.arrayContaining(["onOpen", "onStatusChange", "onMessage", "onClose", "onError", "subscriber", "topic listener"]),
    );
  });

  it("are re-thrown in a microtask where reportError does not exist", async () => {
    vi.stubGlobal("reportError", undefined);
    const thrown: unknown[] = [];
    const queueMicrotask = vi.spyOn(globalThis, "queueMicrotask").mockImplementation((task) => {
      try {
        task();
      } catch (error) {
        thrown.push(error);
      }
    });
    const store = openStore(harness, { onMessage: boom("late") });
    harness.lastConnection.send("m");
    expect(queueMicrotask).toHaveBeenCalled();
    expect(thrown.map((error) => (error as Error).message)).toEqual(["late"]);
    expect(store.status).toBe("open");
  });

  it("can call back into the store (close from onOpen) and the store stays consistent", () => {
    let store: SocketStore | undefined;
    const socket = harness.connect();
    store = new SocketStore(socket as unknown as WebSocketLike, { onOpen: () => store!.close(1000) });
    harness.flush();
    expect(store.status).toBe("closing");
    harness.flush();
    expect(store.status).toBe("closed");
  });
});
