import { connectionSnapshotOf, type ConnectionSnapshot, type SocketStoreReconnectOptions } from "socket-store";
import {
  FEW_VARIETY,
  FULL_VARIETY,
  SYNC_FACTORY_OUTCOMES,
  endsAttempt,
  isIn,
  predicateFor,
  recomputePath,
  shortestPathsOf,
  simplePathsOf,
  transitionPathsOf,
  type EventVariety,
  type FactoryKind,
  type FactoryOutcome,
  type ModelPath,
  type ModelSnapshot,
  type PathAction,
  type PathConfig,
  type ReadyState,
} from "./model.js";

export type { FactoryKind, FactoryOutcome, PathAction };

/**
 * What the store's snapshot shows after a step: every field of `ConnectionSnapshot` but
 * `lastError` (the paths check which errors are reported in their own tests, not here).
 */
export type ExpectedSnapshot = Omit<ConnectionSnapshot, "lastError">;

export interface PathStep {
  /** What the test does. */
  action: PathAction;
  /** `server closes 1006 (not clean)`, `wait 250 ms (backoff) and createSocket returns an open socket`, … */
  description: string;
  /**
   * What the store does by itself within this step, after `action`: what a synchronous
   * `createSocket` (or the store's default factory) gives when the step makes the store ask for
   * a socket, or `"storeEndsAttempt"` when the step ends an attempt that timed out (or whose
   * socket failed with no close): the store ends it like `drop("")`. Undefined otherwise.
   */
  then?: FactoryOutcome | "storeEndsAttempt";
  /** The store's snapshot after the step (and what it did by itself within it). */
  expected: ExpectedSnapshot;
  /** The statechart's state after the step: `reconnecting`, `open.settling`, `connecting.handshake`, `disposed`. */
  state: string;
  /**
   * The step disposed of the store. `expected` then repeats the snapshot from before: a disposed
   * store keeps its last snapshot and notifies nobody, so a UI still showing it (say "Connected")
   * should unmount, or stop showing the store, when it disposes of it.
   */
  disposed: boolean;
}

/** One path through the connection statechart, as concrete steps a test performs. */
export interface ConnectionPath {
  /** `server closes 1006 (not clean) → wait 250 ms (backoff) and the store constructs a new socket ⇒ connecting, attempt 1`: fit for a test title. */
  description: string;
  /** The options the path was generated for, with the defaults applied. */
  options: ResolvedPathOptions;
  kind: PathKind;
  /** What the store shows when it is constructed, before any step. */
  initial: ExpectedSnapshot;
  steps: PathStep[];
}

/** `ConnectionPathsOptions` with the defaults applied. */
export interface ResolvedPathOptions {
  readyState: ReadyState;
  closeCodes: number[];
  reconnect: false | (Required<Omit<ReconnectPathOptions, "retryOnClose">> & Pick<ReconnectPathOptions, "retryOnClose">);
}

/**
 * - `shortest`: one shortest path to every state the store can reach in this configuration;
 * - `transition`: for every reachable state, its shortest path followed by each thing that can
 *   happen there (every transition is taken at least once);
 * - `simple`: every path that visits no state twice (grows fast: keep `maxAttempts` at 1–2).
 */
export type PathKind = "shortest" | "transition" | "simple";

/**
 * The store's reconnect options (with their defaults, `retryOnClose` included: every close a path
 * contains is judged by it where the store would ask it, with each of the close codes the paths
 * use, and `paths.retryOnClose` lists what it retried and declined), and how replacement sockets
 * come instead of `createSocket`.
 */
export interface ReconnectPathOptions extends Omit<SocketStoreReconnectOptions, "enabled" | "createSocket"> {
  /**
   * `"default"` (no `createSocket`: the store constructs `new previous.constructor(url,
   * protocol)`), `"sync"` (a `createSocket` that returns or throws), `"async"` (one that resolves
   * or rejects; the store is `connecting` meanwhile), or `"scripted"` (both). The paths decide
   * what each call gives: a connecting or open socket, a closed one, something that is not a
   * socket, an exception or a rejection.
   * @default "default"
   */
  factory?: FactoryKind;
}

export interface ConnectionPathsOptions {
  /** `readyState` of the socket the application hands the store: 0 is what `new WebSocket(url)` gives. @default 0 */
  readyState?: ReadyState;
  /** The store's reconnect setting. @default false */
  reconnect?: false | ReconnectPathOptions;
  /**
   * Close codes the paths' closes use beside the model's own (1000, 1001, 1006, 1008, 4000,
   * 4999, and 1000/1002 from `ws` itself): the codes your `retryOnClose` or your UI treat apart,
   * e.g. `[4401]`. Each is closed cleanly, except 1006. The paths also reach each state once
   * with each of these codes as `lastClose`.
   * @default []
   */
  closeCodes?: readonly number[];
  /** @default "shortest" */
  kind?: PathKind;
}

/** The codes the paths' `retryOnClose` was asked about, by its verdict. */
export interface RetryOnCloseVerdicts {
  /** Codes of closes it retried (returned `true`), ascending. */
  retried: number[];
  /** Codes of closes it declined (returned anything else, or threw), ascending. */
  declined: number[];
}

/** The paths of one configuration; `retryOnClose` says what the predicate decided on them (null without one). */
export interface ConnectionPaths extends Array<ConnectionPath> {
  readonly retryOnClose: RetryOnCloseVerdicts | null;
}

/**
 * Every event the model knows, in the order an application's tests read best: where several
 * lead to the same state, the paths wait rather than call `reconnect()`, and close with 1006.
 */
const APPLICATION_VARIETY: EventVariety = {
  ...FULL_VARIETY,
  waitsFirst: true,
  closePayloads: [...FULL_VARIETY.closePayloads].sort((left, right) => Number(right.code === 1006) - Number(left.code === 1006)),
};

const DEFAULTS = { maxAttempts: 5, backoff: "exponential", initialDelayMs: 250, maxDelayMs: 5000, connectTimeoutMs: 10_000, factory: "default" } as const;

function isCloseCode(code: unknown): code is number {
  return typeof code === "number" && Number.isInteger(code) && code >= 1000 && code <= 4999;
}

/** The options of `connectionPaths` with the defaults applied, checked as the store checks them. */
function resolvePathOptions(options: ConnectionPathsOptions): ResolvedPathOptions {
  const readyState = options.readyState ?? 0;
  if (![0, 1, 2, 3].includes(readyState)) throw new RangeError(`connectionPaths: readyState must be 0, 1, 2 or 3 (got ${String(readyState)})`);
  const closeCodes = [...(options.closeCodes ?? [])];
  if (!closeCodes.every(isCloseCode)) throw new RangeError("connectionPaths: closeCodes must be integers from 1000 to 4999");
  const reconnect = options.reconnect;
  if (reconnect === undefined || reconnect === false) return { readyState, closeCodes, reconnect: false };
  const resolved = { ...DEFAULTS, ...Object.fromEntries(Object.entries(reconnect).filter(([, value]) => value !== undefined)) } as Exclude<ResolvedPathOptions["reconnect"], false>;
  const { maxAttempts, backoff, initialDelayMs, maxDelayMs, connectTimeoutMs, retryOnClose, factory } = resolved;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError("connectionPaths: reconnect.maxAttempts must be an integer ≥ 1");
  for (const [name, value] of [["initialDelayMs", initialDelayMs], ["maxDelayMs", maxDelayMs]] as const) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`connectionPaths: reconnect.${name} must be a finite number ≥ 0`);
  }
  if (connectTimeoutMs !== false && !(Number.isFinite(connectTimeoutMs) && connectTimeoutMs > 0)) {
    throw new RangeError("connectionPaths: reconnect.connectTimeoutMs must be false or a finite number > 0");
  }
  if (backoff !== "fixed" && backoff !== "exponential") throw new RangeError('connectionPaths: reconnect.backoff must be "fixed" or "exponential"');
  if (backoff === "exponential" && initialDelayMs > maxDelayMs) {
    throw new RangeError("connectionPaths: reconnect.initialDelayMs must not exceed reconnect.maxDelayMs with exponential backoff");
  }
  if (retryOnClose !== undefined && typeof retryOnClose !== "function") throw new RangeError("connectionPaths: reconnect.retryOnClose must be a function when given");
  if (!["default", "sync", "async", "scripted"].includes(factory)) throw new RangeError('connectionPaths: reconnect.factory must be "default", "sync", "async" or "scripted"');
  return { readyState, closeCodes, reconnect: resolved };
}

/** The model's configuration of resolved options. */
export function modelConfigOf(options: ResolvedPathOptions): PathConfig {
  const { readyState, closeCodes, reconnect } = options;
  if (!reconnect) return { readyState, closeCodes, reconnect: false };
  const { maxAttempts, backoff, initialDelayMs, maxDelayMs, connectTimeoutMs, factory, retryOnClose } = reconnect;
  return { readyState, closeCodes, reconnect: { maxAttempts, backoff, initialDelayMs, maxDelayMs, connectTimeoutMs, factory, retryOnClose: retryOnClose ?? "absent" } };
}

/**
 * The paths of the connection statechart for one store configuration, generated from the
 * machine the package runs (with `xstate/graph`, part of xstate), as concrete steps: socket
 * events (`server closes 1006 (not clean)`), calls of the store (`app calls store.drop()`),
 * what a `createSocket` gives, and waits. After each step, `expected` holds the snapshot the
 * store must show. Replay one with `startPath`.
 *
 * Dev-time only: the package root never loads this entry.
 *
 * @example
 * const paths = connectionPaths({ reconnect: { maxAttempts: 2, retryOnClose: (event) => event.code !== 4401 }, closeCodes: [4401] });
 * expect(paths.retryOnClose).toEqual({ retried: expect.arrayContaining([1006]), declined: [4401] });
 * for (const path of paths) it(path.description, async () => { ... startPath(path, { clock: vi }) ... });
 */
export function connectionPaths(options: ConnectionPathsOptions = {}): ConnectionPaths {
  const resolved = resolvePathOptions(options);
  const kind = options.kind ?? "shortest";
  if (!["shortest", "transition", "simple"].includes(kind)) throw new RangeError('connectionPaths: kind must be "shortest", "transition" or "simple"');
  return pathsOf(modelConfigOf(resolved), kind, kind === "simple" ? FEW_VARIETY : APPLICATION_VARIETY, resolved);
}

/** The paths of a model configuration (the package's own tests use the model's predicate kinds). */
export function pathsOf(config: PathConfig, kind: PathKind, variety: EventVariety, options: ResolvedPathOptions = optionsOf(config)): ConnectionPaths {
  const graphPaths = (kind === "shortest" ? shortestPathsOf(config, variety) : kind === "transition" ? transitionPathsOf(config, variety) : simplePathsOf(config, variety)).map(
    (path) => recomputePath(config, path),
  );
  const seen = new Set<string>();
  const paths = graphPaths
    .filter((path) => !stopsInsideSyncFactory(config, path))
    .map((path) => toConnectionPath(options, kind, path))
    // A path completed with what the store does by itself may now repeat another step for step.
    .filter((path) => !seen.has(path.description) && Boolean(seen.add(path.description)));
  return Object.assign(paths, { retryOnClose: verdictsOn(config, graphPaths) });
}

/** The options a store of a model configuration runs with (a predicate kind becomes its function). */
export function optionsOf(config: PathConfig): ResolvedPathOptions {
  const { readyState, closeCodes, reconnect } = config;
  if (!reconnect) return { readyState, closeCodes: [...closeCodes], reconnect: false };
  const retryOnClose = predicateFor(reconnect.retryOnClose);
  return { readyState, closeCodes: [...closeCodes], reconnect: { ...reconnect, ...(retryOnClose ? { retryOnClose } : { retryOnClose: undefined }) } };
}

function verdictsOn(config: PathConfig, paths: ModelPath[]): RetryOnCloseVerdicts | null {
  if (!config.reconnect || config.reconnect.retryOnClose === "absent") return null;
  const retried = new Set<number>();
  const declined = new Set<number>();
  for (const path of paths) {
    for (const { event } of path.steps) {
      if ((event.type === "SOCKET.CLOSED" || event.type === "STORE.DROP") && event.retryOnClose !== undefined) {
        (event.retryOnClose ? retried : declined).add(event.close.code);
      }
    }
  }
  const ascending = (codes: Set<number>) => [...codes].sort((left, right) => left - right);
  return { retried: ascending(retried), declined: ascending(declined) };
}

/** A synchronous factory answers within the step that calls it: a path cannot stop in between. */
function stopsInsideSyncFactory(config: PathConfig, path: ModelPath): boolean {
  return config.reconnect !== false && config.reconnect.factory === "sync" && isIn(path.state, "live.connecting.creatingSocket");
}

/** `open.settling`, `reconnecting`, `connecting.handshake`, `disposed`: the state under its status. */
export function stateNameOf(snapshot: ModelSnapshot): string {
  if (snapshot.status === "done") return "disposed";
  const { status } = connectionSnapshotOf(snapshot);
  const leaf = Object.entries(flatten(snapshot.value)).find(([path]) => path.split(".").includes(status));
  const below = leaf ? leaf[0].split(".").slice(leaf[0].split(".").indexOf(status) + 1) : [];
  return [status, ...below].join(".");
}

function flatten(value: unknown, prefix = ""): Record<string, true> {
  if (typeof value === "string") return { [`${prefix}${value}`]: true };
  return Object.assign({}, ...Object.entries(value as object).map(([key, child]) => flatten(child, `${prefix}${key}.`)));
}

function expectedOf(snapshot: ModelSnapshot): ExpectedSnapshot {
  const { lastError: _lastError, ...expected } = connectionSnapshotOf(snapshot);
  return expected;
}

const doesByItself = (action: PathAction): FactoryOutcome | "storeEndsAttempt" | undefined =>
  action.kind === "storeEndsAttempt" ? "storeEndsAttempt" : action.kind === "factory" && SYNC_FACTORY_OUTCOMES.has(action.outcome) ? action.outcome : undefined;

/** The graph's path with what the store does by itself (a synchronous factory answer, the end of a timed-out attempt) folded into the step that caused it. */
export function toConnectionPath(options: ResolvedPathOptions, kind: PathKind, graphPath: ModelPath): ConnectionPath {
  const raw = graphPath.steps;
  const initial = expectedOf(raw[0]!.state);
  const steps: PathStep[] = [];
  let previous = initial;
  for (let index = 1; index < raw.length; index++) {
    const { event, state } = raw[index]!;
    let after = state;
    let then: PathStep["then"];
    const following = raw[index + 1];
    if (following && foldsInto(after, following.event.action)) {
      then = doesByItself(following.event.action);
      after = following.state;
      index++;
    }
    const disposed = after.status === "done";
    const expected = disposed ? previous : expectedOf(after);
    const byItself = then === undefined ? [] : [describeAction(then === "storeEndsAttempt" ? { kind: then } : { kind: "factory", outcome: then })];
    const description = [describeAction(event.action), ...byItself].join(" and ");
    steps.push({ action: event.action, description, ...(then === undefined ? {} : { then }), expected, state: stateNameOf(after), disposed });
    previous = expected;
  }
  const end = steps.at(-1);
  const description = end
    ? `${steps.map((step) => step.description).join(" → ")} ⇒ ${end.disposed ? "disposed" : describeExpected(end.expected)}`
    : `the store starts on a socket in readyState ${options.readyState} ⇒ ${describeExpected(initial)}`;
  return { description, options, kind, initial, steps };
}

/** Whether `action` (the next graph step) is something the store does by itself right after reaching `after`. */
function foldsInto(after: ModelSnapshot, action: PathAction): boolean {
  if (action.kind === "storeEndsAttempt") return endsAttempt(after);
  return action.kind === "factory" && SYNC_FACTORY_OUTCOMES.has(action.outcome) && isIn(after, "live.connecting.creatingSocket");
}

function describeExpected({ status, attempt, retryDelayMs, lastClose }: ExpectedSnapshot): string {
  const close = lastClose && (status === "closed" || status === "reconnecting" || status === "error") ? `, last close ${lastClose.code}` : "";
  return `${status}, attempt ${attempt}${retryDelayMs === null ? "" : `, retry in ${retryDelayMs} ms`}${close}`;
}

const FACTORY_OUTCOMES: Record<FactoryOutcome, string> = {
  returnsConnecting: "createSocket returns a connecting socket",
  returnsOpen: "createSocket returns an open socket",
  returnsClosing: "createSocket returns a closing socket",
  returnsClosed: "createSocket returns a closed socket",
  returnsNonSocket: "createSocket returns something that is not a socket",
  throws: "createSocket throws",
  resolvesConnecting: "createSocket resolves a connecting socket",
  resolvesOpen: "createSocket resolves an open socket",
  resolvesClosed: "createSocket resolves a closed socket",
  resolvesNonSocket: "createSocket resolves something that is not a socket",
  rejects: "createSocket rejects",
  defaultFactory: "the store constructs a new socket",
};

const codeArgument = (code: number | undefined): string => (code === undefined ? "" : String(code));

/** A step's action in words: `server closes 1006 (not clean)`, `app calls store.close()`, `wait 250 ms (backoff)`. */
export function describeAction(action: PathAction): string {
  switch (action.kind) {
    case "socketOpens":
      return "the socket opens";
    case "socketReceives":
      return "the server sends a message";
    case "socketFails":
      return "the socket reports an error";
    case "socketCloses":
      return `server closes ${action.code} (${action.wasClean ? "clean" : "not clean"})`;
    case "implementationCloses":
      return action.closeFrameReceived
        ? `ws answers the server's close frame ${action.code} with its own close()`
        : `ws closes itself with ${action.code} after a protocol error`;
    case "applicationClosesSocket":
      return `app calls socket.close(${codeArgument(action.code)})`;
    case "storeClose":
      return `app calls store.close(${codeArgument(action.code)})`;
    case "storeReconnect":
      return "app calls store.reconnect()";
    case "storeDrop":
      return `app calls store.drop(${action.reason === undefined ? "" : JSON.stringify(action.reason)})`;
    case "dispose":
      return `app calls store.${action.how === "dispose()" ? "dispose()" : "[Symbol.dispose]()"}`;
    case "factory":
      return FACTORY_OUTCOMES[action.outcome];
    case "wait":
      return `wait ${action.ms} ms (${action.delay})`;
    case "storeEndsAttempt":
      return "the store ends the attempt";
  }
}
