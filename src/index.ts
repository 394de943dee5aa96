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
  ReplacementContext,
  SocketStoreHandlers,
  SocketStoreOptions,
  SocketStoreReconnectOptions,
  TopicUpdate,
  TopicView,
  InspectOption,
  WebSocketLike,
} from "./types.js";
export { connectionMachine, backoffDelay } from "../machines/connection.js";
export type {
  BackoffKind,
  BackoffPolicy,
  ConnectionContext,
  ConnectionEmitted,
  ConnectionEvent,
  ConnectionInput,
} from "../machines/connection.js";
