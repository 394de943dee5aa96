/**
 * The test model of the connection statechart: the store configurations the paths run with,
 * and, for each machine state, the concrete things a test can do there (each machine event
 * carries a `via` saying how a replay produces it through a real SocketStore).
 *
 * Paths come from `xstate/graph`, which ships inside xstate (the package's one runtime
 * dependency), walking the machine the package itself runs, so they follow it when it changes.
 */
import { getAdjacencyMap, getShortestPaths, getSimplePaths, type StatePath } from "xstate/graph";
import { createActor, type AnyActorLogic, type SnapshotFrom } from "xstate";
// Types through the package root (kept external in the build): the declarations then refer to
// the root's machine instead of declaring a second one.
import type { CloseEventLike, ConnectionEvent, ConnectionInput, connectionMachine as ShippedMachine } from "socket-store";
import { connectionMachine } from "../../machines/connection.js";

import type { ReadyState } from "./test-socket.js";

export type { ReadyState };

/** How `reconnect.retryOnClose` is set up: absent, or a predicate judging the close event. */
export type PredicateKind =
  | "absent"
  /** true for every close, the drop's 1006 included */
  | "acceptsAll"
  /** true for codes 4000–4999 (an application's own "cycle me" codes), false otherwise */
  | "acceptsApplicationCodes"
  | "declinesAll"
  | "throws"
  /** returns 1 for every close: truthy, but only `=== true` retries */
  | "returnsTruthyNonBoolean";

/** An application's own `retryOnClose`: the paths ask it about each close they contain. */
export type RetryPredicate = (event: CloseEventLike) => boolean;

/**
 * How replacement sockets are made: a `createSocket` whose outcome each path step decides —
 * answering at once (`sync`), through a Promise (`async`) or both (`scripted`) — or no
 * `createSocket` (`default`: the store constructs `new previous.constructor(url, protocol)`).
 */
export type FactoryKind = "scripted" | "sync" | "async" | "default";

export interface ReconnectConfig {
  maxAttempts: number;
  backoff: "fixed" | "exponential";
  initialDelayMs: number;
  maxDelayMs: number;
  predicate: PredicateKind | RetryPredicate;
  factory: FactoryKind;
}

export interface PathConfig {
  readyState: ReadyState;
  reconnect: ReconnectConfig | false;
}

const READY_STATE_RETURNED = { returnsConnecting: 0, returnsOpen: 1, returnsClosing: 2, returnsClosed: 3 } as const;

/** Returned by `syncFactoryResult` for outcomes that are not decided synchronously. */
export const NOT_SYNC = Symbol("not a synchronous factory outcome");

/**
 * What a scripted `createSocket` returns (or throws) for the synchronous outcomes shared by the
 * path and property tests; `NOT_SYNC` for the others.
 */
export function syncFactoryResult(outcome: string, newSocket: (readyState: ReadyState) => unknown): unknown {
  if (outcome in READY_STATE_RETURNED) return newSocket(READY_STATE_RETURNED[outcome as keyof typeof READY_STATE_RETURNED]);
  if (outcome === "returnsNonSocket") return { readyState: 1 };
  if (outcome === "throws") throw new Error("createSocket failed");
  return NOT_SYNC;
}

/** What `createSocket` does for one attempt. Sync outcomes happen inside the step that asks for a socket. */
export type FactoryOutcome =
  | "returnsConnecting"
  | "returnsOpen"
  | "returnsClosing"
  | "returnsClosed"
  | "returnsNonSocket"
  | "throws"
  | "resolvesConnecting"
  | "resolvesOpen"
  | "resolvesClosed"
  | "resolvesNonSocket"
  | "rejects"
  /** no `createSocket`: the store constructs `new previous.constructor(url, protocol)` */
  | "defaultFactory";

export const SYNC_FACTORY_OUTCOMES: ReadonlySet<FactoryOutcome> = new Set([
  "returnsConnecting",
  "returnsOpen",
  "returnsClosing",
  "returnsClosed",
  "returnsNonSocket",
  "throws",
  "defaultFactory",
]);

/** How the replay produces a machine event. */
export type Via =
  | { kind: "socketOpens" }
  | { kind: "socketReceives" }
  /** an `error` event: reported, never a machine event */
  | { kind: "socketFails" }
  /** the server, the network, or the end of a close already under way */
  | { kind: "socketCloses"; code: number; wasClean: boolean }
  /** `ws` calling its own `close()`: answering a close frame, or after a protocol error */
  | { kind: "implementationCloses"; code: number; closeFrameReceived: boolean }
  | { kind: "applicationClosesSocket"; code: number | undefined }
  | { kind: "storeClose"; code: number | undefined }
  | { kind: "storeReconnect" }
  | { kind: "storeDrop"; reason: string | undefined }
  | { kind: "dispose"; how: "dispose()" | "[Symbol.dispose]()" }
  | { kind: "factory"; outcome: FactoryOutcome }
  /** a delayed transition: advance fake time by its delay, `ms` */
  | { kind: "wait"; delay: "backoff" | "stabilityWindow"; ms: number };

/**
 * A machine event and how to cause it. `SOCKET.ERROR` and `SOCKET.MESSAGE` are not machine
 * events (the store handles them without the machine); the model uses them, and calls the
 * machine ignores (`reconnect()` while open, `close()` when closed), as self-loops.
 */
export type ModelEvent = (ConnectionEvent | { type: "SOCKET.ERROR" } | { type: "SOCKET.MESSAGE" }) & { via: Via };
export type ModelSnapshot = SnapshotFrom<typeof ShippedMachine>;
export type ModelPath = StatePath<ModelSnapshot, ModelEvent>;

const AFTER_BACKOFF = "xstate.after.backoff.connection.reconnecting";
const AFTER_STABILITY_WINDOW = "xstate.after.stabilityWindow.connection.open.settling";

/** Closes whose code or cleanliness a predicate or the machine may care about. */
const CLOSE_PAYLOADS: ReadonlyArray<{ code: number; wasClean: boolean }> = [
  { code: 1000, wasClean: true },
  { code: 1000, wasClean: false },
  { code: 1001, wasClean: true },
  { code: 1006, wasClean: false },
  { code: 1008, wasClean: true },
  { code: 4000, wasClean: true },
  { code: 4999, wasClean: false },
];
const APPLICATION_CLOSE_CODES: ReadonlyArray<number | undefined> = [undefined, 1000, 4000];
const STORE_CLOSE_CODES: ReadonlyArray<number | undefined> = [undefined, 1000, 4001];
const SCRIPTED_OUTCOMES: ReadonlyArray<FactoryOutcome> = [
  "returnsConnecting",
  "returnsOpen",
  "returnsClosing",
  "returnsClosed",
  "returnsNonSocket",
  "throws",
  "resolvesConnecting",
  "resolvesOpen",
  "resolvesClosed",
  "resolvesNonSocket",
  "rejects",
];

/** What a factory outcome of factory call `request` means to the machine. */
export function factoryEvent(outcome: FactoryOutcome, request: number): ConnectionEvent {
  switch (outcome) {
    case "returnsConnecting":
    case "resolvesConnecting":
    case "defaultFactory":
      return { type: "REPLACEMENT.READY", request, readyState: 0 };
    case "returnsOpen":
    case "resolvesOpen":
      return { type: "REPLACEMENT.READY", request, readyState: 1 };
    case "returnsClosing":
      return { type: "REPLACEMENT.READY", request, readyState: 2 };
    case "returnsClosed":
    case "resolvesClosed":
      return { type: "REPLACEMENT.READY", request, readyState: 3 };
    case "returnsNonSocket":
    case "resolvesNonSocket":
    case "throws":
    case "rejects":
      return { type: "REPLACEMENT.FAILED", request };
  }
}

/** What `store.drop()` makes of a state: a close `{ code: 1006, wasClean: false }` judged there. */
export const DROP_CLOSE_CODE = 1006;

/** The close event the store judges after a step: what the socket fired, or what `drop(reason)` stands for. */
export function closeEventOf(via: Via): CloseEventLike | undefined {
  switch (via.kind) {
    case "socketCloses":
      return { type: "close", code: via.code, reason: "", wasClean: via.wasClean };
    case "implementationCloses":
      return { type: "close", code: via.code, reason: "", wasClean: via.closeFrameReceived };
    case "storeDrop":
      return { type: "close", code: DROP_CLOSE_CODE, reason: via.reason ?? "", wasClean: false };
    default:
      return undefined;
  }
}

/**
 * The verdict the store passes to the machine for a close event: the predicate is asked for
 * every close but the end of a `store.close()`; only a return value `=== true` retries, and a
 * predicate that throws counts as false.
 */
export function retryVerdict(config: PathConfig, snapshot: ModelSnapshot, event: CloseEventLike): boolean | undefined {
  if (!config.reconnect || config.reconnect.predicate === "absent") return undefined;
  if (snapshot.matches({ closing: "byStore" })) return undefined;
  const predicate = config.reconnect.predicate;
  if (typeof predicate === "function") {
    try {
      return predicate(event) === true;
    } catch {
      return false;
    }
  }
  switch (predicate) {
    case "acceptsApplicationCodes":
      return event.code >= 4000 && event.code <= 4999;
    case "acceptsAll":
      return true;
    case "declinesAll":
    case "throws":
    case "returnsTruthyNonBoolean":
      return false;
  }
}

/** The predicate a store of this config is given, or undefined. */
export function predicateFor(kind: PredicateKind | RetryPredicate): RetryPredicate | undefined {
  if (typeof kind === "function") return kind;
  switch (kind) {
    case "absent":
      return undefined;
    case "acceptsApplicationCodes":
      return (event) => event.code >= 4000 && event.code <= 4999;
    case "acceptsAll":
      return () => true;
    case "declinesAll":
      return () => false;
    case "throws":
      return () => {
        throw new Error("retryOnClose failed");
      };
    case "returnsTruthyNonBoolean":
      return () => 1 as unknown as boolean;
  }
}

export interface EventVariety {
  closePayloads: ReadonlyArray<{ code: number; wasClean: boolean }>;
  applicationCloseCodes: ReadonlyArray<number | undefined>;
  storeCloseCodes: ReadonlyArray<number | undefined>;
  scriptedOutcomes: ReadonlyArray<FactoryOutcome>;
  disposeVariants: ReadonlyArray<"dispose()" | "[Symbol.dispose]()">;
  dropReasons: ReadonlyArray<string | undefined>;
  implementationCloses: boolean;
  /** List the state's delays first, so that where waiting and a call lead to the same state, shortest paths wait. */
  waitsFirst?: boolean;
}

export const FULL_VARIETY: EventVariety = {
  closePayloads: CLOSE_PAYLOADS,
  applicationCloseCodes: APPLICATION_CLOSE_CODES,
  storeCloseCodes: STORE_CLOSE_CODES,
  scriptedOutcomes: SCRIPTED_OUTCOMES,
  disposeVariants: ["dispose()", "[Symbol.dispose]()"],
  dropReasons: [undefined, "heartbeat timeout"],
  implementationCloses: true,
};

/**
 * One event per distinct machine outcome, for simple paths (their number grows with every
 * extra edge): a close the predicate of `acceptsApplicationCodes` declines and one it accepts.
 */
export const FEW_VARIETY: EventVariety = {
  closePayloads: [
    { code: 1006, wasClean: false },
    { code: 4000, wasClean: true },
  ],
  applicationCloseCodes: [4000],
  storeCloseCodes: [undefined],
  scriptedOutcomes: ["returnsConnecting", "returnsOpen", "throws"],
  disposeVariants: ["dispose()"],
  dropReasons: ["heartbeat timeout"],
  implementationCloses: false,
};

/**
 * The concrete things a test can do in this machine state: socket events where the observed
 * socket can produce them, every store call (those the machine ignores are self-loops), the
 * factory outcomes while a replacement is being made, and the state's delays.
 */
export function eventsFor(config: PathConfig, variety: EventVariety): (snapshot: ModelSnapshot) => ModelEvent[] {
  return (snapshot) => {
    if (snapshot.status !== "active") return [];
    const events: ModelEvent[] = [];
    if (makesReplacementAtOnce(config, snapshot)) {
      return [{ ...factoryEvent("defaultFactory", snapshot.context.replacementRequest), via: { kind: "factory", outcome: "defaultFactory" } } as ModelEvent];
    }
    // A factory that always answers at once: nothing else can happen while it runs.
    if (config.reconnect && config.reconnect.factory === "sync" && snapshot.matches({ connecting: "creatingSocket" })) {
      return outcomesOf("sync", variety).map(
        (outcome) => ({ ...factoryEvent(outcome, snapshot.context.replacementRequest), via: { kind: "factory", outcome } }) as ModelEvent,
      );
    }
    const live = snapshot.matches({ connecting: "socket" }) || snapshot.matches("open");
    // Socket events follow the socket (connecting, open or closing), store calls are always possible:
    // a machine that ignores one where it should not is then caught by the replay.
    if (snapshot.matches({ connecting: "socket" })) events.push({ type: "SOCKET.OPENED", via: { kind: "socketOpens" } });
    if (live || snapshot.matches("closing")) {
      for (const { code, wasClean } of variety.closePayloads) {
        const via: Via = { kind: "socketCloses", code, wasClean };
        events.push({ type: "SOCKET.CLOSED", retryOnClose: retryVerdict(config, snapshot, closeEventOf(via)!), via });
      }
    }
    if (variety.implementationCloses && snapshot.matches("open")) {
      for (const [code, closeFrameReceived] of [
        [1000, true],
        [1002, false],
      ] as const) {
        const via: Via = { kind: "implementationCloses", code, closeFrameReceived };
        events.push({ type: "SOCKET.CLOSED", retryOnClose: retryVerdict(config, snapshot, closeEventOf(via)!), via });
      }
    }
    if (live) {
      for (const code of variety.applicationCloseCodes) events.push({ type: "SOCKET.CLOSE_CALLED", via: { kind: "applicationClosesSocket", code } });
    }
    for (const code of live ? variety.storeCloseCodes : [undefined]) events.push({ type: "STORE.CLOSE", via: { kind: "storeClose", code } });
    // Without reconnect, reconnect() throws ERR_RECONNECT_DISABLED and the machine never sees it.
    events.push({ type: "STORE.RECONNECT", via: { kind: "storeReconnect" } });
    // drop() is possible everywhere; the machine ignores it where there is no connection to end.
    for (const reason of variety.dropReasons) {
      const via: Via = { kind: "storeDrop", reason };
      events.push({ type: "STORE.DROP", retryOnClose: retryVerdict(config, snapshot, closeEventOf(via)!), via });
    }
    if (config.reconnect && config.reconnect.factory !== "default" && snapshot.matches({ connecting: "creatingSocket" })) {
      for (const outcome of outcomesOf(config.reconnect.factory, variety)) {
        events.push({ ...factoryEvent(outcome, snapshot.context.replacementRequest), via: { kind: "factory", outcome } } as ModelEvent);
      }
    }
    for (const how of variety.disposeVariants) events.push({ type: "DISPOSE", via: { kind: "dispose", how } });
    const delays: ModelEvent[] = [];
    for (const type of new Set<string>(snapshot._nodes.flatMap((node) => node.ownEvents as string[]))) {
      if (type === AFTER_BACKOFF) {
        delays.push({ type, via: { kind: "wait", delay: "backoff", ms: snapshot.context.retryDelayMs ?? 0 } } as unknown as ModelEvent);
      } else if (type === AFTER_STABILITY_WINDOW) {
        delays.push({ type, via: { kind: "wait", delay: "stabilityWindow", ms: snapshot.context.maxDelayMs } } as unknown as ModelEvent);
      } else if (type.startsWith("xstate.after.")) throw new Error(`the test model does not know the delay ${type}`);
    }
    if (variety.waitsFirst) events.unshift(...delays);
    else events.push(...delays);
    events.push({ type: "SOCKET.ERROR", via: { kind: "socketFails" } });
    if (snapshot.matches("open")) events.push({ type: "SOCKET.MESSAGE", via: { kind: "socketReceives" } });
    return events;
  };
}

/** The scripted outcomes a factory of this kind can have. */
function outcomesOf(kind: Exclude<FactoryKind, "default">, variety: EventVariety): readonly FactoryOutcome[] {
  if (kind === "scripted") return variety.scriptedOutcomes;
  const sync = kind === "sync";
  return variety.scriptedOutcomes.filter((outcome) => SYNC_FACTORY_OUTCOMES.has(outcome) === sync);
}

/** The default factory constructs a socket synchronously: nothing can happen while it runs. */
function makesReplacementAtOnce(config: PathConfig, snapshot: ModelSnapshot): boolean {
  return config.reconnect !== false && config.reconnect.factory === "default" && snapshot.matches({ connecting: "creatingSocket" });
}

/** A path cannot stop while the default factory runs: such a path gets the replacement step appended. */
export function completePath(config: PathConfig, path: ModelPath): ModelPath {
  if (!makesReplacementAtOnce(config, path.state)) return path;
  const event = {
    ...factoryEvent("defaultFactory", path.state.context.replacementRequest),
    via: { kind: "factory", outcome: "defaultFactory" },
  } as ModelEvent & ConnectionEvent;
  const state = nextSnapshot(config, path.state, event);
  return { state, steps: [...path.steps, { event, state }], weight: path.weight + 1 };
}

/** The machine's snapshot after `event`, computed by an actor that runs no timer. */
function nextSnapshot(config: PathConfig, snapshot: ModelSnapshot, event: ConnectionEvent): ModelSnapshot {
  const actor = createActor(connectionMachine, {
    input: inputFor(config),
    snapshot,
    clock: { setTimeout: () => 0, clearTimeout: () => {} },
  });
  actor.start();
  actor.send(event);
  const next = actor.getSnapshot();
  actor.stop();
  return next as ModelSnapshot;
}

/**
 * Snapshots are the same test state when value, attempt and retryDelayMs are, and — while
 * closing — when both were or were not just reached by `store.close()`. That last bit is not in
 * the machine: it keeps a close event right after `store.close()` on the paths even where a
 * machine ignored the call (the documented behaviour then wants `closed`, whatever the machine did).
 */
export function serializeModelState(snapshot: ModelSnapshot, event?: ModelEvent): string {
  const afterStoreClose = snapshot.matches({ closing: "byStore" }) || (snapshot.matches("closing") && event?.via?.kind === "storeClose");
  return JSON.stringify([snapshot.value, snapshot.context.attempt, snapshot.context.retryDelayMs, afterStoreClose]);
}

function serializeLastStep(path: ModelPath): string {
  const last = path.steps.at(-1)!;
  return serializeModelState(last.state, last.event);
}

export function inputFor(config: PathConfig): ConnectionInput {
  const reconnect = config.reconnect;
  return {
    readyState: config.readyState,
    reconnect: reconnect
      ? {
          enabled: true,
          maxAttempts: reconnect.maxAttempts,
          backoff: reconnect.backoff,
          initialDelayMs: reconnect.initialDelayMs,
          maxDelayMs: reconnect.maxDelayMs,
        }
      : // The store's defaults when reconnect is disabled (they never matter then).
        { enabled: false, maxAttempts: 5, backoff: "exponential", initialDelayMs: 250, maxDelayMs: 5000 },
  };
}

export function describeConfig(config: PathConfig): string {
  const reconnect = config.reconnect;
  const head = `readyState ${config.readyState}`;
  if (!reconnect) return `${head}, reconnect disabled`;
  const delays =
    reconnect.backoff === "fixed"
      ? `fixed ${reconnect.initialDelayMs} ms, window ${reconnect.maxDelayMs} ms`
      : `exponential ${reconnect.initialDelayMs}–${reconnect.maxDelayMs} ms`;
  const predicate = typeof reconnect.predicate === "function" ? "given" : reconnect.predicate;
  return `${head}, reconnect ${reconnect.maxAttempts}× ${delays}, retryOnClose ${predicate}, ${reconnect.factory} factory`;
}

/** How many states a traversal may visit before it gives up (it throws, it does not truncate). */
export const TRAVERSAL_LIMIT = 5_000;

function traversalOptions(config: PathConfig, variety: EventVariety, tellsStoreCloses = true) {
  return {
    input: inputFor(config),
    events: eventsFor(config, variety),
    serializeState: (snapshot: ModelSnapshot, event: ModelEvent | undefined) => serializeModelState(snapshot, tellsStoreCloses ? event : undefined),
    limit: TRAVERSAL_LIMIT,
  };
}

/** Shortest paths as `getShortestPaths` gives them (a path may still stop inside the default factory). */
export function rawShortestPathsOf(config: PathConfig, variety: EventVariety = FULL_VARIETY): ModelPath[] {
  return getShortestPaths(connectionMachine, traversalOptions(config, variety) as never) as unknown as ModelPath[];
}

/** One shortest path to every state the machine reaches in this configuration. */
export function shortestPathsOf(config: PathConfig, variety: EventVariety = FULL_VARIETY): ModelPath[] {
  return rawShortestPathsOf(config, variety).map((path) => completePath(config, path));
}

/** For every state the machine reaches: its shortest path, extended by each event possible there. */
export function transitionPathsOf(
  config: PathConfig,
  variety: EventVariety = FULL_VARIETY,
  rawShortest: ModelPath[] = rawShortestPathsOf(config, variety),
): ModelPath[] {
  const byState = new Map(rawShortest.map((path) => [serializeLastStep(path), path]));
  const adjacency = getAdjacencyMap(connectionMachine as AnyActorLogic, traversalOptions(config, variety) as never);
  return Object.entries(adjacency).flatMap(([key, { transitions }]) => {
    const head = byState.get(key);
    if (!head) throw new Error(`no shortest path reaches ${key}`);
    const edges = Object.values(transitions) as Array<{ event: ModelEvent; state: ModelSnapshot }>;
    return edges.map(({ event, state }) =>
      completePath(config, { state, steps: [...head.steps, { event, state }], weight: head.weight + 1 }),
    );
  });
}

/** Every path that visits no state twice; their number grows fast with `maxAttempts`. */
export function simplePathsOf(config: PathConfig, variety: EventVariety = FEW_VARIETY): ModelPath[] {
  // Without the store.close() bit: it would double the simple paths for little.
  const paths = getSimplePaths(connectionMachine, traversalOptions(config, variety, false) as never) as unknown as ModelPath[];
  return paths.map((path) => completePath(config, path));
}

/** `socketCloses (code 1006, wasClean false)` */
export function describeVia(via: Via): string {
  // A wait is named by its delay; its length follows from the configuration.
  const { kind, ms: _ms, ...details } = via as Via & { ms?: number };
  const shown = Object.entries(details).map(([name, value]) => `${name} ${value === undefined ? "none" : String(value)}`);
  return shown.length ? `${kind} (${shown.join(", ")})` : kind;
}

/** `socketOpens → socketCloses (code 1006, wasClean false) → …`, for failure messages. */
export function describeSteps(path: ModelPath): string {
  return path.steps
    .slice(1)
    .map((step) => describeVia(step.event.via))
    .join(" → ");
}

/** The status a store shows in this machine state (the top-level state's name). */
export function statusOf(snapshot: ModelSnapshot): string {
  return typeof snapshot.value === "string" ? snapshot.value : Object.keys(snapshot.value)[0]!;
}
