import { describe, expect, it } from "vitest";
import { initialTransition, transition } from "xstate";
import {
  connectionMachine,
  connectionSnapshotOf,
  statusOf,
  type ConnectionEvent,
  type ConnectionInput,
  type ConnectionMachineSnapshot as Snapshot,
} from "../../machines/connection.js";

const enabled: ConnectionInput["reconnect"] = {
  enabled: true,
  maxAttempts: 2,
  backoff: "exponential",
  initialDelayMs: 100,
  maxDelayMs: 1000,
  connectTimeoutMs: 500,
};
const disabled: ConnectionInput["reconnect"] = { ...enabled, enabled: false };
const REMOTE = { code: 1006, reason: "", wasClean: false };

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

/** The event of a state's delayed transition, as XState's public state node API names it. */
function after(stateId: string, delay: string): ConnectionEvent {
  const definition = connectionMachine.getStateNodeById(stateId).after.find((transition) => transition.delay === delay);
  if (!definition) throw new Error(`no delayed transition ${delay} on #${stateId}`);
  return { type: definition.eventType } as unknown as ConnectionEvent;
}

const closed = (retryOnClose?: boolean, close = REMOTE): ConnectionEvent => ({ type: "SOCKET.CLOSED", close, retryOnClose });
const dropped = (retryOnClose?: boolean): ConnectionEvent => ({ type: "STORE.DROP", close: REMOTE, retryOnClose });
const backoff = after("reconnecting", "backoff");

describe("connectionMachine", () => {
  it.each([
    [0, "connecting", "handshake"],
    [1, "open", "stable"],
    [2, "closing", "handedOver"],
    [3, "closed", "closed"],
  ])("starts from readyState %i in %s", (readyState, status, state) => {
    const snapshot = start(readyState);
    expect(statusOf(snapshot)).toBe(status);
    expect(snapshot.matches((status === "closed" ? { disconnected: "closed" } : { live: { [status]: state } }) as never)).toBe(true);
  });

  it("counts a disposed machine as closed, from any state", () => {
    for (const readyState of [0, 1, 2, 3]) {
      const disposed = run(start(readyState), { type: "DISPOSE" });
      expect(disposed.status).toBe("done");
      expect(statusOf(disposed)).toBe("closed");
    }
  });

  it("never retries when reconnect is disabled, whatever the predicate said", () => {
    const after = run(start(1, disabled), closed(true));
    expect(statusOf(after)).toBe("closed");
    expect(after.context.attempt).toBe(0);
  });

  it("records every close it is told of as lastClose, a late one included", () => {
    const close = { code: 4000, reason: "bye", wasClean: true };
    const reconnecting = run(start(1), closed(undefined, close));
    expect(connectionSnapshotOf(reconnecting)).toEqual({ status: "reconnecting", attempt: 1, retryDelayMs: 100, lastClose: close, lastError: null });
    const late = { code: 1001, reason: "", wasClean: true };
    expect(run(reconnecting, closed(undefined, late)).context.lastClose).toEqual(late);
  });

  it("records every reported error as lastError, in every state", () => {
    const error = Object.assign(new Error("x"), { code: "ERR_SOCKET_ERROR" });
    for (const readyState of [0, 1, 2, 3]) expect(run(start(readyState), { type: "ERROR.REPORTED", error }).context.lastError).toBe(error);
  });

  it("retries a remote close unless the predicate declines", () => {
    expect(statusOf(run(start(1), closed()))).toBe("reconnecting");
    expect(statusOf(run(start(1), closed(true)))).toBe("reconnecting");
    expect(statusOf(run(start(1), closed(false)))).toBe("closed");
  });

  it("retries a direct application close only when the predicate accepts", () => {
    const closing = run(start(1), { type: "SOCKET.CLOSE_CALLED" });
    expect(closing.matches({ live: { closing: "byApplication" } })).toBe(true);
    expect(statusOf(run(closing, closed()))).toBe("closed");
    expect(statusOf(run(closing, closed(false)))).toBe("closed");
    expect(statusOf(run(closing, closed(true)))).toBe("reconnecting");
  });

  it("treats a close after store.close() as terminal, and does not ask the predicate there", () => {
    const closing = run(start(1), { type: "STORE.CLOSE" });
    expect(closing.matches({ live: { closing: "byStore" } })).toBe(true);
    expect(closing.hasTag("asksRetryOnClose")).toBe(false);
    expect(statusOf(run(closing, closed(true)))).toBe("closed");
    expect(run(closing, closed(true)).context.lastClose).toEqual(REMOTE);
  });

  it("keeps judging a close as it was when the application calls close() on a socket that is already closing", () => {
    const byStore = run(start(1), { type: "STORE.CLOSE" }, { type: "SOCKET.CLOSE_CALLED" });
    expect(byStore.matches({ live: { closing: "byStore" } })).toBe(true);
    expect(run(start(2), { type: "SOCKET.CLOSE_CALLED" }).matches({ live: { closing: "handedOver" } })).toBe(true);
  });

  it("schedules attempt n with delay(n) and invokes createSocket for it when the delay ends", () => {
    const reconnecting = run(start(1), closed());
    expect(reconnecting.context).toMatchObject({ attempt: 1, retryDelayMs: 100 });
    const connecting = run(reconnecting, backoff);
    expect(connecting.matches({ live: { connecting: { creatingSocket: "pending" } } })).toBe(true);
    expect(Object.keys(connecting.children)).toHaveLength(1);
    expect(connecting.context).toMatchObject({ attempt: 1, retryDelayMs: null });
    const again = run(connecting, { type: "REPLACEMENT.READY", readyState: 3 });
    expect(again.context).toMatchObject({ attempt: 2, retryDelayMs: 200 });
    expect(Object.keys(again.children)).toHaveLength(0);
  });

  it("ends in error with a report when the budget alone ends the outage", () => {
    let snapshot = run(start(1), closed(), backoff, { type: "REPLACEMENT.FAILED" });
    expect(statusOf(snapshot)).toBe("reconnecting");
    expect(snapshot.context.attempt).toBe(2);
    snapshot = run(snapshot, backoff);
    expect(emitted(snapshot, { type: "REPLACEMENT.FAILED" })).toEqual([{ type: "reconnectExhausted", attempt: 2 }]);
    const failed = run(snapshot, { type: "REPLACEMENT.FAILED" });
    expect(statusOf(failed)).toBe("error");
    expect(failed.context.attempt).toBe(2);
    const declined = run(snapshot, { type: "REPLACEMENT.READY", readyState: 0 }, closed(false));
    expect(statusOf(declined)).toBe("closed");
    expect(declined.context.attempt).toBe(2);
  });

  it("counts a close during the stability window as a failed attempt, and a close after it as a fresh outage", () => {
    const settling = run(start(1, { ...enabled, maxAttempts: 1 }), closed(), { type: "STORE.RECONNECT" }, { type: "REPLACEMENT.READY", readyState: 1 });
    expect(settling.matches({ live: { open: "settling" } })).toBe(true);
    expect(emitted(settling, closed())).toEqual([{ type: "reconnectExhausted", attempt: 1 }]);
    expect(statusOf(run(settling, closed()))).toBe("error");
    const stable = run(settling, after("settling", "stabilityWindow"));
    expect(stable.matches({ live: { open: "stable" } })).toBe(true);
    expect(stable.context.attempt).toBe(0);
    expect(run(stable, closed()).context.attempt).toBe(1);
  });

  it("lets store.reconnect() start a fresh outage only from closed, error or reconnecting", () => {
    expect(run(start(3), { type: "STORE.RECONNECT" }).matches({ live: { connecting: "creatingSocket" } })).toBe(true);
    expect(statusOf(run(start(3, disabled), { type: "STORE.RECONNECT" }))).toBe("closed");
    for (const readyState of [0, 1, 2]) {
      const before = start(readyState);
      expect(run(before, { type: "STORE.RECONNECT" }).value).toEqual(before.value);
    }
  });

  it("goes straight to closed when closed while the factory is pending, and stops the factory's actor", () => {
    const creating = run(start(3), { type: "STORE.RECONNECT" });
    const closedNow = run(creating, { type: "STORE.CLOSE" });
    expect(statusOf(closedNow)).toBe("closed");
    expect(Object.keys(closedNow.children)).toHaveLength(0);
    expect(run(creating, { type: "STORE.RECONNECT" }).value).toEqual(creating.value);
  });

  describe("STORE.DROP", () => {
    it("is judged like a remote close while connecting, open or closing on its own", () => {
      for (const readyState of [0, 1, 2]) {
        expect(statusOf(run(start(readyState), dropped()))).toBe("reconnecting");
        expect(statusOf(run(start(readyState), dropped(false)))).toBe("closed");
        expect(statusOf(run(start(readyState, disabled), dropped()))).toBe("closed");
      }
    });

    it("follows the application-close rule after a direct socket.close() and is terminal after store.close()", () => {
      const byApplication = run(start(1), { type: "SOCKET.CLOSE_CALLED" });
      expect(statusOf(run(byApplication, dropped()))).toBe("closed");
      expect(statusOf(run(byApplication, dropped(true)))).toBe("reconnecting");
      expect(statusOf(run(start(1), { type: "STORE.CLOSE" }, dropped(true)))).toBe("closed");
    });

    it("fails the pending factory call as an attempt, and is not accepted where there is no connection", () => {
      const creating = run(start(3, { ...enabled, maxAttempts: 1 }), { type: "STORE.RECONNECT" });
      expect(statusOf(run(creating, dropped()))).toBe("error");
      const twice = run(start(3), { type: "STORE.RECONNECT" }, dropped());
      expect(statusOf(twice)).toBe("reconnecting");
      expect(twice.context.attempt).toBe(2);
      for (const waiting of [twice, start(3), run(creating, dropped())]) expect(waiting.can(dropped())).toBe(false);
    });

    it("counts a drop during the stability window as a failed attempt", () => {
      const settling = run(start(3, { ...enabled, maxAttempts: 1 }), { type: "STORE.RECONNECT" }, { type: "REPLACEMENT.READY", readyState: 1 });
      expect(statusOf(run(settling, dropped()))).toBe("error");
    });
  });

  describe("the connect timeout", () => {
    const connectTimeout = after("connecting", "connectTimeout");

    it("ends a handshake in handshakeEnding, still connecting, and asks for the report, then the end", () => {
      const handshake = start(0);
      expect(emitted(handshake, connectTimeout)).toEqual([{ type: "connectTimedOut" }, { type: "endAttempt" }]);
      const timedOut = run(handshake, connectTimeout);
      expect(timedOut.matches({ live: { connecting: "handshakeEnding" } })).toBe(true);
      expect(statusOf(timedOut)).toBe("connecting");
      expect(timedOut.hasTag("ending")).toBe(true);
      expect(statusOf(run(timedOut, dropped()))).toBe("reconnecting");
      expect(run(timedOut, { type: "STORE.CLOSE" }).matches({ live: { closing: "byStore" } })).toBe(true);
    });

    it("abandons a pending factory call: its actor stops, and close() then has no socket to wait for", () => {
      const creating = run(start(3), { type: "STORE.RECONNECT" });
      expect(emitted(creating, connectTimeout)).toEqual([{ type: "connectTimedOut" }, { type: "endAttempt" }]);
      const timedOut = run(creating, connectTimeout);
      expect(timedOut.matches({ live: { connecting: { creatingSocket: "timedOut" } } })).toBe(true);
      expect(Object.keys(timedOut.children)).toHaveLength(0);
      expect(statusOf(run(timedOut, { type: "STORE.CLOSE" }))).toBe("closed");
      expect(run(timedOut, dropped()).context).toMatchObject({ attempt: 2, retryDelayMs: 200 });
    });

    it("is not taken without a timeout, nor without reconnect", () => {
      for (const reconnect of [disabled, { ...enabled, connectTimeoutMs: false as const }]) {
        expect(run(start(0, reconnect), connectTimeout).matches({ live: { connecting: "handshake" } })).toBe(true);
      }
    });

    it("continues from the factory into the handshake: taking a socket over stays in the same connecting state", () => {
      const creating = run(start(3), { type: "STORE.RECONNECT" });
      const handshake = run(creating, { type: "REPLACEMENT.READY", readyState: 0 });
      expect(handshake.matches({ live: { connecting: "handshake" } })).toBe(true);
      expect(statusOf(run(handshake, connectTimeout))).toBe("connecting");
      expect(run(handshake, connectTimeout).matches({ live: { connecting: "handshakeEnding" } })).toBe(true);
    });
  });

  describe("an error with no close", () => {
    it("waits one 0 ms delay after an error of a socket still CONNECTING, then asks for its end", () => {
      const failed = run(start(0, disabled), { type: "SOCKET.ERRORED", readyState: 0 });
      expect(failed.matches({ live: { connecting: "handshakeFailed" } })).toBe(true);
      const closeGrace = after("handshakeFailed", "closeGrace");
      expect(emitted(failed, closeGrace)).toEqual([{ type: "endAttempt" }]);
      expect(run(failed, closeGrace).matches({ live: { connecting: "handshakeEnding" } })).toBe(true);
      expect(statusOf(run(failed, closeGrace, dropped()))).toBe("closed");
      expect(statusOf(run(failed, closed(undefined, { code: 1006, reason: "refused", wasClean: false })))).toBe("closed");
      expect(statusOf(run(failed, { type: "SOCKET.OPENED" }))).toBe("open");
    });

    it("ignores the error of a socket that is no longer CONNECTING, and any error while open", () => {
      expect(run(start(0), { type: "SOCKET.ERRORED", readyState: 3 }).matches({ live: { connecting: "handshake" } })).toBe(true);
      expect(run(start(1), { type: "SOCKET.ERRORED", readyState: 0 }).matches({ live: { open: "stable" } })).toBe(true);
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
