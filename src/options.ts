import type { ConnectionInput } from "../machines/connection.js";
import { SocketStoreError } from "./errors.js";
import { describeSocketShapeProblem } from "./socket-boundary.js";
import type { SocketStoreHandlers, SocketStoreOptions, SocketStoreReconnectOptions, WebSocketLike } from "./types.js";

/** The reconnect options after defaults, or null when reconnect is disabled. */
export type ResolvedReconnect = ConnectionInput["reconnect"] &
  Pick<SocketStoreReconnectOptions, "retryOnClose" | "createSocket">;

const DISABLED: ConnectionInput["reconnect"] = {
  enabled: false,
  maxAttempts: 5,
  backoff: "exponential",
  initialDelayMs: 250,
  maxDelayMs: 5000,
};

// setTimeout fires at once for delays above this, which would turn a backoff into a busy loop.
const MAX_TIMER_DELAY_MS = 2_147_483_647;

const HANDLER_NAMES = ["onOpen", "onMessage", "onClose", "onError", "onStatusChange", "route"] as const;

function invalid(message: string): SocketStoreError {
  return new SocketStoreError("ERR_INVALID_ARGUMENT", `SocketStore: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "number") return String(value);
  return typeof value === "object" || typeof value === "undefined" ? `an ${typeof value}` : `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function assertListener(listener: unknown, method: string): asserts listener is () => void {
  if (typeof listener !== "function") throw invalid(`${method}(listener) must be given a function`);
}

export function assertSocket(socket: unknown): asserts socket is WebSocketLike {
  const problem = describeSocketShapeProblem(socket);
  if (problem) throw invalid(`socket must be a WebSocket-like object: ${problem}`);
}

export function assertHandlers(handlers: unknown): asserts handlers is SocketStoreHandlers<any> | undefined {
  if (handlers === undefined) return;
  if (!isObject(handlers)) throw invalid(`handlers must be an object when given (got ${describe(handlers)})`);
  for (const name of HANDLER_NAMES) {
    const handler = handlers[name];
    if (handler !== undefined && typeof handler !== "function") {
      throw invalid(`handlers.${name} must be a function when given (got ${describe(handler)})`);
    }
  }
}

/** Validates `options` and applies the reconnect defaults (SPEC §4). */
export function resolveOptions(options: unknown): { reconnect: ResolvedReconnect; inspect: SocketStoreOptions["inspect"] } {
  if (options === undefined) return { reconnect: DISABLED, inspect: undefined };
  if (!isObject(options)) throw invalid(`options must be an object when given (got ${describe(options)})`);
  const { inspect, reconnect } = options;
  if (inspect !== undefined && typeof inspect !== "function") {
    throw invalid(`options.inspect must be a function when given (got ${describe(inspect)})`);
  }
  return { reconnect: resolveReconnect(reconnect), inspect: inspect as SocketStoreOptions["inspect"] };
}

function resolveReconnect(reconnect: unknown): ResolvedReconnect {
  // Strict opt-in: anything but an object whose `enabled` is the boolean true is "disabled" and not validated.
  if (!isObject(reconnect) || reconnect.enabled !== true) return DISABLED;
  // `undefined` means "use the default"; `null` is a bad value like any other.
  const maxAttempts = reconnect.maxAttempts === undefined ? DISABLED.maxAttempts : reconnect.maxAttempts;
  const backoff = reconnect.backoff === undefined ? DISABLED.backoff : reconnect.backoff;
  const initialDelayMs = reconnect.initialDelayMs === undefined ? DISABLED.initialDelayMs : reconnect.initialDelayMs;
  const maxDelayMs = reconnect.maxDelayMs === undefined ? DISABLED.maxDelayMs : reconnect.maxDelayMs;
  if (typeof maxAttempts !== "number" || !Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw invalid(`options.reconnect.maxAttempts must be an integer >= 1 (got ${describe(reconnect.maxAttempts)})`);
  }
  if (backoff !== "fixed" && backoff !== "exponential") {
    throw invalid(`options.reconnect.backoff must be "fixed" or "exponential"`);
  }
  assertDelay("initialDelayMs", initialDelayMs);
  assertDelay("maxDelayMs", maxDelayMs);
  if (backoff === "exponential" && initialDelayMs > maxDelayMs) {
    throw invalid(
      `options.reconnect.initialDelayMs (${initialDelayMs}) must not exceed options.reconnect.maxDelayMs (${maxDelayMs}) with exponential backoff`,
    );
  }
  const { retryOnClose, createSocket } = reconnect;
  if (retryOnClose !== undefined && typeof retryOnClose !== "function") {
    throw invalid(`options.reconnect.retryOnClose must be a function when given (got ${describe(retryOnClose)})`);
  }
  if (createSocket !== undefined && typeof createSocket !== "function") {
    throw invalid(`options.reconnect.createSocket must be a function when given (got ${describe(createSocket)})`);
  }
  return {
    enabled: true,
    maxAttempts,
    backoff,
    initialDelayMs,
    maxDelayMs,
    retryOnClose: retryOnClose as ResolvedReconnect["retryOnClose"],
    createSocket: createSocket as ResolvedReconnect["createSocket"],
  };
}

function assertDelay(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_TIMER_DELAY_MS) {
    throw invalid(`options.reconnect.${name} must be a finite number of milliseconds from 0 to ${MAX_TIMER_DELAY_MS} (got ${describe(value)})`);
  }
}
