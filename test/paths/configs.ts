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
} from "../../src/testing/index.js";

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

/** Every generated path, in a stable order. */
export function generateAllPaths(): GeneratedPaths[] {
  const generated: GeneratedPaths[] = [];
  for (const config of SHORTEST_PATH_CONFIGS) {
    const rawShortest = rawShortestPathsOf(config);
    generated.push({ config, kind: "shortest", paths: rawShortest.map((path) => completePath(config, path)) });
    generated.push({ config, kind: "transition", paths: transitionPathsOf(config, undefined, rawShortest) });
  }
  for (const config of SIMPLE_PATH_CONFIGS) generated.push({ config, kind: "simple", paths: simplePathsOf(config) });
  return generated;
}

