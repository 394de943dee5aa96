import type { ConnectionSnapshot, ReplacementContext, SocketStore, SocketStoreReconnectOptions } from "socket-store";
import { NOT_SYNC, policyOf, SYNC_FACTORY_OUTCOMES, syncFactoryResult, type FactoryOutcome } from "./model.js";
import type { ConnectionPath, ExpectedSnapshot, PathAction, PathStep } from "./paths.js";
import { TestSocket, type ReadyState } from "./test-socket.js";

/** The test's fake clock: vitest's `vi` (`advanceTimersByTime`), or anything with `advance(ms)`. */
export type PathClock = { advanceTimersByTime(ms: number): unknown } | { advance(ms: number): unknown };

export interface StartPathOptions {
  /** Advances the fake timers the store's timers run on (backoff, stability window, connect timeout). */
  clock: PathClock;
  /** The data of the message a `the server sends a message` step delivers. @default "hello" */
  message?: unknown;
  /**
   * Your own way to perform some kinds of action, e.g. clicking your "Retry now" button for
   * `storeReconnect`. Each gets the action and the replay's own way to perform it, for the
   * cases your UI does not offer the action (the button is not shown).
   * @example { storeReconnect: (action, otherwise) => (retryButton() ? retryButton()!.click() : otherwise()) }
   */
  perform?: ActionOverrides;
}

/** Performs one kind of action the application's way; `otherwise()` performs it the replay's way. */
export type ActionOverrides = {
  [Kind in PathAction["kind"]]?: (action: Extract<PathAction, { kind: Kind }>, otherwise: () => Promise<void>) => unknown;
};

/** One call of the scripted `createSocket`. */
export interface FactoryCall {
  context: ReplacementContext;
  /** The store's snapshot when it called the factory. */
  snapshot: ConnectionSnapshot;
  /** What the call did; `pending` for a Promise a later step settles. */
  outcome: FactoryOutcome | "pending";
}

/** A `createSocket` Promise not settled yet. */
export interface PendingFactoryCall {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

/** The store options a path needs: pass them to `new SocketStore(run.socket, handlers, { ...run.storeOptions })`. */
export interface PathStoreOptions {
  reconnect: false | SocketStoreReconnectOptions;
}

/**
 * A path being replayed: the socket and options to build the store with, then the steps,
 * performed one by one on the store's sockets and the fake clock.
 */
export interface PathRun extends AsyncIterable<PathStep> {
  readonly path: ConnectionPath;
  /** The socket to hand the store, in the path's `readyState`. */
  readonly socket: TestSocket;
  /** `reconnect` as the path's configuration says, with a `createSocket` the steps script. */
  readonly storeOptions: PathStoreOptions;
  /** Every socket of the run, the original first, then the replacements in order. */
  readonly sockets: TestSocket[];
  /** Calls of the scripted `createSocket`, in order. */
  readonly factoryCalls: FactoryCall[];
  /**
   * `createSocket` Promises not settled yet, oldest first. A `createSocket resolves…` step settles
   * the latest, which the store waits for; earlier ones were abandoned (by close(), drop() or
   * dispose()) and stay pending: settle them yourself to see that nothing happens.
   */
  readonly pendingFactoryCalls: PendingFactoryCall[];
  /** How many steps were performed. */
  readonly performed: number;
  /** What the store must show now: `path.initial`, then the `expected` of the last step performed. */
  readonly expected: ExpectedSnapshot;
  /** The store the application built on `socket` (with `storeOptions`): call it once, before the first step. */
  attach(store: SocketStore<any>): void;
  /** Performs the next step; resolves to it, or to undefined when every step was performed. */
  next(): Promise<PathStep | undefined>;
  /** Performs steps until `index` steps are done (`step(0)` does nothing). */
  step(index: number): Promise<PathStep | undefined>;
  /**
   * Performs one action on the attached store, its socket and the clock (`next()` uses it).
   * A synchronous `createSocket` outcome happens inside the action that makes the store ask for
   * a socket: script it first with `scriptFactory`.
   */
  perform(action: PathAction): Promise<void>;
  /** What the next call of the scripted `createSocket` does. @default "pending" */
  scriptFactory(outcome: FactoryOutcome | "pending"): void;
}

const flushMicrotasks = async (): Promise<void> => {
  for (let round = 0; round < 5; round++) await Promise.resolve();
};

const codeOf = (error: unknown): unknown => (typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined);

/**
 * Starts replaying a path from `connectionPaths`: build your store on `run.socket` with
 * `run.storeOptions`, `attach` it, then perform the steps (`for await`, `next()` or `step(i)`)
 * and check your UI after each against `step.expected`. Socket events fire synchronously and
 * waits advance your fake clock, so when a step resolves, the store and its subscribers are done.
 *
 * @example
 * // @vitest-environment jsdom
 * import { SocketStore } from "socket-store";
 * import { connectionPaths, startPath } from "socket-store/testing";
 *
 * for (const path of connectionPaths({ reconnect: { maxAttempts: 3 } })) {
 *   it(path.description, async () => {
 *     vi.useFakeTimers();
 *     const run = startPath(path, { clock: vi });
 *     const store = new SocketStore(run.socket, {}, run.storeOptions);
 *     run.attach(store);
 *     const unmount = mountStatusLine(document.body, store);
 *     expect(document.body.textContent).toBe(lineFor(run.expected));
 *     for await (const step of run) if (!step.disposed) expect(document.body.textContent, step.description).toBe(lineFor(step.expected));
 *     unmount();
 *     store.dispose();
 *     vi.useRealTimers();
 *   });
 * }
 */
export function startPath(path: ConnectionPath, options: StartPathOptions): PathRun {
  const { clock } = options;
  const message = "message" in options ? options.message : "hello";
  const reconnect = path.options.reconnect;
  const socket = new TestSocket(undefined, undefined, { readyState: path.options.readyState });
  const sockets: TestSocket[] = [socket];
  const factoryCalls: FactoryCall[] = [];
  const pendingFactoryCalls: PendingFactoryCall[] = [];
  let store: SocketStore<any> | undefined;
  let nextOutcome: FactoryOutcome | "pending" = "pending";
  let performed = 0;
  let expected = path.initial;

  const advance = (ms: number): void => {
    if ("advanceTimersByTime" in clock) clock.advanceTimersByTime(ms);
    else clock.advance(ms);
  };
  const attached = (): SocketStore<any> => {
    if (!store) throw new Error("startPath: call run.attach(store) with the store built on run.socket first");
    return store;
  };
  const current = (): TestSocket => {
    const observed = attached().socket;
    if (!(observed instanceof TestSocket)) throw new Error("startPath: the store observes a socket that is not a TestSocket");
    return observed;
  };
  const newSocket = (readyState: ReadyState): TestSocket => {
    const made = new TestSocket(undefined, undefined, { readyState });
    sockets.push(made);
    return made;
  };
  const createSocket = (context: ReplacementContext): unknown => {
    const outcome = nextOutcome;
    nextOutcome = "pending";
    factoryCalls.push({ context, snapshot: attached().getSnapshot(), outcome });
    const result = syncFactoryResult(outcome, newSocket);
    if (result !== NOT_SYNC) return result;
    return new Promise((resolve, reject) => pendingFactoryCalls.push({ resolve, reject }));
  };
  const retryOnClose = reconnect ? reconnect.retryOnClose : undefined;
  const storeOptions: PathStoreOptions = {
    reconnect: reconnect && {
      enabled: true,
      ...policyOf(reconnect),
      ...(retryOnClose ? { retryOnClose } : {}),
      ...(reconnect.factory !== "default" ? { createSocket: createSocket as SocketStoreReconnectOptions["createSocket"] } : {}),
    },
  };

  async function perform(action: PathAction): Promise<void> {
    const store = attached();
    const override = options.perform?.[action.kind] as ((action: PathAction, otherwise: () => Promise<void>) => unknown) | undefined;
    if (override) await override(action, () => performByReplay(action, store));
    else await performByReplay(action, store);
    // A socket the store's default factory constructed.
    const observed = store.socket;
    if (observed instanceof TestSocket && !sockets.includes(observed)) sockets.push(observed);
  }

  async function performByReplay(action: PathAction, store: SocketStore<any>): Promise<void> {
    switch (action.kind) {
      case "socketOpens":
        current().open();
        break;
      case "socketReceives":
        current().receive(message);
        break;
      case "socketFails":
        current().fail();
        break;
      case "socketCloses":
        current().serverClose({ code: action.code, wasClean: action.wasClean });
        break;
      case "implementationCloses": {
        // What `ws` does: it calls its own close() (answering a close frame, or after a protocol error), then closes.
        const observed = current();
        if (action.closeFrameReceived) Object.assign(observed, { _closeFrameReceived: true });
        observed.close(action.code);
        observed.serverClose({ code: action.code, wasClean: action.closeFrameReceived });
        break;
      }
      case "applicationClosesSocket":
        if (action.code === undefined) current().close();
        else current().close(action.code);
        break;
      case "storeClose":
        if (action.code === undefined) store.close();
        else store.close(action.code);
        break;
      case "storeReconnect":
        try {
          store.reconnect();
        } catch (error) {
          if (!reconnect && codeOf(error) === "ERR_RECONNECT_DISABLED") break;
          throw error;
        }
        if (!reconnect) throw new Error("store.reconnect() did not throw ERR_RECONNECT_DISABLED with reconnect disabled");
        break;
      case "storeDrop":
        store.drop(action.reason);
        break;
      case "dispose":
        if (action.how === "dispose()") store.dispose();
        else store[Symbol.dispose]();
        break;
      case "factory": {
        if (SYNC_FACTORY_OUTCOMES.has(action.outcome)) {
          // Happened inside the action that made the store ask for a socket.
          const last = factoryCalls.at(-1);
          if (reconnect && reconnect.factory !== "default" && last?.outcome !== action.outcome) {
            throw new Error(`createSocket was to ${action.outcome} but did ${last ? last.outcome : "not run"}: script it with scriptFactory() first`);
          }
          break;
        }
        // The latest call is the one the store waits for: close(), drop() or dispose() abandoned any earlier one.
        const pending = pendingFactoryCalls.pop();
        if (!pending) throw new Error(`no createSocket call is pending to settle (${action.outcome})`);
        if (action.outcome === "resolvesConnecting") pending.resolve(newSocket(0));
        else if (action.outcome === "resolvesOpen") pending.resolve(newSocket(1));
        else if (action.outcome === "resolvesClosed") pending.resolve(newSocket(3));
        else if (action.outcome === "resolvesNonSocket") pending.resolve("not a socket");
        else pending.reject(new Error("createSocket rejected"));
        await flushMicrotasks();
        break;
      }
      case "wait":
        advance(action.ms);
        break;
      case "storeEndsAttempt":
        // The store did it within the step before.
        break;
    }
  }

  const next = async (): Promise<PathStep | undefined> => {
    const step = path.steps[performed];
    if (!step) return undefined;
    nextOutcome = step.then && step.then !== "defaultFactory" && step.then !== "storeEndsAttempt" ? step.then : "pending";
    await perform(step.action);
    performed++;
    expected = step.expected;
    return step;
  };

  return {
    path,
    socket,
    storeOptions,
    sockets,
    factoryCalls,
    pendingFactoryCalls,
    get performed() {
      return performed;
    },
    get expected() {
      return expected;
    },
    attach(given) {
      if (store) throw new Error("startPath: a store is already attached");
      if (given.socket !== socket) throw new Error("startPath: attach the store built on run.socket");
      store = given;
    },
    next,
    async step(index) {
      let last: PathStep | undefined;
      while (performed < Math.min(index, path.steps.length)) last = await next();
      return last;
    },
    perform,
    scriptFactory(outcome) {
      nextOutcome = outcome;
    },
    async *[Symbol.asyncIterator]() {
      for (let step = await next(); step; step = await next()) yield step;
    },
  };
}
