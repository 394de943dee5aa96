/**
 * Replays a generated path against a real SocketStore through the testing entry's `startPath`
 * (its TestSocket, scripted factory and actions), under vitest fake timers, and checks the store
 * against the path's machine snapshot and the contract after every step, with the handler,
 * timer and listener invariants the entry leaves to the tests.
 */
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { connectionSnapshotOf, SocketStore, type CloseEventLike, type ConnectionSnapshot, type SocketStoreErrorCode } from "../../src/index.js";
import { startPath, TestSocket, type PendingFactoryCall } from "../../src/testing/index.js";
import {
  describeSteps,
  endsAttempt,
  isIn,
  SYNC_FACTORY_OUTCOMES,
  pendingDelays,
  type FactoryOutcome,
  type ModelEvent,
  type ModelPath,
  type ModelSnapshot,
  type PathConfig,
} from "../../src/testing/model.js";
import { describeConfig } from "../../src/testing/model.js";
import { optionsOf, toConnectionPath } from "../../src/testing/paths.js";
import type { GeneratedPaths } from "./configs.js";
import { machineTransitionsAlong, transitionKeysOf } from "./machine-transitions.js";
import { dropEnds, freshMemory, predicateAsked, rememberStep, specExpectation, type ExpectedView } from "./spec-oracle.js";

const FAILING_OUTCOMES: ReadonlySet<FactoryOutcome> = new Set(["returnsNonSocket", "throws", "resolvesNonSocket", "rejects"]);

/** The status the store is in while it reports each error (docs/behaviour.md). */
const STATUS_WHILE_REPORTING: Partial<Record<SocketStoreErrorCode, string>> = {
  ERR_SOCKET_FACTORY: "connecting",
  ERR_CONNECT_TIMEOUT: "connecting",
  ERR_RECONNECT_EXHAUSTED: "error",
};

const statusOf = (snapshot: ModelSnapshot): string => connectionSnapshotOf(snapshot).status;

/** Every transition a replayed store's actor took, across the replays run so far. */
export const TRANSITIONS_TAKEN_BY_STORES = new Set<string>();

/** `connection --ERROR.REPORTED--> (self)`: the store records each report; the paths check reports themselves. */
const isReport = (key: string): boolean => key.includes("--ERROR.REPORTED-->");

async function flushMicrotasks(): Promise<void> {
  for (let round = 0; round < 5; round++) await Promise.resolve();
}

/** The machine's pending delays in a snapshot: each is one timer of the store. */
function timersExpectedIn(snapshot: ModelSnapshot): number {
  return snapshot.status === "active" ? pendingDelays(snapshot).length : 0;
}

/** The store observes a socket that is connecting or open: store.close() closes it. */
function hasLiveSocket(snapshot: ModelSnapshot): boolean {
  return (isIn(snapshot, "live.connecting") && !isIn(snapshot, "live.connecting.creatingSocket")) || isIn(snapshot, "live.open");
}

/** One test per group of generated paths, each replaying every path of it under fake timers. */
export function replayEachGroup(groups: readonly GeneratedPaths[]): void {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });

  for (const { config, kind, paths } of groups) {
    it(`replay every ${kind} path of "${describeConfig(config)}" on a SocketStore with the machine's status, attempt and retryDelayMs after each step`, async () => {
      expect(paths.length).toBeGreaterThan(0);
      for (const [index, path] of paths.entries()) {
        await replayPath(config, path, `${kind} path ${index + 1} of ${paths.length}, ${describeConfig(config)}`);
      }
    });
  }
}

/**
 * Replays `path` step by step. The store starts on a socket in `config.readyState`. A
 * synchronous factory outcome is performed inside the step that asks for the socket (that is
 * where the store calls the factory), so for that step the store is compared with the machine
 * after the factory step; the factory itself checks what the store showed when it was called.
 */
export async function replayPath(config: PathConfig, path: ModelPath, name: string): Promise<void> {
  expect(vi.getTimerCount(), "no timer pending before the path starts").toBe(0);
  const steps = path.steps;
  const reconnect = config.reconnect;
  // The entry's replay: the original socket, the scripted factory and every action of the path.
  const run = startPath(toConnectionPath(optionsOf(config), "shortest", path), {
    clock: {
      // Nothing may happen 1 ms before a delay ends.
      advance: (delay: number) => {
        if (delay > 0) {
          const snapshot = store.getSnapshot();
          vi.advanceTimersByTime(delay - 1);
          expect(store.getSnapshot(), `nothing happens 1 ms before a ${delay} ms delay ends`).toBe(snapshot);
        }
        vi.advanceTimersByTime(delay > 0 ? 1 : 0);
      },
    },
  });
  const original = run.socket;
  const sockets = run.sockets;
  const pending: PendingFactoryCall[] = run.pendingFactoryCalls;
  /** Factory calls the store stopped waiting for (close() or drop() while pending): settled at the end. */
  const abandoned: PendingFactoryCall[] = [];
  /**
   * Sockets the store let go: ended by drop() or by the store itself (a timed-out attempt), or the
   * previous socket once a replacement is asked for. One may stay `store.socket` until a replacement.
   */
  const letGo = new Set<TestSocket>();
  const factoryCalls = run.factoryCalls;
  const storeTransitions: string[] = [];
  // Handlers only record: an exception thrown in a handler would be reported by the store, not fail the test.
  const reported: Array<{ code: SocketStoreErrorCode; status: string }> = [];
  const handlerProblems: string[] = [];
  const publishedStatuses: string[] = [];
  let onOpenCalls = 0;
  let onCloseStatuses: string[] = [];
  let predicateCalls = 0;
  let disposed = false;
  let callsAfterDispose = 0;

  const runReconnect = run.storeOptions.reconnect;
  const predicate = runReconnect ? runReconnect.retryOnClose : undefined;
  const countedPredicate = predicate
    ? (event: CloseEventLike): boolean => {
        predicateCalls++;
        return predicate(event);
      }
    : undefined;
  const noteCall = (): void => {
    if (disposed) callsAfterDispose++;
  };

  const store: SocketStore = new SocketStore(
    original,
    {
      onOpen: () => {
        noteCall();
        onOpenCalls++;
      },
      onClose: () => {
        noteCall();
        onCloseStatuses.push(store.status);
      },
      onError: (error) => {
        noteCall();
        if (store.getSnapshot().lastError !== error) handlerProblems.push(`onError(${error.code}) did not see it as lastError`);
        reported.push({ code: error.code, status: store.status });
      },
      onStatusChange: (next, previous) => {
        noteCall();
        if (next.status === previous.status) handlerProblems.push(`onStatusChange without a status change (${next.status})`);
        if (next !== store.getSnapshot()) handlerProblems.push("onStatusChange got a snapshot that is not the published one");
      },
      onMessage: noteCall,
    },
    {
      reconnect: runReconnect && { ...runReconnect, ...(countedPredicate ? { retryOnClose: countedPredicate } : {}) },
      inspect: (event) => storeTransitions.push(...transitionKeysOf(event as never)),
    },
  );
  run.attach(store);
  store.subscribe(() => {
    noteCall();
    publishedStatuses.push(store.status);
  });
  const current = (): TestSocket => store.socket as TestSocket;
  let expectedErrors: SocketStoreErrorCode[] = [];
  let snapshotAtDispose: ConnectionSnapshot | undefined;
  let lastErrorBefore = store.getSnapshot().lastError;

  const where = (index: number): string =>
    `${name}\n  path: ${describeSteps({ ...path, steps: path.steps.slice(0, index + 1) })}\n  after step ${index}`;

  const expectStoreToMatch = (expected: ModelSnapshot, index: number): void => {
    const at = where(index);
    if (expected.status === "done") {
      expect(store.getSnapshot(), `${at}: dispose() leaves the snapshot as it was`).toBe(snapshotAtDispose);
    } else {
      const { status, attempt, retryDelayMs } = store.getSnapshot();
      expect({ status, attempt, retryDelayMs }, at).toEqual({
        status: statusOf(expected),
        attempt: expected.context.attempt,
        retryDelayMs: expected.context.retryDelayMs,
      });
    }
    expect(vi.getTimerCount(), `${at}: pending timers`).toBe(timersExpectedIn(expected));
    expect(
      reported.map(({ code }) => code),
      `${at}: errors reported`,
    ).toEqual(expectedErrors);
    for (const { code, status } of reported) {
      expect(status, `${at}: status while ${code} is reported`).toBe(STATUS_WHILE_REPORTING[code] ?? store.status);
    }
    const { lastError } = store.getSnapshot();
    if (expectedErrors.length === 0) expect(lastError, `${at}: lastError changes only with a reported error`).toBe(lastErrorBefore);
    else expect(lastError?.code, `${at}: lastError is the last reported error`).toBe(expectedErrors.at(-1));
    lastErrorBefore = lastError;
    reported.length = 0;
    expectedErrors = [];
    expect(handlerProblems, `${at}: what handlers saw`).toEqual([]);
    const observed = sockets.filter((socket) => socket.listenerCount("message") > 0);
    const listensToNone = disposed || letGo.has(store.socket as TestSocket);
    expect(observed.length, `${at}: sockets the store listens to`).toBe(listensToNone ? 0 : 1);
    if (!listensToNone) expect(observed[0] === store.socket, `${at}: the store listens to the socket it exposes`).toBe(true);
  };

  expectStoreToMatch(steps[0]!.state, 0);
  const memory = freshMemory();
  const expectView = (view: ExpectedView, what: string): void => {
    const { status, attempt, retryDelayMs } = store.getSnapshot();
    expect({ status, attempt, retryDelayMs }, `${what} (by the documented behaviour)`).toEqual(view);
  };

  /** Counters at the start of a step, kept across what the store does by itself within it. */
  let predicateCallsBefore = predicateCalls;
  for (let index = 1; index < steps.length; index++) {
    const { event, state: expected } = steps[index]!;
    const before = steps[index - 1]!.state;
    const following = steps[index + 1]?.event;
    const via = event.action;
    const at = where(index);
    const factoryCallsBefore = factoryCalls.length;
    const socketBefore = store.socket;
    const asksFactory = isIn(expected, "live.connecting.creatingSocket") && !isIn(before, "live.connecting.creatingSocket");
    const onOpenBefore = onOpenCalls;
    const viewBefore = store.getSnapshot();
    const spec = specExpectation(config, via, viewBefore, memory);
    const askedBySpec = predicateAsked(config, memory);
    // A factory step and the store's own end of an attempt belong to the step before them.
    const continuesStep = via.kind === "factory" || via.kind === "storeEndsAttempt";
    if (!continuesStep) {
      onCloseStatuses = [];
      publishedStatuses.length = 0;
      predicateCallsBefore = predicateCalls;
    }
    if (asksFactory) {
      run.scriptFactory(following?.action.kind === "factory" && SYNC_FACTORY_OUTCOMES.has(following.action.outcome) ? following.action.outcome : "pending");
    }

    await perform(event, before, at);

    const dropped = (via.kind === "storeDrop" && dropEnds(viewBefore.status)) || via.kind === "storeEndsAttempt";
    const closes = via.kind === "socketCloses" || via.kind === "implementationCloses" || dropped;
    if (via.kind === "storeEndsAttempt") {
      // The store ended it within the step before: the socket it observed then is let go.
      if (hasLiveSocket(before)) letGo.add(socketBefore as TestSocket);
    }
    expect(onOpenCalls - onOpenBefore, `${at}: onOpen runs for real open events only`).toBe(via.kind === "socketOpens" ? 1 : 0);
    if (via.kind === "storeDrop" && !dropped) expect(store.getSnapshot(), `${at}: drop() with no connection changes no snapshot`).toBe(viewBefore);
    if (closes) {
      expect(onCloseStatuses, `${at}: onClose runs once, after the status changed`).toEqual([statusOf(expected)]);
      expect(store.getSnapshot().lastClose, `${at}: lastClose`).toEqual(
        via.kind === "storeDrop" || via.kind === "storeEndsAttempt"
          ? { code: 1006, reason: via.kind === "storeDrop" ? (via.reason ?? "") : "", wasClean: false }
          : { code: via.code, reason: "", wasClean: via.kind === "socketCloses" ? via.wasClean : via.closeFrameReceived },
      );
      expect(predicateCalls - predicateCallsBefore, `${at}: retryOnClose calls`).toBe(askedBySpec ? 1 : 0);
      if (askedBySpec && reconnect && reconnect.retryOnClose === "throws") expectedErrors.push("ERR_RETRY_PREDICATE");
    } else if (!continuesStep && !endsAttempt(expected)) {
      expect(onCloseStatuses, `${at}: onClose calls`).toEqual([]);
    }
    if (via.kind === "socketFails") expectedErrors.push("ERR_SOCKET_ERROR");
    if (via.kind === "wait" && via.delay === "connectTimeout") expectedErrors.push("ERR_CONNECT_TIMEOUT");
    if (via.kind === "factory" && FAILING_OUTCOMES.has(via.outcome)) expectedErrors.push("ERR_SOCKET_FACTORY");
    if (statusOf(expected) === "error" && statusOf(before) !== "error") expectedErrors.push("ERR_RECONNECT_EXHAUSTED");
    rememberStep(via, viewBefore, spec, memory);
    if (store.socket !== socketBefore) memory.applicationClosed = false;

    if (spec.kind === "replacement") {
      expect(asksFactory, `${at}: the machine asks for a replacement where the documented behaviour does`).toBe(true);
      if (reconnect && reconnect.factory !== "default") {
        const call = factoryCalls.at(-1);
        expect(call?.context.attempt, `${at}: ReplacementContext.attempt (by the documented behaviour)`).toBe(spec.attempt);
        if (call?.outcome === "pending") memory.awaitingFactory = true;
      }
    }
    if (spec.kind === "view" && !asksFactory) expectView(spec.view, at);

    if (asksFactory) letGo.add(socketBefore as TestSocket);
    if (asksFactory) {
      if (reconnect && reconnect.factory !== "default") {
        expect(factoryCalls.length - factoryCallsBefore, `${at}: factory calls`).toBe(1);
        const call = factoryCalls.at(-1)!;
        const { status, attempt, retryDelayMs } = call.snapshot;
        expect({ status, attempt, retryDelayMs }, `${at}: snapshot seen by the factory`).toEqual({
          status: "connecting",
          attempt: expected.context.attempt,
          retryDelayMs: null,
        });
        expect(call.context.attempt, `${at}: ReplacementContext.attempt`).toBe(expected.context.attempt);
        expect(call.context.previous === socketBefore, `${at}: ReplacementContext.previous is the observed socket`).toBe(true);
        expect(call.context.signal.aborted, `${at}: ReplacementContext.signal of a call the store waits for`).toBe(false);
        expect(call.context.lastClose, `${at}: ReplacementContext.lastClose`).toBe(call.snapshot.lastClose);
        if (call.outcome === "pending") {
          expectStoreToMatch(expected, index);
          continue;
        }
      }
      // The replacement was made within this step: the store is compared after the factory step.
      continue;
    }
    // The store ends the attempt within this step: it is compared after that end.
    if (endsAttempt(expected)) continue;
    if (expected.status !== "done") {
      // A retried close goes straight to reconnecting (never through closed); only a factory step passes through connecting.
      const allowed = new Set([statusOf(expected), ...(continuesStep ? ["connecting"] : [])]);
      expect(
        publishedStatuses.filter((status) => !allowed.has(status)),
        `${at}: statuses published on the way to ${statusOf(expected)}`,
      ).toEqual([]);
    }
    expectStoreToMatch(expected, index);
  }
  expect(storeTransitions.filter((key) => !isReport(key)), `${name}: transitions the store's actor took`).toEqual(machineTransitionsAlong(config, path));

  // A replacement taken over while CLOSING (counted as a failed attempt) may still close while the
  // store waits for the next attempt: the close is recorded and nothing else changes.
  const lastStatus = store.status;
  if (!disposed && !letGo.has(current()) && current().readyState === 2 && (lastStatus === "reconnecting" || lastStatus === "error" || lastStatus === "closed")) {
    const { status, attempt, retryDelayMs } = store.getSnapshot();
    onCloseStatuses = [];
    current().serverClose({ code: 4321, wasClean: true });
    const after = store.getSnapshot();
    expect({ status: after.status, attempt: after.attempt, retryDelayMs: after.retryDelayMs }, `${name}: a late close of a failed replacement`).toEqual({
      status,
      attempt,
      retryDelayMs,
    });
    expect(after.lastClose, `${name}: lastClose after a late close of a failed replacement`).toEqual({ code: 4321, reason: "", wasClean: true });
    expect(onCloseStatuses, `${name}: onClose for a late close of a failed replacement`).toEqual([status]);
  }

  // A factory call the store no longer waits for (close() came first) settles now: nothing changes.
  const lateSockets: TestSocket[] = [];
  if (!memory.awaitingFactory) abandoned.push(...pending.splice(0));
  if (!disposed && abandoned.length > 0) {
    const snapshot = store.getSnapshot();
    const observedSocket = store.socket;
    for (const deferred of abandoned.splice(0)) {
      const variant = steps.length % 3;
      if (variant === 0) {
        const late = new TestSocket(undefined, undefined, { readyState: 0 });
        lateSockets.push(late);
        deferred.resolve(late);
      } else if (variant === 1) deferred.reject(new Error("createSocket rejected late"));
      else deferred.resolve({ readyState: 1, close: () => {} });
    }
    await flushMicrotasks();
    expect(store.getSnapshot(), `${name}: a factory result after close() changes no snapshot`).toBe(snapshot);
    expect(store.socket === observedSocket, `${name}: a factory result after close() is not taken over`).toBe(true);
    expect(reported.map(({ code }) => code), `${name}: errors reported for a factory result after close()`).toEqual([]);
  }

  // Whatever state the path ended in: dispose() lets everything go.
  if (!disposed) {
    snapshotAtDispose = store.getSnapshot();
    disposed = true;
    store.dispose();
  }
  expect(store.getSnapshot(), `${name}: the snapshot stays as it was after dispose()`).toBe(snapshotAtDispose);
  expect(vi.getTimerCount(), `${name}: no timer after dispose()`).toBe(0);
  expect(Object.hasOwn(original, "close"), `${name}: the original socket's close is restored`).toBe(false);
  for (const deferred of [...abandoned.splice(0), ...pending.splice(0)]) {
    const late = new TestSocket(undefined, undefined, { readyState: 0 });
    lateSockets.push(late);
    deferred.resolve(late);
  }
  await flushMicrotasks();
  for (const late of lateSockets) {
    expect(late.closeCalls.length, `${name}: a socket delivered after close()/dispose() is closed at once`).toBe(1);
    expect(late.listenerCount("message") + late.listenerCount("open"), `${name}: nobody observes a late socket`).toBe(0);
  }
  for (const socket of [...sockets, ...lateSockets]) {
    if (socket !== original) {
      expect(socket.readyState === 0 || socket.readyState === 1, `${name}: an obtained socket left CONNECTING or OPEN by dispose()`).toBe(false);
    }
    if (socket.readyState === 2) socket.serverClose();
    expect(socket.listenerCount(), `${name}: listeners left on a socket after dispose() and its close`).toBe(0);
  }
  expect(callsAfterDispose, `${name}: handler or subscriber calls after dispose()`).toBe(0);
  for (const key of storeTransitions) TRANSITIONS_TAKEN_BY_STORES.add(key);

  /** The entry performs the action; the checks around it are the package's own. */
  async function perform(event: ModelEvent, before: ModelSnapshot, at: string): Promise<void> {
    const via = event.action;
    switch (via.kind) {
      case "socketReceives": {
        const snapshot = store.getSnapshot();
        await run.perform(via);
        expect(store.getSnapshot(), `${at}: a message changes no snapshot`).toBe(snapshot);
        return;
      }
      case "storeDrop": {
        const socket = current();
        const closeCalls = socket.closeCalls.length;
        const endsSocket = hasLiveSocket(before) || isIn(before, "live.closing");
        if (memory.awaitingFactory && dropEnds(store.status)) abandoned.push(...pending.splice(0));
        await run.perform(via);
        expect(socket.closeCalls.slice(closeCalls), `${at}: drop() closes the observed socket with no arguments, and only it`).toEqual(
          endsSocket ? [{ code: undefined, reason: undefined }] : [],
        );
        if (endsSocket) {
          letGo.add(socket);
          expect(socket.listenerCount("message") + socket.listenerCount("open"), `${at}: the store stops listening to a dropped socket`).toBe(0);
        }
        return;
      }
      case "storeClose": {
        if (memory.awaitingFactory) abandoned.push(...pending.splice(0));
        const socket = current();
        const closeCalls = socket.closeCalls.length;
        await run.perform(via);
        expect(socket.closeCalls.slice(closeCalls), `${at}: store.close() passes its arguments to a live socket, and only to one`).toEqual(
          hasLiveSocket(before) ? [{ code: via.code, reason: undefined }] : [],
        );
        return;
      }
      case "wait":
        // The connect timeout abandons a pending factory call.
        if (via.delay === "connectTimeout" && memory.awaitingFactory) abandoned.push(...pending.splice(0));
        await run.perform(via);
        return;
      case "dispose":
        snapshotAtDispose = store.getSnapshot();
        disposed = true;
        await run.perform(via);
        return;
      case "factory":
        if (SYNC_FACTORY_OUTCOMES.has(via.outcome) && reconnect && reconnect.factory !== "default") {
          expect(factoryCalls.at(-1)?.outcome, `${at}: factory outcome`).toBe(via.outcome);
        }
        await run.perform(via);
        return;
      default:
        await run.perform(via);
    }
  }
}
