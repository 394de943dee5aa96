import { SocketStoreError } from "./errors.js";
import { reportException } from "./report-exception.js";
import { describeSocketShapeProblem } from "./socket-boundary.js";
import type { CloseEventLike, ReconnectOptions, SocketStoreHandlers, SocketStoreOptions, SocketStoreReconnectOptions, WebSocketLike } from "./types.js";

/**
 * The validated options: the frozen reconnect policy (defaults applied; `enabled: false` when
 * reconnect is off), which the store shows and its machine keeps, and the callbacks beside it.
 */
export interface ResolvedOptions extends Pick<SocketStoreReconnectOptions, "retryOnClose" | "createSocket"> {
  policy: ReconnectOptions;
  inspect: ((event: any) => void) | undefined;
}

const DEFAULTS: ReconnectOptions = Object.freeze({
  enabled: false,
  maxAttempts: 5,
  backoff: "exponential",
  initialDelayMs: 250,
  maxDelayMs: 5000,
  connectTimeoutMs: 10_000,
});

// setTimeout fires at once for delays above this, which would turn a backoff into a busy loop.
const MAX_TIMER_DELAY_MS = 2_147_483_647;

const HANDLER_NAMES = ["onOpen", "onMessage", "onClose", "onError", "onStatusChange", "route"] as const;

/** What a bad value was, for a message: numbers, booleans, null and undefined as they are; others by their type only. */
function describe(value: unknown): string {
  if (value === null || value === undefined || typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
const isDelay = (value: unknown) => typeof value === "number" && value >= 0 && value <= MAX_TIMER_DELAY_MS;
const isTimeout = (value: unknown) => value === false || (typeof value === "number" && value > 0 && value <= MAX_TIMER_DELAY_MS);

/** Throws ERR_INVALID_ARGUMENT naming `name` unless `valid`. The message never shows strings (they may be URLs). */
function check(valid: boolean, name: string, expected: string, value: unknown): void {
  if (!valid) throw new SocketStoreError("ERR_INVALID_ARGUMENT", `SocketStore: ${name} must be ${expected} (got ${describe(value)})`);
}

function checkFunction(name: string, value: unknown): void {
  check(value === undefined || typeof value === "function", name, "a function when given", value);
}

export function assertListener(listener: unknown, method: string): asserts listener is () => void {
  check(typeof listener === "function", `${method}(listener)`, "a function", listener);
}

export function assertSocket(socket: unknown): asserts socket is WebSocketLike {
  const problem = describeSocketShapeProblem(socket);
  check(!problem, "socket", `a WebSocket-like object (${problem})`, socket);
}

export function assertHandlers(handlers: unknown): asserts handlers is SocketStoreHandlers<any> | undefined {
  if (handlers === undefined) return;
  check(isObject(handlers), "handlers", "an object when given", handlers);
  for (const name of HANDLER_NAMES) checkFunction(`handlers.${name}`, (handlers as Record<string, unknown>)[name]);
}

/** Validates `options` and applies the reconnect defaults; `inspect` comes back as one function that never throws. */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) return { policy: DEFAULTS, inspect: undefined };
  check(isObject(options), "options", "an object when given", options);
  const { inspect, reconnect } = options as Record<string, unknown>;
  if (typeof inspect !== "function" && inspect !== undefined) {
    check(isObject(inspect), "options.inspect", "a function or an observer object when given", inspect);
    for (const method of ["next", "error", "complete"]) checkFunction(`options.inspect.${method}`, (inspect as Record<string, unknown>)[method]);
  }
  return { ...resolveReconnect(reconnect), inspect: inspect === undefined ? undefined : safeInspector(inspect as NonNullable<SocketStoreOptions["inspect"]>) };
}

/** A function or an observer, as `createActor` takes it; what it throws is reported and cannot break the machine. */
function safeInspector(inspect: NonNullable<SocketStoreOptions["inspect"]>): (event: unknown) => void {
  return (event) => {
    try {
      if (typeof inspect === "function") inspect(event);
      else inspect.next?.(event);
    } catch (exception) {
      reportException(exception);
    }
  };
}

/**
 * Asks `retryOnClose` about a close: only a return value `=== true` retries; one that throws
 * counts as false and is returned as `thrown`. Without a predicate there is no verdict.
 */
export function askRetryOnClose(retryOnClose: ResolvedOptions["retryOnClose"], event: CloseEventLike): { retry?: boolean; thrown?: unknown } {
  if (!retryOnClose) return {};
  try {
    return { retry: retryOnClose(event) === true };
  } catch (thrown) {
    return { retry: false, thrown };
  }
}

function resolveReconnect(reconnect: unknown): Omit<ResolvedOptions, "inspect"> {
  // Strict opt-in: anything but an object whose `enabled` is the boolean true is "disabled" and not validated.
  if (!isObject(reconnect) || reconnect.enabled !== true) return { policy: DEFAULTS };
  const resolved = { ...DEFAULTS, enabled: true } as Record<string, unknown>;
  // `undefined` means "use the default"; `null` is a bad value like any other.
  for (const [name, value] of Object.entries(reconnect)) if (value !== undefined) resolved[name] = value;
  const { maxAttempts, backoff, initialDelayMs, maxDelayMs, connectTimeoutMs, retryOnClose, createSocket } = resolved;
  const name = (option: string) => `options.reconnect.${option}`;
  check(Number.isInteger(maxAttempts) && (maxAttempts as number) >= 1, name("maxAttempts"), "an integer >= 1", maxAttempts);
  check(backoff === "fixed" || backoff === "exponential", name("backoff"), '"fixed" or "exponential"', backoff);
  check(isDelay(initialDelayMs), name("initialDelayMs"), `a number of milliseconds from 0 to ${MAX_TIMER_DELAY_MS}`, initialDelayMs);
  check(isDelay(maxDelayMs), name("maxDelayMs"), `a number of milliseconds from 0 to ${MAX_TIMER_DELAY_MS}`, maxDelayMs);
  check(
    backoff === "fixed" || (initialDelayMs as number) <= (maxDelayMs as number),
    `${name("initialDelayMs")} (${initialDelayMs})`,
    `at most ${name("maxDelayMs")} (${maxDelayMs}) with exponential backoff`,
    initialDelayMs,
  );
  check(isTimeout(connectTimeoutMs), name("connectTimeoutMs"), `false or a number of milliseconds above 0, at most ${MAX_TIMER_DELAY_MS}`, connectTimeoutMs);
  checkFunction(name("retryOnClose"), retryOnClose);
  checkFunction(name("createSocket"), createSocket);
  const policy = Object.freeze({ enabled: true, maxAttempts, backoff, initialDelayMs, maxDelayMs, connectTimeoutMs }) as ReconnectOptions;
  return { policy, retryOnClose, createSocket } as Omit<ResolvedOptions, "inspect">;
}
