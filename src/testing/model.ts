/**
 * The test model of the connection statechart: the store configurations the paths run with,
 * and, for each machine state, the concrete things a test can do there (each machine event
 * carries an `action` saying how a replay produces it through a real SocketStore).
 *
 * Paths come from `xstate/graph`, which ships inside xstate (the package's one runtime
 * dependency), walking the machine the package itself runs, so they follow it when it changes.
 * Internal to the testing entry: `connectionPaths` is the public door.
 */
import { getAdjacencyMap, getShortestPaths, getSimplePaths, type StatePath } from "xstate/graph";
import { createActor, initialTransition, transition, type AnyActorLogic, type AnyStateNode } from "xstate";
// Through the package root (kept external in the build): the testing entry shares the root's
// machine instead of carrying a copy of it.
import { connectionMachine, type CloseEventLike, type ConnectionEvent, type ConnectionInput, type ConnectionMachineSnapshot } from "socket-store";

import type { ReadyState } from "./test-socket.js";

export type { ReadyState };

/** How `reconnect.retryOnClose` is set up for the package's own tests: absent, one of these kinds, or an application's predicate. */
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
  connectTimeoutMs: number | false;
  retryOnClose: PredicateKind | RetryPredicate;
  factory: FactoryKind;
}

export interface PathConfig {
  readyState: ReadyState;
  reconnect: ReconnectConfig | false;
  /** Close codes the paths use beside the model's own (each with `wasClean: code !== 1006`). */
  closeCodes: readonly number[];
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

/** What a scripted `createSocket` can do before it returns. */
const SCRIPTED_SYNC_OUTCOMES: readonly FactoryOutcome[] = ["returnsConnecting", "returnsOpen", "returnsClosing", "returnsClosed", "returnsNonSocket", "throws"];

export const SYNC_FACTORY_OUTCOMES: ReadonlySet<FactoryOutcome> = new Set([...SCRIPTED_SYNC_OUTCOMES, "defaultFactory"]);

const READY_STATE_RETURNED = { returnsConnecting: 0, returnsOpen: 1, returnsClosing: 2, returnsClosed: 3 } as const;

/** Returned by `syncFactoryResult` for outcomes that are not decided synchronously. */
export const NOT_SYNC = Symbol("not a synchronous factory outcome");

/** What a scripted `createSocket` returns (or throws) for a synchronous outcome; `NOT_SYNC` for the others. */
export function syncFactoryResult(outcome: string, newSocket: (readyState: ReadyState) => unknown): unknown {
  if (outcome in READY_STATE_RETURNED) return newSocket(READY_STATE_RETURNED[outcome as keyof typeof READY_STATE_RETURNED]);
  if (outcome === "returnsNonSocket") return { readyState: 1 };
  if (outcome === "throws") throw new Error("createSocket failed");
  return NOT_SYNC;
}

/** What one step of a path does: an event of the socket, a call of the store, a factory outcome, or a wait. */
export type PathAction =
  | { kind: "socketOpens" }
  | { kind: "socketReceives" }
  /** an `error` event, the socket's readyState unchanged (a CONNECTING socket that fails this way gets no close) */
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
  /** a delayed transition of the statechart (`backoff`, `stabilityWindow`, `connectTimeout`, `closeGrace`): advance the clock by `ms` */
  | { kind: "wait"; delay: string; ms: number }
  /** the store ends a timed-out (or failed) attempt itself, like drop(""): part of the step before it */
  | { kind: "storeEndsAttempt" };

/** A machine event and how to cause it; `SOCKET.MESSAGE` is not a machine event (messages never pass through it). */
export type ModelEvent = (ConnectionEvent | { type: "SOCKET.MESSAGE" }) & { action: PathAction };
export type ModelSnapshot = ConnectionMachineSnapshot;
export type ModelPath = StatePath<ModelSnapshot, ModelEvent>;

/** What a factory outcome means to the machine. */
export function factoryEvent(outcome: FactoryOutcome): ConnectionEvent {
  switch (outcome) {
    case "returnsConnecting":
    case "resolvesConnecting":
    case "defaultFactory":
      return { type: "REPLACEMENT.READY", readyState: 0 };
    case "returnsOpen":
    case "resolvesOpen":
      return { type: "REPLACEMENT.READY", readyState: 1 };
    case "returnsClosing":
      return { type: "REPLACEMENT.READY", readyState: 2 };
    case "returnsClosed":
    case "resolvesClosed":
      return { type: "REPLACEMENT.READY", readyState: 3 };
    default:
      return { type: "REPLACEMENT.FAILED" };
  }
}

/** The close event the store judges for an action: what the socket fired, or what `drop(reason)` stands for. */
export function closeEventOf(action: PathAction): CloseEventLike | undefined {
  switch (action.kind) {
    case "socketCloses":
      return { type: "close", code: action.code, reason: "", wasClean: action.wasClean };
    case "implementationCloses":
      return { type: "close", code: action.code, reason: "", wasClean: action.closeFrameReceived };
    case "storeDrop":
      return { type: "close", code: 1006, reason: action.reason ?? "", wasClean: false };
    case "storeEndsAttempt":
      return { type: "close", code: 1006, reason: "", wasClean: false };
    default:
      return undefined;
  }
}

/**
 * The verdict the store passes to the machine for a close event: the predicate is asked where
 * the machine judges a close by it (not after `store.close()`); only a return value `=== true`
 * retries, and a predicate that throws counts as false.
 */
export function retryVerdict(config: PathConfig, snapshot: ModelSnapshot, event: CloseEventLike): boolean | undefined {
  if (!config.reconnect || config.reconnect.retryOnClose === "absent" || !snapshot.hasTag("asksRetryOnClose")) return undefined;
  const predicate = predicateFor(config.reconnect.retryOnClose)!;
  try {
    return predicate(event) === true;
  } catch {
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

/** Closes whose code or cleanliness a predicate or the machine may care about. */
export const MODEL_CLOSE_PAYLOADS: ReadonlyArray<{ code: number; wasClean: boolean }> = [
  { code: 1000, wasClean: true },
  { code: 1000, wasClean: false },
  { code: 1001, wasClean: true },
  { code: 1006, wasClean: false },
  { code: 1008, wasClean: true },
  { code: 4000, wasClean: true },
  { code: 4999, wasClean: false },
];

export const FULL_VARIETY: EventVariety = {
  closePayloads: MODEL_CLOSE_PAYLOADS,
  applicationCloseCodes: [undefined, 1000, 4000],
  storeCloseCodes: [undefined, 1000, 4001],
  scriptedOutcomes: [
    ...SCRIPTED_SYNC_OUTCOMES,
    "resolvesConnecting",
    "resolvesOpen",
    "resolvesClosed",
    "resolvesNonSocket",
    "rejects",
  ],
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

/** The variety with a config's own close codes added (clean unless 1006). */
function withCloseCodes(variety: EventVariety, config: PathConfig): EventVariety {
  const extra = config.closeCodes.filter((code) => !variety.closePayloads.some((payload) => payload.code === code));
  if (extra.length === 0) return variety;
  return { ...variety, closePayloads: [...variety.closePayloads, ...extra.map((code) => ({ code, wasClean: code !== 1006 }))] };
}

/** Whether the snapshot is in the state at this dotted path (`live.connecting.creatingSocket`). */
export function isIn(snapshot: ModelSnapshot, path: string): boolean {
  const keys = path.split(".");
  const value = keys.reduceRight<unknown>((child, key) => (child === undefined ? key : { [key]: child }), undefined);
  return snapshot.matches(value as never);
}

/** Every delay of the machine, read from its state nodes (`after`, one entry per delay), with the path of the state that holds it. */
const DELAYED: ReadonlyArray<{ path: string; delay: string; eventType: string }> = (function collect(node: AnyStateNode): Array<{ path: string; delay: string; eventType: string }> {
  const own = [...new Map(node.after.map((definition) => [definition.eventType, String(definition.delay)])).entries()];
  return [
    ...own.map(([eventType, delay]) => ({ path: node.path.join("."), delay, eventType })),
    ...Object.values(node.states as Record<string, AnyStateNode>).flatMap(collect),
  ];
})(connectionMachine.root);

/** How long a delay of the machine waits in this snapshot, or undefined when it runs no timer there. */
function delayOf(snapshot: ModelSnapshot, delay: string): number | undefined {
  const implementation = (connectionMachine.implementations.delays as Record<string, unknown>)[delay];
  const ms = typeof implementation === "function" ? implementation({ context: snapshot.context, event: { type: "" } }, undefined) : implementation;
  return typeof ms === "number" ? ms : undefined;
}

/** The machine's delayed events pending in this snapshot (each is one timer of a store), as waits. */
export function pendingDelays(snapshot: ModelSnapshot): Array<{ type: string; action: Extract<PathAction, { kind: "wait" }> }> {
  return DELAYED.filter(({ path }) => isIn(snapshot, path)).flatMap(({ delay, eventType }) => {
    const ms = delayOf(snapshot, delay);
    return ms === undefined ? [] : [{ type: eventType, action: { kind: "wait" as const, delay, ms } }];
  });
}

/**
 * The waits a test can do in this snapshot: the delays that end first (a later one cannot fire
 * before them: an error's 0 ms `closeGrace` ends the attempt before its `connectTimeout`).
 */
export function waitsIn(snapshot: ModelSnapshot): Array<{ type: string; action: Extract<PathAction, { kind: "wait" }> }> {
  const pending = pendingDelays(snapshot);
  const first = Math.min(...pending.map(({ action }) => action.ms));
  return pending.filter(({ action }) => action.ms === first);
}

/** The `readyState` of the socket the store observes in this state. */
function observedReadyState(snapshot: ModelSnapshot): number | undefined {
  if (isIn(snapshot, "live.closing")) return 2;
  if (isIn(snapshot, "live.open")) return 1;
  if (isIn(snapshot, "live.connecting.handshake") || isIn(snapshot, "live.connecting.handshakeFailed")) return 0;
  return undefined;
}

/** The store ends an attempt by itself in these states: the path goes on at once with that end. */
export function endsAttempt(snapshot: ModelSnapshot): boolean {
  return snapshot.status === "active" && snapshot.hasTag("ending");
}

/** The default factory (and a `sync` one) answers within the step that asks: nothing else can happen meanwhile. */
function answersAtOnce(config: PathConfig, snapshot: ModelSnapshot): boolean {
  return config.reconnect !== false && (config.reconnect.factory === "default" || config.reconnect.factory === "sync") && isIn(snapshot, "live.connecting.creatingSocket");
}

function closeEvent(config: PathConfig, snapshot: ModelSnapshot, type: "SOCKET.CLOSED" | "STORE.DROP", action: PathAction): ModelEvent {
  const event = closeEventOf(action)!;
  return { type, close: { code: event.code, reason: event.reason, wasClean: event.wasClean }, retryOnClose: retryVerdict(config, snapshot, event), action };
}

/**
 * The concrete things a test can do in this machine state: socket events where the observed
 * socket can produce them, every store call (those the machine ignores are self-loops), the
 * factory outcomes while a replacement is being made, and the state's delays.
 */
export function eventsFor(config: PathConfig, baseVariety: EventVariety): (snapshot: ModelSnapshot) => ModelEvent[] {
  const variety = withCloseCodes(baseVariety, config);
  return (snapshot) => {
    if (snapshot.status !== "active") return [];
    if (endsAttempt(snapshot)) return [closeEvent(config, snapshot, "STORE.DROP", { kind: "storeEndsAttempt" })];
    const factory = config.reconnect ? config.reconnect.factory : "default";
    const outcomes = (kind: FactoryKind): ModelEvent[] =>
      outcomesOf(kind, variety).map((outcome) => ({ ...factoryEvent(outcome), action: { kind: "factory", outcome } }));
    if (answersAtOnce(config, snapshot)) return outcomes(factory);
    const events: ModelEvent[] = [];
    const readyState = observedReadyState(snapshot);
    const live = readyState === 0 || readyState === 1;
    if (readyState === 0) events.push({ type: "SOCKET.OPENED", action: { kind: "socketOpens" } });
    if (readyState !== undefined) {
      for (const { code, wasClean } of variety.closePayloads) events.push(closeEvent(config, snapshot, "SOCKET.CLOSED", { kind: "socketCloses", code, wasClean }));
    }
    if (variety.implementationCloses && readyState === 1) {
      events.push(closeEvent(config, snapshot, "SOCKET.CLOSED", { kind: "implementationCloses", code: 1000, closeFrameReceived: true }));
      events.push(closeEvent(config, snapshot, "SOCKET.CLOSED", { kind: "implementationCloses", code: 1002, closeFrameReceived: false }));
    }
    // On a socket already closing too: that close() starts nothing.
    if (readyState !== undefined) for (const code of variety.applicationCloseCodes) events.push({ type: "SOCKET.CLOSE_CALLED", action: { kind: "applicationClosesSocket", code } });
    for (const code of live ? variety.storeCloseCodes : [undefined]) events.push({ type: "STORE.CLOSE", action: { kind: "storeClose", code } });
    // Without reconnect, reconnect() throws ERR_RECONNECT_DISABLED and the machine never sees it.
    events.push({ type: "STORE.RECONNECT", action: { kind: "storeReconnect" } });
    // drop() is possible everywhere; the machine ignores it where there is no connection to end.
    for (const reason of variety.dropReasons) events.push(closeEvent(config, snapshot, "STORE.DROP", { kind: "storeDrop", reason }));
    if (factory !== "default" && isIn(snapshot, "live.connecting.creatingSocket")) events.push(...outcomes(factory));
    for (const how of variety.disposeVariants) events.push({ type: "DISPOSE", action: { kind: "dispose", how } });
    const waits = waitsIn(snapshot) as unknown as ModelEvent[];
    if (variety.waitsFirst) events.unshift(...waits);
    else events.push(...waits);
    if (readyState !== undefined) events.push({ type: "SOCKET.ERRORED", readyState, action: { kind: "socketFails" } });
    if (readyState === 1) events.push({ type: "SOCKET.MESSAGE", action: { kind: "socketReceives" } });
    return events;
  };
}

/** The scripted outcomes a factory of this kind can have. */
function outcomesOf(kind: FactoryKind, variety: EventVariety): readonly FactoryOutcome[] {
  if (kind === "default") return ["defaultFactory"];
  if (kind === "scripted") return variety.scriptedOutcomes;
  const sync = kind === "sync";
  return variety.scriptedOutcomes.filter((outcome) => SYNC_FACTORY_OUTCOMES.has(outcome) === sync);
}

/**
 * A path cannot stop where the store goes on by itself within the same step (the default
 * factory answering, the end of a timed-out attempt): such a path gets those steps appended.
 */
export function completePath(config: PathConfig, path: ModelPath): ModelPath {
  let completed = path;
  while (answersAtOnce(config, completed.state) && config.reconnect && config.reconnect.factory === "default") {
    completed = appendStep(config, completed, { ...factoryEvent("defaultFactory"), action: { kind: "factory", outcome: "defaultFactory" } });
  }
  if (endsAttempt(completed.state)) return completePath(config, appendStep(config, completed, eventsFor(config, FULL_VARIETY)(completed.state)[0]!));
  return completed;
}

function appendStep(config: PathConfig, path: ModelPath, event: ModelEvent): ModelPath {
  const state = nextSnapshot(config, path.state, event as ConnectionEvent);
  return { state, steps: [...path.steps, { event, state }], weight: path.weight + 1 };
}

/** The machine's snapshot after `event`, computed by an actor that runs no timer and starts no child. */
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
 * The path with every snapshot computed again from its events. The graph keeps one snapshot per
 * test state and hands it to every path that reaches that state, so a path's snapshots may carry
 * fields the state leaves out (`lastClose`) from another path.
 */
export function recomputePath(config: PathConfig, path: ModelPath): ModelPath {
  let state = initialTransition(connectionMachine, inputFor(config))[0] as ModelSnapshot;
  const steps = path.steps.map((step, index) => {
    if (index > 0) state = transition(connectionMachine, state, step.event as ConnectionEvent)[0] as ModelSnapshot;
    return { event: step.event, state };
  });
  return { ...path, steps, state };
}

/**
 * Snapshots are the same test state when value, attempt and retryDelayMs are, and — while
 * closing — when both were or were not just reached by `store.close()`. That last bit is not in
 * the machine: it keeps a close event right after `store.close()` on the paths even where a
 * machine ignored the call (the documented behaviour then wants `closed`, whatever the machine
 * did). A `lastClose` with one of the application's own close codes counts too, so a path leads
 * to each state by each of those codes.
 */
export function serializeModelState(config: PathConfig, snapshot: ModelSnapshot, event?: ModelEvent): string {
  const afterStoreClose = isIn(snapshot, "live.closing.byStore") || (isIn(snapshot, "live.closing") && event?.action?.kind === "storeClose");
  const lastCode = snapshot.context.lastClose?.code;
  const closeCode = lastCode !== undefined && config.closeCodes.includes(lastCode) ? lastCode : null;
  return JSON.stringify([snapshot.value, snapshot.context.attempt, snapshot.context.retryDelayMs, afterStoreClose, closeCode]);
}

/** The timing options of a reconnect configuration, as the store takes them. */
export function policyOf(reconnect: Pick<ReconnectConfig, "maxAttempts" | "backoff" | "initialDelayMs" | "maxDelayMs" | "connectTimeoutMs">) {
  const { maxAttempts, backoff, initialDelayMs, maxDelayMs, connectTimeoutMs } = reconnect;
  return { maxAttempts, backoff, initialDelayMs, maxDelayMs, connectTimeoutMs };
}

export function inputFor(config: PathConfig): ConnectionInput {
  const reconnect = config.reconnect;
  return {
    readyState: config.readyState,
    reconnect: reconnect
      ? { enabled: true, ...policyOf(reconnect) }
      : // The store's defaults when reconnect is disabled (they never matter then).
        { enabled: false, maxAttempts: 5, backoff: "exponential", initialDelayMs: 250, maxDelayMs: 5000, connectTimeoutMs: 10_000 },
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
  const timeout = reconnect.connectTimeoutMs === false ? "no connect timeout" : `connect timeout ${reconnect.connectTimeoutMs} ms`;
  const predicate = typeof reconnect.retryOnClose === "function" ? "given" : reconnect.retryOnClose;
  const codes = config.closeCodes.length > 0 ? `, close codes ${config.closeCodes.join(" ")}` : "";
  return `${head}, reconnect ${reconnect.maxAttempts}× ${delays}, ${timeout}, retryOnClose ${predicate}, ${reconnect.factory} factory${codes}`;
}

/** How many states a traversal may visit before it gives up (it throws, it does not truncate). */
export const TRAVERSAL_LIMIT = 20_000;

function traversalOptions(config: PathConfig, variety: EventVariety, tellsStoreCloses = true) {
  return {
    input: inputFor(config),
    events: eventsFor(config, variety),
    serializeState: (snapshot: ModelSnapshot, event: ModelEvent | undefined) => serializeModelState(config, snapshot, tellsStoreCloses ? event : undefined),
    limit: TRAVERSAL_LIMIT,
  };
}

/** Shortest paths as `getShortestPaths` gives them (a path may still stop where the store goes on by itself). */
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
  const lastKey = (path: ModelPath) => {
    const last = path.steps.at(-1)!;
    return serializeModelState(config, last.state, last.event);
  };
  const byState = new Map(rawShortest.map((path) => [lastKey(path), path]));
  const adjacency = getAdjacencyMap(connectionMachine as AnyActorLogic, traversalOptions(config, variety) as never);
  return Object.entries(adjacency).flatMap(([key, { transitions }]) => {
    const head = byState.get(key);
    if (!head) throw new Error(`no shortest path reaches ${key}`);
    const edges = Object.values(transitions) as Array<{ event: ModelEvent; state: ModelSnapshot }>;
    return edges.map(({ event, state }) => completePath(config, { state, steps: [...head.steps, { event, state }], weight: head.weight + 1 }));
  });
}

/** Every path that visits no state twice; their number grows fast with `maxAttempts`. */
export function simplePathsOf(config: PathConfig, variety: EventVariety = FEW_VARIETY): ModelPath[] {
  // Without the store.close() bit: it would double the simple paths for little.
  const paths = getSimplePaths(connectionMachine, traversalOptions(config, variety, false) as never) as unknown as ModelPath[];
  return paths.map((path) => completePath(config, path));
}

/** `socketCloses (code 1006, wasClean false)` */
export function describeModelAction(action: PathAction): string {
  // A wait is named by its delay; its length follows from the configuration.
  const { kind, ms: _ms, ...details } = action as PathAction & { ms?: number };
  const shown = Object.entries(details).map(([name, value]) => `${name} ${value === undefined ? "none" : String(value)}`);
  return shown.length ? `${kind} (${shown.join(", ")})` : kind;
}

/** `socketOpens → socketCloses (code 1006, wasClean false) → …`, for failure messages. */
export function describeSteps(path: ModelPath): string {
  return path.steps
    .slice(1)
    .map((step) => describeModelAction(step.event.action))
    .join(" → ");
}
