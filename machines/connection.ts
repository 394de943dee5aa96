import { and, assign, emit, not, setup } from "xstate";

/**
 * The connection lifecycle of one observed WebSocket, and the opt-in bounded reconnect policy.
 *
 * Top-level states are named exactly like the public `ConnectionStatus` values (plus the
 * transient `start` and `checkingBudget`, which are never observed, and the final `disposed`).
 * The machine is pure: socket side effects leave it as emitted events (`createReplacement`,
 * `reconnectExhausted`) that the SocketStore facade carries out. It imports nothing but xstate,
 * so this file can be pasted into the Stately visualizer as it is.
 */

export type BackoffKind = "fixed" | "exponential";

export interface BackoffPolicy {
  backoff: BackoffKind;
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * Delay before reconnect attempt `attempt` (1-based).
 * fixed: always `initialDelayMs`; exponential: `initialDelayMs`, then doubling, capped at `maxDelayMs`.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  if (policy.backoff === "fixed") return policy.initialDelayMs;
  // min(initial * 2^(n-1), max) equals the doubling recurrence whenever initial <= max; the
  // early return keeps 0 * Infinity (very large attempts) from becoming NaN.
  if (policy.initialDelayMs === 0) return 0;
  return Math.min(policy.initialDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}

export interface ConnectionInput {
  /** `readyState` of the socket handed to the store: 0 connecting, 1 open, 2 closing, 3 closed. */
  readyState: number;
  reconnect: {
    enabled: boolean;
    maxAttempts: number;
    backoff: BackoffKind;
    initialDelayMs: number;
    maxDelayMs: number;
  };
}

export interface ConnectionContext extends BackoffPolicy {
  readyState: number;
  reconnectEnabled: boolean;
  maxAttempts: number;
  /** Attempt number of the current outage; 0 when there is none (or the last one succeeded). */
  attempt: number;
  /** Delay of the pending attempt while `reconnecting`, else null. */
  retryDelayMs: number | null;
}

export type ConnectionEvent =
  /** The observed socket fired `open`. */
  | { type: "SOCKET.OPENED" }
  /** The application called `close()` directly on the observed socket. */
  | { type: "SOCKET.CLOSE_CALLED" }
  /**
   * The observed socket fired `close`. `retryOnClose` is the verdict of the application's
   * predicate when it was asked (undefined when there is none; false when it threw).
   */
  | { type: "SOCKET.CLOSED"; retryOnClose?: boolean | undefined }
  /** `store.close()`. */
  | { type: "STORE.CLOSE" }
  /** `store.reconnect()`. */
  | { type: "STORE.RECONNECT" }
  /** The facade took over a replacement socket with this `readyState`. */
  | { type: "REPLACEMENT.READY"; readyState: number }
  /** The socket factory threw, rejected or gave something that is not a WebSocket. */
  | { type: "REPLACEMENT.FAILED" }
  /** `store.dispose()`. */
  | { type: "DISPOSE" };

export type ConnectionEmitted =
  | { type: "createReplacement"; attempt: number }
  | { type: "reconnectExhausted"; attempt: number };

/** A close nobody asked for (server, network): retried unless the predicate declines. */
const onRemoteClose = [
  { guard: and(["isReconnectEnabled", not("retryOnCloseDeclines")]), target: "#connection.checkingBudget" },
  { target: "#connection.closed" },
] as const;

/** A close the application started with `socket.close()`: retried only if the predicate accepts. */
const onApplicationClose = [
  { guard: and(["isReconnectEnabled", "retryOnCloseAccepts"]), target: "#connection.checkingBudget" },
  { target: "#connection.closed" },
] as const;

export const connectionMachine = setup({
  types: {
    input: {} as ConnectionInput,
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
    emitted: {} as ConnectionEmitted,
  },
  guards: {
    startsConnecting: ({ context }) => context.readyState === 0,
    startsOpen: ({ context }) => context.readyState === 1,
    startsClosing: ({ context }) => context.readyState === 2,
    isReconnectEnabled: ({ context }) => context.reconnectEnabled === true,
    retryOnCloseAccepts: ({ event }) => event.type === "SOCKET.CLOSED" && event.retryOnClose === true,
    retryOnCloseDeclines: ({ event }) => event.type === "SOCKET.CLOSED" && event.retryOnClose === false,
    isInOutage: ({ context }) => context.attempt > 0,
    hasAttemptsLeft: ({ context }) => context.attempt < context.maxAttempts,
    replacementIsConnecting: ({ event }) => event.type === "REPLACEMENT.READY" && event.readyState === 0,
    replacementIsOpen: ({ event }) => event.type === "REPLACEMENT.READY" && event.readyState === 1,
  },
  delays: {
    backoff: ({ context }) => context.retryDelayMs ?? 0,
    // A replacement must stay open this long before the outage counts as over, so a server
    // that accepts and drops at once cannot reset the attempt budget forever.
    stabilityWindow: ({ context }) => context.maxDelayMs,
  },
  actions: {
    scheduleNextAttempt: assign(({ context }) => {
      const attempt = context.attempt + 1;
      return { attempt, retryDelayMs: backoffDelay(attempt, context) };
    }),
    clearRetryDelay: assign({ retryDelayMs: null }),
    startFreshOutage: assign({ attempt: 1, retryDelayMs: null }),
    endOutage: assign({ attempt: 0 }),
    requestReplacement: emit(({ context }) => ({ type: "createReplacement" as const, attempt: context.attempt })),
    reportExhausted: emit(({ context }) => ({ type: "reconnectExhausted" as const, attempt: context.attempt })),
  },
}).createMachine({
  id: "connection",
  context: ({ input }) => ({
    readyState: input.readyState,
    reconnectEnabled: input.reconnect.enabled,
    maxAttempts: input.reconnect.maxAttempts,
    backoff: input.reconnect.backoff,
    initialDelayMs: input.reconnect.initialDelayMs,
    maxDelayMs: input.reconnect.maxDelayMs,
    attempt: 0,
    retryDelayMs: null,
  }),
  initial: "start",
  on: {
    DISPOSE: ".disposed",
  },
  states: {
    start: {
      always: [
        { guard: "startsConnecting", target: "connecting.socket" },
        { guard: "startsOpen", target: "open.stable" },
        { guard: "startsClosing", target: "closing.byRemote" },
        { target: "closed" },
      ],
    },
    connecting: {
      initial: "socket",
      states: {
        /** The observed socket is connecting (the original one, or a replacement of an outage). */
        socket: {
          tags: ["live", "asksRetryOnClose"],
          on: {
            "SOCKET.OPENED": [{ guard: "isInOutage", target: "#connection.open.settling" }, { target: "#connection.open.stable" }],
            "SOCKET.CLOSED": onRemoteClose,
            "SOCKET.CLOSE_CALLED": "#connection.closing.byApplication",
            "STORE.CLOSE": "#connection.closing.byStore",
          },
        },
        /** Waiting for the socket factory (a Promise may be pending). */
        creatingSocket: {
          entry: "requestReplacement",
          on: {
            "REPLACEMENT.READY": [
              { guard: "replacementIsConnecting", target: "socket" },
              { guard: "replacementIsOpen", target: "#connection.open.settling" },
              { target: "#connection.checkingBudget" },
            ],
            "REPLACEMENT.FAILED": "#connection.checkingBudget",
            "STORE.CLOSE": "#connection.closed",
          },
        },
      },
    },
    open: {
      initial: "stable",
      tags: ["live", "asksRetryOnClose"],
      on: {
        "SOCKET.CLOSED": onRemoteClose,
        "SOCKET.CLOSE_CALLED": "closing.byApplication",
        "STORE.CLOSE": "closing.byStore",
      },
      states: {
        /** A replacement opened; the outage is over once it has stayed open for the window. */
        settling: {
          after: { stabilityWindow: { target: "stable", actions: "endOutage" } },
        },
        stable: {},
      },
    },
    closing: {
      initial: "byRemote",
      states: {
        /** Closing on its own (the socket was already closing when the store got it). */
        byRemote: {
          tags: ["asksRetryOnClose"],
          on: { "SOCKET.CLOSED": onRemoteClose, "STORE.CLOSE": "byStore" },
        },
        byApplication: {
          tags: ["asksRetryOnClose"],
          on: { "SOCKET.CLOSED": onApplicationClose, "STORE.CLOSE": "byStore" },
        },
        /** `store.close()` is terminal: the close is not judged. */
        byStore: {
          on: { "SOCKET.CLOSED": "#connection.closed" },
        },
      },
    },
    /** Never observed: decides between the next attempt and giving up. */
    checkingBudget: {
      always: [{ guard: "hasAttemptsLeft", target: "reconnecting" }, { target: "error" }],
    },
    reconnecting: {
      entry: "scheduleNextAttempt",
      exit: "clearRetryDelay",
      after: { backoff: "connecting.creatingSocket" },
      on: {
        "STORE.CLOSE": "closed",
        "STORE.RECONNECT": { guard: "isReconnectEnabled", target: "connecting.creatingSocket", actions: "startFreshOutage" },
      },
    },
    closed: {
      on: {
        "STORE.RECONNECT": { guard: "isReconnectEnabled", target: "connecting.creatingSocket", actions: "startFreshOutage" },
      },
    },
    error: {
      entry: "reportExhausted",
      on: {
        "STORE.CLOSE": "closed",
        "STORE.RECONNECT": { guard: "isReconnectEnabled", target: "connecting.creatingSocket", actions: "startFreshOutage" },
      },
    },
    disposed: { type: "final" },
  },
});
