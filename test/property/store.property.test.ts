import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  backoffDelay,
  isSocketStoreError,
  SocketStore,
  type ConnectionSnapshot,
  type ReplacementContext,
  type SocketStoreErrorCode,
  type SocketStoreReconnectOptions,
} from "../../src/index.js";
import { TestSocket, type ReadyState } from "../../src/testing/test-socket.js";
import { NOT_SYNC, policyOf, predicateFor, syncFactoryResult } from "../../src/testing/model.js";

const STATUSES = new Set(["connecting", "open", "closing", "closed", "reconnecting", "error"]);
const NUM_RUNS = Number(process.env.SOCKET_STORE_PROPERTY_RUNS ?? 500);
const MAX_STEPS = 60;

/** What the sequences reached, so that a generator that stopped reaching the interesting states fails. */
const reached = new Set<string>();

type PredicateKind = "absent" | "acceptsApplicationCodes" | "acceptsAll" | "declinesAll" | "throws";
type SyncOutcome =
  | "returnsConnecting"
  | "returnsOpen"
  | "returnsClosing"
  | "returnsClosed"
  | "returnsNonSocket"
  | "throws"
  | "async"
  /** the factory calls store.close() (or dispose()) itself, then returns a socket */
  | "closesStoreThenReturnsConnecting"
  | "disposesStoreThenReturnsOpen";
type StoreCall = "close" | "dispose" | "reconnect" | "send" | "drop";
type Callback = "subscriber" | "onStatusChange" | "onOpen" | "onClose" | "onError";
type AsyncOutcome = "resolvesConnecting" | "resolvesOpen" | "resolvesClosed" | "resolvesNonSocket" | "rejects";

interface Config {
  readyState: ReadyState;
  reconnect:
    | false
    | {
        maxAttempts: number;
        backoff: "fixed" | "exponential";
        initialDelayMs: number;
        maxDelayMs: number;
        connectTimeoutMs: number | false;
        predicate: PredicateKind;
        /** What `createSocket` does, call after call (cycled); null: no `createSocket`, the default factory. */
        factoryPlan: SyncOutcome[] | null;
      };
}

type Operation =
  | { op: "socketOpens" }
  | { op: "socketReceives"; data: string }
  | { op: "socketFails" }
  | { op: "socketCloses"; code: number; wasClean: boolean }
  | { op: "implementationCloses" }
  | { op: "applicationClosesSocket"; code: number | undefined }
  | { op: "staleSocketEvent"; pick: number; event: "open" | "message" | "error" | "close" }
  | { op: "storeClose"; code: number | undefined }
  | { op: "storeReconnect" }
  | { op: "storeDrop"; reason: unknown }
  | { op: "storeSend" }
  | { op: "storeDispose" }
  | { op: "advanceTime"; ms: number }
  | { op: "factorySettles"; outcome: AsyncOutcome }
  /** the next time `callback` runs, it calls the store */
  | { op: "callFromCallback"; callback: Callback; call: StoreCall };

const configArbitrary: fc.Arbitrary<Config> = fc.record({
  readyState: fc.constantFrom<ReadyState>(0, 1, 2, 3),
  reconnect: fc.option(
    fc
      .record({
        maxAttempts: fc.integer({ min: 1, max: 4 }),
        backoff: fc.constantFrom<"fixed" | "exponential">("fixed", "exponential"),
        initialDelayMs: fc.integer({ min: 0, max: 400 }),
        extraDelayMs: fc.integer({ min: 0, max: 1200 }),
        connectTimeoutMs: fc.option(fc.integer({ min: 1, max: 1500 }), { nil: false as const, freq: 3 }),
        predicate: fc.constantFrom<PredicateKind>("absent", "acceptsApplicationCodes", "acceptsAll", "declinesAll", "throws"),
        factoryPlan: fc.option(
          fc.array(
            fc.constantFrom<SyncOutcome>(
              "returnsConnecting",
              "returnsOpen",
              "returnsClosing",
              "returnsClosed",
              "returnsNonSocket",
              "throws",
              "async",
              "closesStoreThenReturnsConnecting",
              "disposesStoreThenReturnsOpen",
            ),
            { minLength: 1, maxLength: 6 },
          ),
          { nil: null, freq: 4 },
        ),
      })
      .map(({ extraDelayMs, ...reconnect }) => ({ ...reconnect, maxDelayMs: reconnect.initialDelayMs + extraDelayMs })),
    { nil: false, freq: 4 },
  ),
});

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  { arbitrary: fc.constant({ op: "socketOpens" as const }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant("socketReceives" as const), data: fc.string({ maxLength: 8 }) }), weight: 1 },
  { arbitrary: fc.constant({ op: "socketFails" as const }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant("socketCloses" as const),
      code: fc.constantFrom(1000, 1001, 1005, 1006, 1008, 1011, 4000, 4321, 4999),
      wasClean: fc.boolean(),
    }),
    weight: 4,
  },
  { arbitrary: fc.constant({ op: "implementationCloses" as const }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("applicationClosesSocket" as const), code: fc.constantFrom(undefined, 1000, 4000) }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant("staleSocketEvent" as const),
      pick: fc.nat(),
      event: fc.constantFrom<"open" | "message" | "error" | "close">("open", "message", "error", "close"),
    }),
    weight: 2,
  },
  // 1001 and 2000 are not codes an application may pass: ERR_INVALID_ARGUMENT, nothing changes.
  { arbitrary: fc.record({ op: fc.constant("storeClose" as const), code: fc.constantFrom(undefined, 1000, 4000, 1001, 2000) }), weight: 2 },
  { arbitrary: fc.constant({ op: "storeReconnect" as const }), weight: 3 },
  // 42 is not a reason: ERR_INVALID_ARGUMENT, nothing changes.
  { arbitrary: fc.record({ op: fc.constant("storeDrop" as const), reason: fc.constantFrom<unknown>(undefined, "", "heartbeat timeout", 42) }), weight: 3 },
  { arbitrary: fc.constant({ op: "storeSend" as const }), weight: 2 },
  { arbitrary: fc.constant({ op: "storeDispose" as const }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("advanceTime" as const), ms: fc.integer({ min: 0, max: 1500 }) }), weight: 5 },
  {
    arbitrary: fc.record({
      op: fc.constant("factorySettles" as const),
      outcome: fc.constantFrom<AsyncOutcome>("resolvesConnecting", "resolvesOpen", "resolvesClosed", "resolvesNonSocket", "rejects"),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("callFromCallback" as const),
      callback: fc.constantFrom<Callback>("subscriber", "onStatusChange", "onOpen", "onClose", "onError"),
      call: fc.constantFrom<StoreCall>("close", "dispose", "reconnect", "send", "drop"),
    }),
    weight: 1,
  },
);

/** The errors a store call may throw at any moment; anything else is a failure. */
const ACCEPTABLE_THROWS: Record<StoreCall, ReadonlyArray<SocketStoreErrorCode>> = {
  close: [],
  dispose: [],
  reconnect: ["ERR_RECONNECT_DISABLED", "ERR_STORE_DISPOSED"],
  send: ["ERR_SOCKET_NOT_OPEN", "ERR_STORE_DISPOSED"],
  drop: [],
};

async function flushMicrotasks(): Promise<void> {
  for (let round = 0; round < 5; round++) await Promise.resolve();
}

function expectCode(action: () => void, code: SocketStoreErrorCode, what: string): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(isSocketStoreError(thrown) ? thrown.code : thrown, what).toBe(code);
}

/** Runs one random sequence and checks the invariants after every operation. */
async function runSequence(config: Config, operations: Operation[]): Promise<void> {
  vi.clearAllTimers();
  const reconnect = config.reconnect;
  const original = new TestSocket(undefined, undefined, { readyState: config.readyState });
  const sockets: TestSocket[] = [original];
  const pending: Array<{ resolve(value: unknown): void; reject(reason: unknown): void }> = [];
  const problems: string[] = [];
  let factoryCalls = 0;
  let disposed = false;
  let subscriberCalls = 0;
  const scheduledCalls = new Map<Callback, StoreCall>();
  /** Sockets drop() ended: the store no longer listens to them, though one may still be `store.socket`. */
  const dropped = new Set<TestSocket>();
  /** A CONNECTING socket whose error the store saw, while its 0 ms timer is pending. */
  let graceSocket: TestSocket | undefined;
  const isObserved = (socket: TestSocket): boolean => socket.listenerCount("message") > 0;
  let callsFromCallbacks = 0;
  let dropsFromCallbacks = 0;

  const newSocket = (readyState: ReadyState): TestSocket => {
    const socket = new TestSocket(undefined, undefined, { readyState });
    sockets.push(socket);
    return socket;
  };
  /** Calls the store from inside a callback or the factory, the way an application may. */
  const callStore = (call: StoreCall, from: string): void => {
    if (call === "dispose") disposed = true;
    callsFromCallbacks++;
    if (call === "drop") dropsFromCallbacks++;
    try {
      if (call === "close") store.close();
      else if (call === "dispose") store.dispose();
      else if (call === "reconnect") store.reconnect();
      else if (call === "drop") {
        const socket = current();
        const observed = endedByDrop(socket);
        store.drop("from a callback");
        if (observed && socket.listenerCount("message") === 0) dropped.add(socket);
      }
      else store.send("from a callback");
    } catch (error) {
      const code = isSocketStoreError(error) ? error.code : undefined;
      if (!code || !ACCEPTABLE_THROWS[call].includes(code)) problems.push(`${call}() from ${from} threw ${String(error)}`);
    }
  };
  /**
   * `lastClose` after a close the test caused is that close's record — unless a callback it set off
   * called drop() meanwhile: then it may be that drop's, the later close (callbacks may run before
   * or after `onClose`; their order is not part of the contract).
   */
  const expectLastClose = (expected: { code: number; reason: string; wasClean: boolean }, dropsBefore: number, what: string): void => {
    const { lastClose } = store.getSnapshot();
    if (dropsFromCallbacks === dropsBefore) expect(lastClose, what).toEqual(expected);
    else expect([expected, { code: 1006, reason: "from a callback", wasClean: false }], what).toContainEqual(lastClose);
  };
  const runScheduled = (callback: Callback): void => {
    const call = scheduledCalls.get(callback);
    if (call === undefined || disposed) return;
    scheduledCalls.delete(callback);
    callStore(call, callback);
  };
  const createSocket = (_context: ReplacementContext): unknown => {
    // The store asks for a socket only for an attempt it is making: connecting, not disposed.
    if (disposed || store.status !== "connecting") problems.push(`createSocket called while ${disposed ? "disposed" : store.status}`);
    const plan = reconnect && reconnect.factoryPlan ? reconnect.factoryPlan : ["async" as const];
    const outcome = plan[factoryCalls++ % plan.length]!;
    const result = syncFactoryResult(outcome, newSocket);
    if (result !== NOT_SYNC) return result;
    switch (outcome) {
      case "async":
        return new Promise((resolve, reject) => pending.push({ resolve, reject }));
      case "closesStoreThenReturnsConnecting":
        callStore("close", "createSocket");
        return newSocket(0);
      case "disposesStoreThenReturnsOpen":
        callStore("dispose", "createSocket");
        return newSocket(1);
    }
  };
  const noteCall = (name: string): void => {
    if (disposed) problems.push(`${name} ran after dispose()`);
  };

  const store: SocketStore = new SocketStore(
    original,
    {
      onOpen: () => {
        noteCall("onOpen");
        runScheduled("onOpen");
      },
      onMessage: () => noteCall("onMessage"),
      onClose: () => {
        noteCall("onClose");
        runScheduled("onClose");
      },
      onStatusChange: () => {
        noteCall("onStatusChange");
        runScheduled("onStatusChange");
      },
      onError: (error) => {
        noteCall("onError");
        const { lastError } = store.getSnapshot();
        if (lastError !== error) problems.push(`onError(${error.code}) ran while lastError was ${lastError?.code}`);
        runScheduled("onError");
      },
    },
    {
      reconnect: reconnect && {
        enabled: true,
        ...policyOf(reconnect),
        retryOnClose: predicateFor(reconnect.predicate),
        ...(reconnect.factoryPlan ? { createSocket: createSocket as never } : {}),
      },
    },
  );
  store.subscribe(() => {
    noteCall("a subscriber");
    subscriberCalls++;
    runScheduled("subscriber");
  });
  const current = (): TestSocket => store.socket as TestSocket;
  /**
   * Whether drop() would end this socket: the store observes it and it has not closed — and no
   * factory call is pending, which is what ends instead (the socket the store still shows then is
   * the previous one, closed or a failed replacement that is still CLOSING).
   */
  const endedByDrop = (socket: TestSocket): boolean =>
    socket.listenerCount("message") > 0 && socket.readyState !== 3 && !(store.status === "connecting" && socket.readyState !== 0);

  const checkInvariants = (step: string, previous: ConnectionSnapshot, subscriberCallsBefore: number): void => {
    if (!sockets.includes(current())) sockets.push(current());
    const snapshot = store.getSnapshot();
    const { status, attempt, retryDelayMs } = snapshot;
    expect(problems, step).toEqual([]);
    expect(STATUSES.has(status), `${step}: status ${status} is one of the six`).toBe(true);
    expect(store.status, `${step}: store.status`).toBe(status);

    const live = sockets.filter((socket) => socket.readyState === 0 || socket.readyState === 1);
    const observed = sockets.filter((socket) => socket.listenerCount("open") + socket.listenerCount("message") > 0);
    expect(live.filter((socket) => observed.includes(socket)).length, `${step}: observed sockets that are CONNECTING or OPEN`).toBeLessThanOrEqual(1);
    // Stronger: the store never leaves a socket it let go (or refused) CONNECTING or OPEN.
    expect(live.length, `${step}: sockets given or obtained that are CONNECTING or OPEN`).toBeLessThanOrEqual(1);
    expect(observed.length, `${step}: sockets the store listens to`).toBeLessThanOrEqual(1);
    if (disposed) {
      expect(observed.length, `${step}: sockets the store listens to after dispose()`).toBe(0);
      // A dropped socket keeps a quiet error listener until its close event (ws emits error when terminated).
      if (!isObserved(original) && original.readyState === 2) original.serverClose();
      expect(original.listenerCount(), `${step}: listeners left on the original socket after dispose()`).toBe(0);
    } else if (dropped.has(current())) {
      expect(observed.length, `${step}: sockets the store listens to after drop()`).toBe(0);
      // Until a replacement is taken over (an async factory may be pending meanwhile).
      expect(status === "open" || status === "closing", `${step}: ${status} while store.socket is a dropped socket`).toBe(false);
    } else if (observed.length === 1) {
      expect(observed[0] === current(), `${step}: the socket the store listens to is store.socket`).toBe(true);
      for (const type of ["open", "message", "error", "close"]) {
        expect(current().listenerCount(type), `${step}: ${type} listeners on store.socket`).toBe(1);
      }
    }
    // A socket is let go when the store ends it or asks for a replacement: never while open or closing.
    if (!disposed && (status === "open" || status === "closing")) expect(observed.length, `${step}: sockets the store listens to while ${status}`).toBe(1);

    if (reconnect) {
      expect(attempt, `${step}: attempt within maxAttempts ${reconnect.maxAttempts}`).toBeLessThanOrEqual(reconnect.maxAttempts);
    } else {
      expect(status === "reconnecting" || status === "error", `${step}: ${status} without reconnect`).toBe(false);
      expect(attempt, `${step}: attempt without reconnect`).toBe(0);
    }
    if (status === "reconnecting" && reconnect) {
      expect(retryDelayMs, `${step}: retryDelayMs of attempt ${attempt}`).toBe(backoffDelay(attempt, reconnect));
    } else {
      expect(retryDelayMs, `${step}: retryDelayMs outside reconnecting`).toBeNull();
    }

    // Settling: a replacement opened and the outage is not over yet (attempt drops to 0 when it is).
    const settling = status === "open" && attempt > 0;
    const connectTimer = status === "connecting" && reconnect !== false && reconnect.connectTimeoutMs !== false;
    // An error of a socket still CONNECTING: a 0 ms timer looks for its close (until time passes).
    if (graceSocket && (graceSocket !== current() || status !== "connecting" || !isObserved(graceSocket) || graceSocket.readyState !== 0)) graceSocket = undefined;
    const timersExpected = disposed ? 0 : Number(status === "reconnecting" || settling) + Number(connectTimer) + Number(graceSocket !== undefined);
    reached.add(settling ? "open while settling" : status);
    expect(vi.getTimerCount(), `${step}: pending timers in ${status} (attempt ${attempt})`).toBe(timersExpected);

    if (snapshot === previous) expect(subscriberCalls - subscriberCallsBefore, `${step}: subscriber calls without a change`).toBe(0);
    else if (!disposed) expect(subscriberCalls - subscriberCallsBefore, `${step}: subscriber calls for a change`).toBeGreaterThan(0);
  };

  const perform = async (operation: Operation): Promise<void> => {
    const socket = current();
    switch (operation.op) {
      case "socketOpens":
        if (socket.readyState === 0) {
          const callsBefore = callsFromCallbacks;
          const wasDisposed = disposed;
          socket.open();
          if (!wasDisposed && callsFromCallbacks === callsBefore) expect(store.status, "status after the observed socket opened").toBe("open");
        }
        return;
      case "socketReceives":
        if (socket.readyState === 1) socket.receive(operation.data);
        return;
      case "socketFails": {
        const errorsBefore = store.getSnapshot().lastError;
        const watched = isObserved(socket) && socket.readyState === 0 && store.status === "connecting" && !disposed;
        socket.fail();
        if (watched && store.getSnapshot().lastError !== errorsBefore && store.status === "connecting" && current() === socket) graceSocket = socket;
        return;
      }
      case "socketCloses":
        if (socket.readyState !== 3) {
          // The events of a socket the store let go reach nobody: its close is checked as a stale event.
          const wasDisposed = disposed || !isObserved(socket);
          const callsBefore = callsFromCallbacks;
          const dropsBefore = dropsFromCallbacks;
          // A replacement taken over while CLOSING failed its attempt; it may close while the next
          // attempt's factory call is pending, which that close does not end.
          const failedReplacementWhilePending = store.status === "connecting" && socket.readyState === 2;
          socket.serverClose({ code: operation.code, wasClean: operation.wasClean });
          if (!wasDisposed) expectLastClose({ code: operation.code, reason: "", wasClean: operation.wasClean }, dropsBefore, "lastClose after a close event");
          if (!wasDisposed && callsFromCallbacks === callsBefore && !disposed && !failedReplacementWhilePending) {
            // A close of the observed socket always ends the connection: no status keeps it going.
            expect(["closed", "reconnecting", "error"], "status after the observed socket closed").toContain(store.status);
          }
        }
        return;
      case "implementationCloses":
        // ws answering the server's close frame: its own close() must not count as the application's.
        if (socket.readyState === 1) {
          const before = store.getSnapshot();
          Object.assign(socket, { _closeFrameReceived: true });
          socket.close(1000);
          expect(store.getSnapshot(), "ws's own close() leaves the snapshot alone").toBe(before);
        }
        return;
      case "applicationClosesSocket":
        if (operation.code === undefined) socket.close();
        else socket.close(operation.code);
        return;
      case "staleSocketEvent": {
        const others = sockets.filter((other) => other !== socket || dropped.has(other));
        if (others.length === 0) return;
        const other = others[operation.pick % others.length]!;
        const before = store.getSnapshot();
        if (operation.event === "open" && other.readyState === 0) other.open();
        else if (operation.event === "close" && other.readyState !== 3) other.serverClose();
        else if (operation.event === "message") other.receive("stale");
        else if (operation.event === "error") other.fail();
        expect(store.getSnapshot(), "an event of a socket the store no longer observes changes nothing").toBe(before);
        return;
      }
      case "storeClose": {
        const valid = operation.code === undefined || operation.code === 1000 || operation.code === 4000;
        if (valid) {
          if (operation.code === undefined) store.close();
          else store.close(operation.code);
        } else if (!disposed) {
          const before = store.getSnapshot();
          const closeCalls = socket.closeCalls.length;
          expectCode(() => store.close(operation.code), "ERR_INVALID_ARGUMENT", `close(${operation.code})`);
          expect(store.getSnapshot(), "a refused close() changes nothing").toBe(before);
          expect(socket.closeCalls.length, "a refused close() does not touch the socket").toBe(closeCalls);
        }
        return;
      }
      case "storeReconnect":
        if (disposed) expectCode(() => store.reconnect(), "ERR_STORE_DISPOSED", "reconnect() after dispose()");
        else if (!reconnect) expectCode(() => store.reconnect(), "ERR_RECONNECT_DISABLED", "reconnect() without reconnect.enabled");
        else {
          const before = store.getSnapshot().status;
          store.reconnect();
          if (before === "closed" || before === "error" || before === "reconnecting") {
            expect(store.getSnapshot().attempt, "reconnect() starts a fresh outage").toBeGreaterThanOrEqual(1);
          }
        }
        return;
      case "storeDrop": {
        const before = store.getSnapshot();
        const closeCalls = socket.closeCalls.length;
        if (typeof operation.reason !== "string" && operation.reason !== undefined) {
          if (!disposed) expectCode(() => store.drop(operation.reason as string), "ERR_INVALID_ARGUMENT", "drop(42)");
          else store.drop(operation.reason as string);
          expect(store.getSnapshot(), "a refused drop() changes nothing").toBe(before);
          expect(socket.closeCalls.length, "a refused drop() does not touch the socket").toBe(closeCalls);
          return;
        }
        const wasDisposed = disposed;
        const callsBefore = callsFromCallbacks;
        const dropsBefore = dropsFromCallbacks;
        const observedBefore = endedByDrop(socket);
        store.drop(operation.reason as string | undefined);
        if (wasDisposed || before.status === "reconnecting" || before.status === "closed" || before.status === "error") {
          expect(store.getSnapshot(), `drop() in ${wasDisposed ? "a disposed store" : before.status} changes nothing`).toBe(before);
          return;
        }
        if (observedBefore) {
          dropped.add(socket);
          expect(socket.closeCalls.length - closeCalls, "drop() closes the observed socket once").toBe(1);
          expect(socket.listenerCount("message") + socket.listenerCount("open"), "drop() stops listening to the socket").toBe(0);
        }
        expectLastClose({ code: 1006, reason: operation.reason ?? "", wasClean: false }, dropsBefore, "lastClose after drop()");
        if (callsFromCallbacks === callsBefore && !disposed) {
          expect(["closed", "reconnecting", "error"], "status when drop() returns").toContain(store.status);
        }
        reached.add("a drop that ended a connection");
        return;
      }
      case "storeSend": {
        const sent = socket.sent.length;
        const sendable = !disposed && store.getSnapshot().status === "open" && socket.readyState === 1;
        if (sendable) {
          store.send("ping");
          reached.add("a successful send()");
        }
        else expectCode(() => store.send("ping"), disposed ? "ERR_STORE_DISPOSED" : "ERR_SOCKET_NOT_OPEN", `send() in ${store.status}`);
        expect(socket.sent.length - sent, "send() reaches the socket only when it may").toBe(sendable ? 1 : 0);
        return;
      }
      case "storeDispose":
        disposed = true;
        store.dispose();
        return;
      case "advanceTime": {
        const errorsBefore = store.getSnapshot().lastError;
        graceSocket = undefined;
        vi.advanceTimersByTime(operation.ms);
        if (store.getSnapshot().lastError !== errorsBefore && store.getSnapshot().lastError?.code === "ERR_CONNECT_TIMEOUT") reached.add("a connect timeout");
        return;
      }
      case "callFromCallback":
        scheduledCalls.set(operation.callback, operation.call);
        return;
      case "factorySettles": {
        const deferred = pending.shift();
        if (!deferred) return;
        if (operation.outcome === "resolvesConnecting") deferred.resolve(newSocket(0));
        else if (operation.outcome === "resolvesOpen") deferred.resolve(newSocket(1));
        else if (operation.outcome === "resolvesClosed") deferred.resolve(newSocket(3));
        else if (operation.outcome === "resolvesNonSocket") deferred.resolve(42);
        else deferred.reject(new Error("createSocket rejected"));
        await flushMicrotasks();
        return;
      }
    }
  };

  checkInvariants("after construction", store.getSnapshot(), subscriberCalls);
  for (const [index, operation] of operations.entries()) {
    const previous = store.getSnapshot();
    const subscriberCallsBefore = subscriberCalls;
    await perform(operation);
    checkInvariants(`after operation ${index + 1} (${JSON.stringify(operation)})`, previous, subscriberCallsBefore);
  }

  disposed = true;
  store.dispose();
  for (const deferred of pending.splice(0)) deferred.resolve(newSocket(0));
  await flushMicrotasks();
  checkInvariants("after the final dispose()", store.getSnapshot(), subscriberCalls);
  const liveAfterDispose = sockets.filter((socket) => socket !== original && (socket.readyState === 0 || socket.readyState === 1));
  expect(liveAfterDispose.length, "sockets the store obtained that are still CONNECTING or OPEN after dispose()").toBe(0);
}

describe("SocketStore under random operation sequences", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });

  it(`keep every invariant after every operation (${NUM_RUNS} sequences of up to ${MAX_STEPS} operations)`, async () => {
    await fc.assert(
      fc.asyncProperty(configArbitrary, fc.array(operationArbitrary, { maxLength: MAX_STEPS }), runSequence),
      { numRuns: NUM_RUNS },
    );
    expect([...reached].sort(), "what the random sequences reached").toEqual(
      ["a connect timeout", "a drop that ended a connection", "a successful send()", "closed", "closing", "connecting", "error", "open", "open while settling", "reconnecting"].sort(),
    );
  }, Math.max(20_000, NUM_RUNS * 20));
});
