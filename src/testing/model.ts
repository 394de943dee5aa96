/**
 * The test model of the connection statechart: the store configurations the paths run with,
 * and, for each machine state, the concrete things a test can do there (each machine event
 * carries a `via` saying how the replay produces it through a real SocketStore).
 */
import { getAdjacencyMap, getShortestPaths, getSimplePaths, type StatePath } from "@xstate/graph";
import { __unsafe_getAllOwnEventDescriptors, transition, type AnyActorLogic, type SnapshotFrom } from "xstate";
import { connectionMachine, type ConnectionEvent, type ConnectionInput } from "../../machines/connection.js";

export type ReadyState = 0 | 1 | 2 | 3;

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

/** `scripted`: a `createSocket` whose outcome each path step decides; `default`: no `createSocket`. */
export type FactoryKind = "scripted" | "default";

export interface ReconnectConfig {
  maxAttempts: number;
  backoff: "fixed" | "exponential";
  initialDelayMs: number;
  maxDelayMs: number;
  predicate: PredicateKind;
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
  /** a delayed transition: advance fake time by its delay */
  | { kind: "wait"; delay: "backoff" | "stabilityWindow" };

/**
 * A machine event and how to cause it. `SOCKET.ERROR` and `SOCKET.MESSAGE` are not machine
 * events (the store handles them without the machine); the model uses them, and calls the
 * machine ignores (`reconnect()` while open, `close()` when closed), as self-loops.
 */
export type ModelEvent = (ConnectionEvent | { type: "SOCKET.ERROR" } | { type: "SOCKET.MESSAGE" }) & { via: Via };
export type ModelSnapshot = SnapshotFrom<typeof connectionMachine>;
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

/**
 * The verdict the store passes to the machine for a close event (SPEC §4, "Which closes start
 * an outage"): the predicate is asked for every close but the end of a `store.close()`.
 */
export function retryVerdict(config: PathConfig, snapshot: ModelSnapshot, code: number): boolean | undefined {
  if (!config.reconnect || config.reconnect.predicate === "absent") return undefined;
  if (snapshot.matches({ closing: "byStore" })) return undefined;
  switch (config.reconnect.predicate) {
    case "acceptsApplicationCodes":
      return code >= 4000 && code <= 4999;
    case "acceptsAll":
      return true;
    case "declinesAll":
    case "throws":
    case "returnsTruthyNonBoolean":
      return false;
  }
}

/** The predicate a store of this config is given, or undefined. */
export function predicateFor(kind: PredicateKind): ((event: { code: number }) => boolean) | undefined {
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
    const live = snapshot.matches({ connecting: "socket" }) || snapshot.matches("open");
    // Socket events follow the socket (connecting, open or closing), store calls are always possible:
    // a machine that ignores one where it should not is then caught by the replay.
    if (snapshot.matches({ connecting: "socket" })) events.push({ type: "SOCKET.OPENED", via: { kind: "socketOpens" } });
    if (live || snapshot.matches("closing")) {
      for (const { code, wasClean } of variety.closePayloads) {
        events.push({ type: "SOCKET.CLOSED", retryOnClose: retryVerdict(config, snapshot, code), via: { kind: "socketCloses", code, wasClean } });
      }
    }
    if (variety.implementationCloses && snapshot.matches("open")) {
      for (const [code, closeFrameReceived] of [
        [1000, true],
        [1002, false],
      ] as const) {
        events.push({
          type: "SOCKET.CLOSED",
          retryOnClose: retryVerdict(config, snapshot, code),
          via: { kind: "implementationCloses", code, closeFrameReceived },
        });
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
      events.push({ type: "STORE.DROP", retryOnClose: retryVerdict(config, snapshot, DROP_CLOSE_CODE), via: { kind: "storeDrop", reason } });
    }
    if (config.reconnect && config.reconnect.factory === "scripted" && snapshot.matches({ connecting: "creatingSocket" })) {
      for (const outcome of variety.scriptedOutcomes) {
        events.push({ ...factoryEvent(outcome, snapshot.context.replacementRequest), via: { kind: "factory", outcome } } as ModelEvent);
      }
    }
    for (const how of variety.disposeVariants) events.push({ type: "DISPOSE", via: { kind: "dispose", how } });
    for (const type of __unsafe_getAllOwnEventDescriptors(snapshot)) {
      if (type === AFTER_BACKOFF) events.push({ type, via: { kind: "wait", delay: "backoff" } } as unknown as ModelEvent);
      else if (type === AFTER_STABILITY_WINDOW) events.push({ type, via: { kind: "wait", delay: "stabilityWindow" } } as unknown as ModelEvent);
      else if (type.startsWith("xstate.after.")) throw new Error(`the test model does not know the delay ${type}`);
    }
    events.push({ type: "SOCKET.ERROR", via: { kind: "socketFails" } });
    if (snapshot.matches("open")) events.push({ type: "SOCKET.MESSAGE", via: { kind: "socketReceives" } });
    return events;
  };
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
  const [state] = transition(connectionMachine, path.state, event);
  return { state, steps: [...path.steps, { event, state }], weight: path.weight + 1 };
}

/**
 * Snapshots are the same test state when value, attempt and retryDelayMs are, and — while
 * closing — when both were or were not just reached by `store.close()`. That last bit is not in
 * the machine: it keeps a close event right after `store.close()` on the paths even where a
 * machine ignored the call (SPEC.md then wants `closed`, whatever the machine did).
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
  return `${head}, reconnect ${reconnect.maxAttempts}× ${delays}, retryOnClose ${reconnect.predicate}, ${reconnect.factory} factory`;
}

function enabled(overrides: Partial<ReconnectConfig>): ReconnectConfig {
  return {
    maxAttempts: 2,
    backoff: "exponential",
    initialDelayMs: 100,
    maxDelayMs: 1000,
    predicate: "absent",
    factory: "scripted",
    ...overrides,
  };
}

const READY_STATES: readonly ReadyState[] = [0, 1, 2, 3];

/** Configurations whose shortest paths, and every transition out of each of their states, are replayed. */
export const SHORTEST_PATH_CONFIGS: readonly PathConfig[] = [
  ...READY_STATES.map((readyState): PathConfig => ({ readyState, reconnect: false })),
  ...READY_STATES.flatMap((readyState) =>
    [1, 2].flatMap((maxAttempts) =>
      (["fixed", "exponential"] as const).map(
        (backoff): PathConfig => ({
          readyState,
          // fixed: the delay may exceed the stability window (only exponential forbids that)
          reconnect: enabled(backoff === "fixed" ? { maxAttempts, backoff, initialDelayMs: 300, maxDelayMs: 200 } : { maxAttempts, backoff }),
        }),
      ),
    ),
  ),
  ...(["acceptsApplicationCodes", "declinesAll", "throws", "returnsTruthyNonBoolean"] as const).flatMap((predicate) =>
    READY_STATES.map((readyState): PathConfig => ({ readyState, reconnect: enabled({ predicate }) })),
  ),
  { readyState: 1, reconnect: enabled({ factory: "default" }) },
  // a predicate that retries every close, the drop of a socket the application closed included
  { readyState: 1, reconnect: enabled({ predicate: "acceptsAll" }) },
  // exponential with initialDelayMs === maxDelayMs: the largest initial delay allowed
  { readyState: 3, reconnect: enabled({ factory: "default", maxAttempts: 1, backoff: "exponential", initialDelayMs: 50, maxDelayMs: 50 }) },
  { readyState: 1, reconnect: enabled({ maxAttempts: 3, initialDelayMs: 400, maxDelayMs: 1000, predicate: "acceptsApplicationCodes" }) },
];

/** Small configurations whose simple paths (every path that visits no state twice) are replayed. */
export const SIMPLE_PATH_CONFIGS: readonly PathConfig[] = [
  { readyState: 1, reconnect: enabled({ maxAttempts: 1, predicate: "acceptsApplicationCodes" }) },
  // A socket closed at construction: outages start only with reconnect(). Two attempts here;
  // from a live socket they give tens of thousands of simple paths.
  { readyState: 3, reconnect: enabled({ maxAttempts: 2, backoff: "fixed", initialDelayMs: 100, maxDelayMs: 100 }) },
];

export interface GeneratedPaths {
  config: PathConfig;
  kind: "shortest" | "transition" | "simple";
  paths: ModelPath[];
}

function traversalOptions(config: PathConfig, variety: EventVariety, tellsStoreCloses = true) {
  return {
    input: inputFor(config),
    events: eventsFor(config, variety),
    serializeState: (snapshot: ModelSnapshot, event: ModelEvent | undefined) => serializeModelState(snapshot, tellsStoreCloses ? event : undefined),
    limit: 5_000,
  };
}

/** Shortest paths as `getShortestPaths` gives them (a path may still stop inside the default factory). */
function rawShortestPathsOf(config: PathConfig): ModelPath[] {
  return getShortestPaths(connectionMachine, traversalOptions(config, FULL_VARIETY) as never) as unknown as ModelPath[];
}

export function shortestPathsOf(config: PathConfig): ModelPath[] {
  return rawShortestPathsOf(config).map((path) => completePath(config, path));
}

/** For every state the machine reaches: its shortest path, extended by each event possible there. */
export function transitionPathsOf(config: PathConfig, rawShortest = rawShortestPathsOf(config)): ModelPath[] {
  const byState = new Map(rawShortest.map((path) => [serializeLastStep(path), path]));
  const adjacency = getAdjacencyMap(connectionMachine as AnyActorLogic, traversalOptions(config, FULL_VARIETY) as never);
  return Object.entries(adjacency).flatMap(([key, { transitions }]) => {
    const head = byState.get(key);
    if (!head) throw new Error(`no shortest path reaches ${key}`);
    const edges = Object.values(transitions) as Array<{ event: ModelEvent; state: ModelSnapshot }>;
    return edges.map(({ event, state }) =>
      completePath(config, { state, steps: [...head.steps, { event, state }], weight: head.weight + 1 }),
    );
  });
}

export function simplePathsOf(config: PathConfig): ModelPath[] {
  // Without the store.close() bit: it would double the simple paths for little.
  const paths = getSimplePaths(connectionMachine, traversalOptions(config, FEW_VARIETY, false) as never) as unknown as ModelPath[];
  return paths.map((path) => completePath(config, path));
}

/** Every generated path, in a stable order. */
export function generateAllPaths(): GeneratedPaths[] {
  const generated: GeneratedPaths[] = [];
  for (const config of SHORTEST_PATH_CONFIGS) {
    const rawShortest = rawShortestPathsOf(config);
    generated.push({ config, kind: "shortest", paths: rawShortest.map((path) => completePath(config, path)) });
    generated.push({ config, kind: "transition", paths: transitionPathsOf(config, rawShortest) });
  }
  for (const config of SIMPLE_PATH_CONFIGS) generated.push({ config, kind: "simple", paths: simplePathsOf(config) });
  return generated;
}

/** `socketCloses (code 1006, wasClean false)` */
export function describeVia(via: Via): string {
  const { kind, ...details } = via;
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
