/**
 * `socket-store/testing`: model-based tests for applications that use the store — the paths
 * of its connection statechart as concrete steps, a replay of them on a controllable test
 * socket and a fake clock, and that socket itself.
 *
 * Dev-time only. It needs nothing beyond the package's own dependency, xstate (the path
 * generation is `xstate/graph`, shipped inside xstate), and the package root never loads it.
 */
export { TestSocket, TestSocket as ControllableSocket } from "./test-socket.js";
export type { CloseCall, CloseInit, ReadyState, TestSocketOptions, TestSocketRecording, TestSocketOptions as ControllableSocketOptions } from "./test-socket.js";

export { connectionPaths, describeAction, pathConfigOf, stateNameOf, toConnectionPath } from "./paths.js";
export type { ConnectionPath, ConnectionPathsOptions, ExpectedSnapshot, PathAction, PathKind, PathStep, ReconnectPathOptions } from "./paths.js";

export { startPath } from "./run.js";
export type { ActionOverrides, FactoryCall, PathClock, PathRun, PathStoreOptions, PendingFactoryCall, StartPathOptions } from "./run.js";

// The model the paths come from, for tools and deeper tests of the package itself.
export {
  closeEventOf,
  completePath,
  describeConfig,
  describeSteps,
  describeVia,
  DROP_CLOSE_CODE,
  eventsFor,
  factoryEvent,
  FEW_VARIETY,
  FULL_VARIETY,
  inputFor,
  NOT_SYNC,
  predicateFor,
  rawShortestPathsOf,
  retryVerdict,
  serializeModelState,
  shortestPathsOf,
  simplePathsOf,
  statusOf,
  SYNC_FACTORY_OUTCOMES,
  syncFactoryResult,
  transitionPathsOf,
  TRAVERSAL_LIMIT,
} from "./model.js";
export type {
  EventVariety,
  FactoryKind,
  FactoryOutcome,
  ModelEvent,
  ModelPath,
  ModelSnapshot,
  PathConfig,
  PredicateKind,
  ReconnectConfig,
  RetryPredicate,
  Via,
} from "./model.js";
