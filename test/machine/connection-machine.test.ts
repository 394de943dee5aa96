import { describe, expect, it } from "vitest";
import { initialTransition, transition, type SnapshotFrom } from "xstate";
import { connectionMachine, type ConnectionEvent, type ConnectionInput } from "../../machines/connection.js";

type Snapshot = SnapshotFrom<typeof connectionMachine>;

const enabled: ConnectionInput["reconnect"] = { enabled: true, maxAttempts: 2, backoff: "exponential", initialDelayMs: 100, maxDelayMs: 1000 };
const disabled: ConnectionInput["reconnect"] = { ...enabled, enabled: false };

function start(readyState: number, reconnect = enabled): Snapshot {
  return initialTransition(connectionMachine, { readyState, reconnect })[0];
}

function run(snapshot: Snapshot, ...events: ConnectionEvent[]): Snapshot {
  for (const event of events) snapshot = transition(connectionMachine, snapshot, event)[0];
  return snapshot;
}

function emitted(snapshot: Snapshot, event: ConnectionEvent): unknown[] {
  return transition(connectionMachine, snapshot, event)[1]
    .filter((action) => (action.type as string) === "xstate.emit")
    .map((action) => ((action as { params?: { event?: unknown } }).params ?? {}).event);
}

const status = (snapshot: Snapshot) => (typeof snapshot.value === "string" ? snapshot.value : Object.keys(snapshot.value)[0]);

describe("connectionMachine", () => {
  it.each([
    [0, "connecting"],
    [1, "open"],
    [2, "closing"],
    [3, "closed"],
  ])("starts from readyState %i in %s", (readyState, expected) => {
    expect(status(start(readyState))).toBe(expected);
  });

  it("never retries when reconnect is disabled, whatever the predicate said", () => {
    const closed = run(start(1, disabled), { type: "SOCKET.CLOSED", retryOnClose: true });
    expect(closed.value).toBe("closed");
    expect(closed.context.attempt).toBe(0);
  });

  it("retries a remote close unless the predicate declines", () => {
    expect(run(start(1), { type: "SOCKET.CLOSED" }).value).toBe("reconnecting");
    expect(run(start(1), { type: "SOCKET.CLOSED", retryOnClose: true }).value).toBe("reconnecting");
    expect(run(start(1), { type: "SOCKET.CLOSED", retryOnClose: false }).value).toBe("closed");
  });

  it("retries a direct application close only when the predicate accepts", () => {
    const closing = run(start(1), { type: "SOCKET.CLOSE_CALLED" });
    expect(closing.value).toEqual({ closing: "byApplication" });
    expect(run(closing, { type: "SOCKET.CLOSED" }).value).toBe("closed");
    expect(run(closing, { type: "SOCKET.CLOSED", retryOnClose: false }).value).toBe("closed");
    expect(run(closing, { type: "SOCKET.CLOSED", retryOnClose: true }).value).toBe("reconnecting");
  });

  it("treats a close after store.close() as terminal", () => {
    const closing = run(start(1), { type: "STORE.CLOSE" });
    expect(closing.value).toEqual({ closing: "byStore" });
    expect(closing.hasTag("asksRetryOnClose")).toBe(false);
    expect(run(closing, { type: "SOCKET.CLOSED", retryOnClose: true }).value).toBe("closed");
  });

  it("schedules attempt n with delay(n) and asks for a replacement when it fires", () => {
    const reconnecting = run(start(1), { type: "SOCKET.CLOSED" });
    expect(reconnecting.context).toMatchObject({ attempt: 1, retryDelayMs: 100 });
    const fired = { type: "xstate.after.backoff.connection.reconnecting" } as unknown as ConnectionEvent;
    expect(emitted(reconnecting, fired)).toEqual([{ type: "createReplacement", attempt: 1, request: 1 }]);
    const connecting = run(reconnecting, fired);
    expect(connecting.value).toEqual({ connecting: "creatingSocket" });
    expect(connecting.context).toMatchObject({ attempt: 1, retryDelayMs: null });
    const again = run(connecting, { type: "REPLACEMENT.READY", request: 1, readyState: 3 });
    expect(again.context).toMatchObject({ attempt: 2, retryDelayMs: 200 });
  });

  it("ends in error with a report when the budget alone ends the outage", () => {
    const fired = { type: "xstate.after.backoff.connection.reconnecting" } as unknown as ConnectionEvent;
    let snapshot = run(start(1), { type: "SOCKET.CLOSED" }, fired, { type: "REPLACEMENT.FAILED", request: 1 });
    expect(snapshot.value).toBe("reconnecting");
    expect(snapshot.context.attempt).toBe(2);
    snapshot = run(snapshot, fired);
    expect(emitted(snapshot, { type: "REPLACEMENT.FAILED", request: 2 })).toEqual([{ type: "reconnectExhausted", attempt: 2 }]);
    const failed = run(snapshot, { type: "REPLACEMENT.FAILED", request: 2 });
    expect(failed.value).toBe("error");
    expect(failed.context.attempt).toBe(2);
    const declined = run(snapshot, { type: "REPLACEMENT.READY", request: 2, readyState: 0 }, { type: "SOCKET.CLOSED", retryOnClose: false });
    expect(declined.value).toBe("closed");
    expect(declined.context.attempt).toBe(2);
  });

  it("counts a close during the stability window as a failed attempt, and a close after it as a fresh outage", () => {
    const settling = run(start(1, { ...enabled, maxAttempts: 1 }), { type: "SOCKET.CLOSED" }, { type: "STORE.RECONNECT" }, { type: "REPLACEMENT.READY", request: 1, readyState: 1 });
    expect(settling.value).toEqual({ open: "settling" });
    expect(emitted(settling, { type: "SOCKET.CLOSED" })).toEqual([{ type: "reconnectExhausted", attempt: 1 }]);
    expect(run(settling, { type: "SOCKET.CLOSED" }).value).toBe("error");
    const stable = run(settling, { type: "xstate.after.stabilityWindow.connection.open.settling" } as unknown as ConnectionEvent);
    expect(stable.value).toEqual({ open: "stable" });
    expect(stable.context.attempt).toBe(0);
    expect(run(stable, { type: "SOCKET.CLOSED" }).context.attempt).toBe(1);
  });

  it("lets store.reconnect() start a fresh outage only from closed, error or reconnecting", () => {
    expect(run(start(3), { type: "STORE.RECONNECT" }).value).toEqual({ connecting: "creatingSocket" });
    expect(run(start(3, disabled), { type: "STORE.RECONNECT" }).value).toBe("closed");
    for (const readyState of [0, 1, 2]) {
      const before = start(readyState);
      expect(run(before, { type: "STORE.RECONNECT" }).value).toEqual(before.value);
    }
  });

  it("goes straight to closed when closed while the factory is pending", () => {
    const creating = run(start(3), { type: "STORE.RECONNECT" });
    expect(run(creating, { type: "STORE.CLOSE" }).value).toBe("closed");
    expect(run(creating, { type: "STORE.RECONNECT" }).value).toEqual(creating.value);
  });

  it("ignores the result of a factory call it no longer waits for", () => {
    const creating = run(start(3), { type: "STORE.RECONNECT" });
    expect(creating.context.replacementRequest).toBe(1);
    expect(run(creating, { type: "REPLACEMENT.READY", request: 0, readyState: 1 }).value).toEqual(creating.value);
    expect(run(creating, { type: "REPLACEMENT.FAILED", request: 2 }).value).toEqual(creating.value);
    expect(run(creating, { type: "REPLACEMENT.READY", request: 1, readyState: 1 }).value).toEqual({ open: "settling" });
  });

  describe("STORE.DROP", () => {
    it("is judged like a remote close while connecting, open or closing on its own", () => {
      for (const readyState of [0, 1, 2]) {
        expect(run(start(readyState), { type: "STORE.DROP" }).value).toBe("reconnecting");
        expect(run(start(readyState), { type: "STORE.DROP", retryOnClose: false }).value).toBe("closed");
        expect(run(start(readyState, disabled), { type: "STORE.DROP" }).value).toBe("closed");
      }
    });

    it("follows the application-close rule after a direct socket.close() and is terminal after store.close()", () => {
      const byApplication = run(start(1), { type: "SOCKET.CLOSE_CALLED" });
      expect(run(byApplication, { type: "STORE.DROP" }).value).toBe("closed");
      expect(run(byApplication, { type: "STORE.DROP", retryOnClose: true }).value).toBe("reconnecting");
      expect(run(start(1), { type: "STORE.CLOSE" }, { type: "STORE.DROP", retryOnClose: true }).value).toBe("closed");
    });

    it("fails the pending factory call as an attempt, and is not accepted where there is no connection", () => {
      const creating = run(start(3, { ...enabled, maxAttempts: 1 }), { type: "STORE.RECONNECT" });
      expect(run(creating, { type: "STORE.DROP" }).value).toBe("error");
      const twice = run(start(3), { type: "STORE.RECONNECT" }, { type: "STORE.DROP" });
      expect(twice.value).toBe("reconnecting");
      expect(twice.context.attempt).toBe(2);
      for (const waiting of [twice, start(3), run(creating, { type: "STORE.DROP" })]) {
        expect(waiting.can({ type: "STORE.DROP" })).toBe(false);
      }
    });

    it("counts a drop during the stability window as a failed attempt", () => {
      const settling = run(start(3, { ...enabled, maxAttempts: 1 }), { type: "STORE.RECONNECT" }, { type: "REPLACEMENT.READY", request: 1, readyState: 1 });
      expect(run(settling, { type: "STORE.DROP" }).value).toBe("error");
    });
  });

  it("reaches the final disposed state from anywhere", () => {
    for (const readyState of [0, 1, 2, 3]) {
      const disposed = run(start(readyState), { type: "DISPOSE" });
      expect(disposed.value).toBe("disposed");
      expect(disposed.status).toBe("done");
    }
  });
});
