/**
 * The store configurations whose generated paths the package replays on itself (the model and
 * the path generation are the testing entry's: `src/testing/model.ts`).
 */
import {
  completePath,
  rawShortestPathsOf,
  simplePathsOf,
  transitionPathsOf,
  type ModelPath,
  type PathConfig,
  type ReadyState,
  type ReconnectConfig,
} from "../../src/testing/model.js";

function enabled(overrides: Partial<ReconnectConfig>): ReconnectConfig {
  return {
    maxAttempts: 2,
    backoff: "exponential",
    initialDelayMs: 100,
    maxDelayMs: 1000,
    connectTimeoutMs: 700,
    retryOnClose: "absent",
    factory: "scripted",
    ...overrides,
  };
}

const READY_STATES: readonly ReadyState[] = [0, 1, 2, 3];

/** Configurations whose shortest paths, and every transition out of each of their states, are replayed. */
export const SHORTEST_PATH_CONFIGS: readonly PathConfig[] = [
  ...READY_STATES.map((readyState): PathConfig => ({ readyState, reconnect: false, closeCodes: [] })),
  ...READY_STATES.flatMap((readyState) =>
    [1, 2].flatMap((maxAttempts) =>
      (["fixed", "exponential"] as const).map(
        (backoff): PathConfig => ({
          readyState,
          closeCodes: [],
          // fixed: the delay may exceed the stability window (only exponential forbids that), and no connect timeout
          reconnect: enabled(
            backoff === "fixed" ? { maxAttempts, backoff, initialDelayMs: 300, maxDelayMs: 200, connectTimeoutMs: false } : { maxAttempts, backoff },
          ),
        }),
      ),
    ),
  ),
  ...(["acceptsApplicationCodes", "declinesAll", "throws", "returnsTruthyNonBoolean"] as const).flatMap((retryOnClose) =>
    READY_STATES.map((readyState): PathConfig => ({ readyState, closeCodes: [], reconnect: enabled({ retryOnClose }) })),
  ),
  { readyState: 1, closeCodes: [], reconnect: enabled({ factory: "default" }) },
  // a predicate that retries every close, the drop of a socket the application closed included
  { readyState: 1, closeCodes: [], reconnect: enabled({ retryOnClose: "acceptsAll" }) },
  // exponential with initialDelayMs === maxDelayMs: the largest initial delay allowed
  { readyState: 3, closeCodes: [], reconnect: enabled({ factory: "default", maxAttempts: 1, backoff: "exponential", initialDelayMs: 50, maxDelayMs: 50 }) },
  { readyState: 1, closeCodes: [], reconnect: enabled({ maxAttempts: 3, initialDelayMs: 400, maxDelayMs: 1000, retryOnClose: "acceptsApplicationCodes" }) },
  // an application's own close codes, and a predicate of its own that declines one of them
  { readyState: 0, closeCodes: [4401], reconnect: enabled({ retryOnClose: (event) => event.code !== 4401 }) },
];

/** Small configurations whose simple paths (every path that visits no state twice) are replayed. */
export const SIMPLE_PATH_CONFIGS: readonly PathConfig[] = [
  { readyState: 1, closeCodes: [], reconnect: enabled({ maxAttempts: 1, retryOnClose: "acceptsApplicationCodes" }) },
  // A socket closed at construction: outages start only with reconnect(). Two attempts here;
  // from a live socket they give tens of thousands of simple paths.
  { readyState: 3, closeCodes: [], reconnect: enabled({ maxAttempts: 2, backoff: "fixed", initialDelayMs: 100, maxDelayMs: 100 }) },
];

export interface GeneratedPaths {
  config: PathConfig;
  kind: "shortest" | "transition" | "simple";
  paths: ModelPath[];
  /** Part of the representative subset `npm test` replays (with it, every transition is taken); the rest runs in `npm run test:all`. */
  representative: boolean;
}

/**
 * The configurations whose transition paths `npm test` replays: between them they take every
 * transition of the machine (a test checks it) — the connect timeout and the error with no close,
 * a closing socket, the application-close rule retried, the default factory, a closed socket.
 */
function isRepresentative(config: PathConfig): boolean {
  const reconnect = config.reconnect;
  if (!reconnect) return config.readyState === 0;
  const grid = reconnect.retryOnClose === "absent" && reconnect.factory === "scripted" && reconnect.maxAttempts === 2 && config.closeCodes.length === 0;
  return (
    (grid && reconnect.backoff === "exponential" && (config.readyState === 0 || config.readyState === 2)) ||
    (grid && reconnect.backoff === "fixed" && config.readyState === 3) ||
    (reconnect.retryOnClose === "acceptsApplicationCodes" && config.readyState === 1 && reconnect.maxAttempts === 2) ||
    reconnect.factory === "default"
  );
}

/** Every generated path, in a stable order. */
export function generateAllPaths(): GeneratedPaths[] {
  const generated: GeneratedPaths[] = [];
  for (const config of SHORTEST_PATH_CONFIGS) {
    const rawShortest = rawShortestPathsOf(config);
    generated.push({ config, kind: "shortest", paths: rawShortest.map((path) => completePath(config, path)), representative: true });
    generated.push({ config, kind: "transition", paths: transitionPathsOf(config, undefined, rawShortest), representative: isRepresentative(config) });
  }
  for (const config of SIMPLE_PATH_CONFIGS) generated.push({ config, kind: "simple", paths: simplePathsOf(config), representative: false });
  return generated;
}

