/**
 * `socket-store/testing`: model-based tests for applications that use the store — the paths
 * of its connection statechart as concrete steps, a replay of them on a controllable test
 * socket and a fake clock, and that socket itself.
 *
 * Dev-time only. It needs nothing beyond the package's own dependency, xstate (the path
 * generation is `xstate/graph`, shipped inside xstate), and the package root never loads it.
 */
export { connectionPaths } from "./paths.js";
export type {
  ConnectionPath,
  ConnectionPaths,
  ConnectionPathsOptions,
  ExpectedSnapshot,
  FactoryKind,
  FactoryOutcome,
  PathAction,
  PathKind,
  PathStep,
  ReconnectPathOptions,
  ResolvedPathOptions,
  RetryOnCloseVerdicts,
} from "./paths.js";

export { startPath } from "./run.js";
export type { ActionOverrides, FactoryCall, PathClock, PathRun, PathStoreOptions, PendingFactoryCall, StartPathOptions } from "./run.js";

export { TestSocket } from "./test-socket.js";
export type { CloseCall, CloseInit, ReadyState, TestSocketOptions } from "./test-socket.js";
