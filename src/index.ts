export { SocketStore } from "./socket-store.js";
export { SocketStoreError, isSocketStoreError } from "./errors.js";
export type { SocketStoreErrorCode } from "./errors.js";
export type {
  CloseEventLike,
  CloseInfo,
  ConnectionSnapshot,
  ConnectionStatus,
  EventLike,
  MessageEventLike,
  ReconnectOptions,
  ReplacementContext,
  SocketStoreHandlers,
  SocketStoreOptions,
  SocketStoreReconnectOptions,
  TopicUpdate,
  TopicView,
  InspectOption,
  WebSocketLike,
} from "./types.js";
export { connectionMachine, connectionSnapshotOf, backoffDelay } from "../machines/connection.js";
export type {
  BackoffKind,
  BackoffPolicy,
  CloseRecord,
  ConnectionContext,
  ConnectionEmitted,
  ConnectionEvent,
  ConnectionInput,
  ConnectionMachineSnapshot,
  ConnectionView,
  ErrorRecord,
  ReplacementRequest,
} from "../machines/connection.js";
