import type { CloseEventLike, ConnectionStatus } from "socket-store";
import {
  FEW_VARIETY,
  FULL_VARIETY,
  SYNC_FACTORY_OUTCOMES,
  describeConfig,
  shortestPathsOf,
  simplePathsOf,
  statusOf,
  transitionPathsOf,
  type EventVariety,
  type FactoryKind,
  type FactoryOutcome,
  type ModelPath,
  type ModelSnapshot,
  type PathConfig,
  type PredicateKind,
  type ReadyState,
  type Via,
} from "./model.js";

/** What one step does: an event of the socket, a call of the store, a factory outcome, or a wait. */
export type PathAction = Via;

/** What the store's snapshot shows after a step (the fields the statechart decides). */
export interface ExpectedSnapshot {
  status: ConnectionStatus;
  attempt: number;
  retryDelayMs: number | null;
}

export interface PathStep {
  /** What the test does. */
  action: PathAction;
  /**
   * When the store asks for a replacement socket within this step and gets it at once (a
   * synchronous `createSocket`, or the store's default factory): what the factory does.
   * `expected` is then what the store shows after the factory answered.
   */
  createSocket?: FactoryOutcome;
  /** `server closes 1006 (not clean)`, `wait 250 ms (backoff) and createSocket returns an open socket`, … */
  description: string;
  /** The store's `status`, `attempt` and `retryDelayMs` after the step. */
  expected: ExpectedSnapshot;
  /** The statechart's state after the step: `reconnecting`, `open.settling`, … (`disposed` after dispose()). */
  state: string;
  /** The step disposed of the store: its snapshot stays as it was (`expected` repeats the one before). */
  disposed: boolean;
}

/** One path through the connection statechart, as concrete steps a test performs. */
export interface ConnectionPath {
  /** `server closes 1006 (not clean) → wait 250 ms (backoff) ⇒ connecting, attempt 1`: fit for a test title. */
  description: string;
  /** The configuration the path was generated for, with the defaults applied. */
  config: PathConfig;
  kind: PathKind;
  /** What the store shows when it is constructed, before any step. */
  initial: ExpectedSnapshot;
  steps: PathStep[];
  /** The path as `xstate/graph` gave it: one step per machine event, `steps[0]` is the start. */
  graphPath: ModelPath;
}

/**
 * - `shortest`: one shortest path to every state the store can reach in this configuration;
 * - `transition`: for every reachable state, its shortest path followed by each thing that can
 *   happen there (every transition is taken at least once);
 * - `simple`: every path that visits no state twice (grows fast: keep `maxAttempts` at 1–2).
 */
export type PathKind = "shortest" | "transition" | "simple";

export interface ReconnectPathOptions {
  /** @default 5 */
  maxAttempts?: number;
  /** @default "exponential" */
  backoff?: "fixed" | "exponential";
  /** @default 250 */
  initialDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
  /**
   * The store's `retryOnClose`: your own predicate (the paths ask it about every close they
   * contain, and `storeOptions` hands it to the store), or one of the model's kinds
   * (`"acceptsApplicationCodes"`: codes 4000–4999; `"declinesAll"`; `"throws"`; …).
   * @default "absent" (no predicate)
   */
  retryOnClose?: PredicateKind | ((event: CloseEventLike) => boolean);
  /**
   * How replacement sockets come: `"default"` (no `createSocket`: the store constructs
   * `new previous.constructor(url, protocol)`), `"sync"` (a `createSocket` that returns or
   * throws), `"async"` (one that resolves or rejects; the store is `connecting` meanwhile), or
   * `"scripted"` (both). The paths decide what each call gives: a connecting or open socket, a
   * closed one, something that is not a socket, an exception or a rejection.
   * @default "default"
   */
  factory?: FactoryKind;
}

export interface ConnectionPathsOptions {
  /** `readyState` of the socket the application hands the store. @default 1 (open) */
  readyState?: ReadyState;
  /** The store's reconnect setting. @default false */
  reconnect?: false | ReconnectPathOptions;
  /** @default "shortest" */
  kind?: PathKind;
  /**
   * `"full"`: the paths may use every close code, call argument and factory outcome the model
   * knows; `"few"`: one of each kind that leads somewhere different (fewer transition and simple paths).
   * @default "full", except "few" for simple paths
   */
  variety?: "full" | "few";
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

const DEFAULTS = { maxAttempts: 5, backoff: "exponential", initialDelayMs: 250, maxDelayMs: 5000 } as const;

/** The configuration of `connectionPaths` options, defaults applied and checked as the store checks them. */
export function pathConfigOf(options: ConnectionPathsOptions = {}): PathConfig {
  const readyState = options.readyState ?? 1;
  if (![0, 1, 2, 3].includes(readyState)) throw new RangeError(`readyState must be 0, 1, 2 or 3 (got ${String(readyState)})`);
  const reconnect = options.reconnect;
  if (reconnect === undefined || reconnect === false) return { readyState, reconnect: false };
  const config = {
    maxAttempts: reconnect.maxAttempts ?? DEFAULTS.maxAttempts,
    backoff: reconnect.backoff ?? DEFAULTS.backoff,
    initialDelayMs: reconnect.initialDelayMs ?? DEFAULTS.initialDelayMs,
    maxDelayMs: reconnect.maxDelayMs ?? DEFAULTS.maxDelayMs,
    predicate: reconnect.retryOnClose ?? "absent",
    factory: reconnect.factory ?? "default",
  };
  if (!Number.isInteger(config.maxAttempts) || config.maxAttempts < 1) throw new RangeError("reconnect.maxAttempts must be an integer ≥ 1");
  for (const name of ["initialDelayMs", "maxDelayMs"] as const) {
    if (!Number.isFinite(config[name]) || config[name] < 0) throw new RangeError(`reconnect.${name} must be a finite number ≥ 0`);
  }
  if (config.backoff !== "fixed" && config.backoff !== "exponential") throw new RangeError('reconnect.backoff must be "fixed" or "exponential"');
  if (config.backoff === "exponential" && config.initialDelayMs > config.maxDelayMs) {
    throw new RangeError("reconnect.initialDelayMs must not exceed reconnect.maxDelayMs with exponential backoff");
  }
  if (!["default", "sync", "async", "scripted"].includes(config.factory)) {
    throw new RangeError('reconnect.factory must be "default", "sync", "async" or "scripted"');
  }
  return { readyState, reconnect: config };
}

/**
 * The paths of the connection statechart for one store configuration, generated from the
 * machine the package runs (with `xstate/graph`, part of xstate), as concrete steps: socket
 * events (`server closes 1006 (not clean)`), calls of the store (`app calls store.drop()`),
 * what a `createSocket` gives, and waits. After each step, `expected` holds the `status`,
 * `attempt` and `retryDelayMs` the store must show. Replay one with `startPath`.
 *
 * Dev-time only: the package root never loads this entry.
 *
 * @example
 * const paths = connectionPaths({ reconnect: { maxAttempts: 2, factory: "async" } });
 * for (const path of paths) it(path.description, async () => { ... startPath(path, { clock: vi }) ... });
 */
export function connectionPaths(options: ConnectionPathsOptions = {}): ConnectionPath[] {
  const config = pathConfigOf(options);
  const kind = options.kind ?? "shortest";
  const variety = (options.variety ?? (kind === "simple" ? "few" : "full")) === "few" ? FEW_VARIETY : APPLICATION_VARIETY;
  let graphPaths: ModelPath[];
  if (kind === "shortest") graphPaths = shortestPathsOf(config, variety);
  else if (kind === "transition") graphPaths = transitionPathsOf(config, variety);
  else if (kind === "simple") graphPaths = simplePathsOf(config, variety);
  else throw new RangeError('kind must be "shortest", "transition" or "simple"');
  const paths = graphPaths.filter((path) => !stopsInsideSyncFactory(config, path)).map((path) => toConnectionPath(config, kind, path));
  // A path that stopped inside the default factory was completed with its answer: it may now
  // repeat another path step for step.
  const seen = new Set<string>();
  return paths.filter((path) => !seen.has(path.description) && Boolean(seen.add(path.description)));
}

/** A synchronous factory answers within the step that calls it: a path cannot stop in between. */
function stopsInsideSyncFactory(config: PathConfig, path: ModelPath): boolean {
  return config.reconnect !== false && config.reconnect.factory === "sync" && path.state.matches({ connecting: "creatingSocket" });
}

function asksForReplacement(before: ModelSnapshot, after: ModelSnapshot): boolean {
  return after.matches({ connecting: "creatingSocket" }) && !before.matches({ connecting: "creatingSocket" });
}

/** `open.settling`, `reconnecting`, `disposed`. */
export function stateNameOf(snapshot: ModelSnapshot): string {
  if (snapshot.status === "done") return "disposed";
  const status = statusOf(snapshot);
  const value = snapshot.value as string | Record<string, string>;
  return typeof value === "string" ? status : `${status}.${value[status]}`;
}

function expectedOf(snapshot: ModelSnapshot): ExpectedSnapshot {
  return { status: statusOf(snapshot) as ConnectionStatus, attempt: snapshot.context.attempt, retryDelayMs: snapshot.context.retryDelayMs };
}

/** The graph's path with each synchronous factory answer folded into the step that asked for it. */
export function toConnectionPath(config: PathConfig, kind: PathKind, graphPath: ModelPath): ConnectionPath {
  const raw = graphPath.steps;
  const initial = expectedOf(raw[0]!.state);
  const steps: PathStep[] = [];
  let previous = initial;
  for (let index = 1; index < raw.length; index++) {
    const { event, state } = raw[index]!;
    const following = raw[index + 1];
    let after = state;
    let createSocket: FactoryOutcome | undefined;
    if (
      asksForReplacement(raw[index - 1]!.state, state) &&
      following?.event.via.kind === "factory" &&
      SYNC_FACTORY_OUTCOMES.has(following.event.via.outcome)
    ) {
      createSocket = following.event.via.outcome;
      after = following.state;
      index++;
    }
    const disposed = after.status === "done";
    const expected = disposed ? previous : expectedOf(after);
    const description = describeAction(event.via) + (createSocket ? ` and ${describeAction({ kind: "factory", outcome: createSocket })}` : "");
    steps.push({ action: event.via, ...(createSocket ? { createSocket } : {}), description, expected, state: stateNameOf(after), disposed });
    previous = expected;
  }
  const end = steps.at(-1);
  const description = end
    ? `${steps.map((step) => step.description).join(" → ")} ⇒ ${end.disposed ? "disposed" : describeExpected(end.expected)}`
    : `the store starts on a socket in readyState ${config.readyState} ⇒ ${describeExpected(initial)}`;
  return { description, config, kind, initial, steps, graphPath };
}

function describeExpected({ status, attempt, retryDelayMs }: ExpectedSnapshot): string {
  return `${status}, attempt ${attempt}${retryDelayMs === null ? "" : `, retry in ${retryDelayMs} ms`}`;
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
      return `wait ${action.ms} ms (${action.delay === "backoff" ? "backoff" : "stability window"})`;
  }
}

export { describeConfig };
