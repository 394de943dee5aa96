import { and, assign, emit, not, setup } from "xstate";

/**
 * The connection lifecycle of one observed WebSocket, and the opt-in bounded reconnect policy.
 *
 * Top-level states are named exactly like the public `ConnectionStatus` values (plus the
 * transient `start` and `checkingBudget`, which are never observed, and the final `disposed`).
 * The machine is pure: socket side effects leave it as emitted events (`createReplacement`,
 * `reconnectExhausted`) that the SocketStore facade carries out. It imports nothing but xstate,
 * and its config is written inline with every guard named, so Stately's tools (Studio's import
 * from code, the VS Code extension) read every state and transition of it.
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
  /**
   * Identifies the socket-factory call the machine waits for in `connecting.creatingSocket`;
   * a factory result that names another request (abandoned by close, drop or dispose) is ignored.
   */
  replacementRequest: number;
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
  /**
   * `store.drop(reason)`: the observed socket (or the pending factory call) is ended now and
   * judged like a close event `{ code: 1006, wasClean: false }` in the current state;
   * `retryOnClose` is the predicate's verdict as for `SOCKET.CLOSED`.
   */
  | { type: "STORE.DROP"; retryOnClose?: boolean | undefined }
  /** The facade took over the socket of factory call `request`, with this `readyState`. */
  | { type: "REPLACEMENT.READY"; request: number; readyState: number }
  /** Factory call `request` threw, rejected or gave something that is not a WebSocket. */
  | { type: "REPLACEMENT.FAILED"; request: number }
  /** `store.dispose()`. */
  | { type: "DISPOSE" };

export type ConnectionEmitted =
  | { type: "createReplacement"; attempt: number; request: number }
  | { type: "reconnectExhausted"; attempt: number };

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
    retryOnCloseAccepts: ({ event }) => (event.type === "SOCKET.CLOSED" || event.type === "STORE.DROP") && event.retryOnClose === true,
    retryOnCloseDeclines: ({ event }) => (event.type === "SOCKET.CLOSED" || event.type === "STORE.DROP") && event.retryOnClose === false,
    /** A close nobody asked for (server, network, drop): retried unless the predicate declines. */
    retriesRemoteClose: and(["isReconnectEnabled", not("retryOnCloseDeclines")]),
    /** A close the application started with `socket.close()`: retried only if the predicate accepts. */
    retriesApplicationClose: and(["isReconnectEnabled", "retryOnCloseAccepts"]),
    isInOutage: ({ context }) => context.attempt > 0,
    hasAttemptsLeft: ({ context }) => context.attempt < context.maxAttempts,
    isAwaitedReplacement: ({ context, event }) =>
      (event.type === "REPLACEMENT.READY" || event.type === "REPLACEMENT.FAILED") && event.request === context.replacementRequest,
    replacementIsConnecting: ({ event }) => event.type === "REPLACEMENT.READY" && event.readyState === 0,
    replacementIsOpen: ({ event }) => event.type === "REPLACEMENT.READY" && event.readyState === 1,
    awaitedReplacementIsConnecting: and(["isAwaitedReplacement", "replacementIsConnecting"]),
    awaitedReplacementIsOpen: and(["isAwaitedReplacement", "replacementIsOpen"]),
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
    nextReplacementRequest: assign(({ context }) => ({ replacementRequest: context.replacementRequest + 1 })),
    requestReplacement: emit(({ context }) => ({
      type: "createReplacement" as const,
      attempt: context.attempt,
      request: context.replacementRequest,
    })),
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
    replacementRequest: 0,
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
          tags: ["live", "observesSocket", "asksRetryOnClose"],
          on: {
            "SOCKET.OPENED": [{ guard: "isInOutage", target: "#connection.open.settling" }, { target: "#connection.open.stable" }],
            "SOCKET.CLOSED": [{ guard: "retriesRemoteClose", target: "#connection.checkingBudget" }, { target: "#connection.closed" }],
            "STORE.DROP": [{ guard: "retriesRemoteClose", target: "#connection.checkingBudget" }, { target: "#connection.closed" }],
            "SOCKET.CLOSE_CALLED": "#connection.closing.byApplication",
            "STORE.CLOSE": "#connection.closing.byStore",
          },
        },
        /** Waiting for the socket factory (a Promise may be pending). */
        creatingSocket: {
          tags: ["asksRetryOnClose"],
          entry: ["nextReplacementRequest", "requestReplacement"],
          on: {
            "REPLACEMENT.READY": [
              { guard: "awaitedReplacementIsConnecting", target: "socket" },
              { guard: "awaitedReplacementIsOpen", target: "#connection.open.settling" },
              { guard: "isAwaitedReplacement", target: "#connection.checkingBudget" },
            ],
            "REPLACEMENT.FAILED": { guard: "isAwaitedReplacement", target: "#connection.checkingBudget" },
            /** The pending factory call is abandoned; the attempt failed like a remote close. */
            "STORE.DROP": [{ guard: "retriesRemoteClose", target: "#connection.checkingBudget" }, { target: "#connection.closed" }],
            "STORE.CLOSE": "#connection.closed",
          },
        },
      },
    },
    open: {
      initial: "stable",
      tags: ["live", "observesSocket", "asksRetryOnClose"],
      on: {
        "SOCKET.CLOSED": [{ guard: "retriesRemoteClose", target: "checkingBudget" }, { target: "closed" }],
        "STORE.DROP": [{ guard: "retriesRemoteClose", target: "checkingBudget" }, { target: "closed" }],
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
          tags: ["observesSocket", "asksRetryOnClose"],
          on: {
            "SOCKET.CLOSED": [{ guard: "retriesRemoteClose", target: "#connection.checkingBudget" }, { target: "#connection.closed" }],
            "STORE.DROP": [{ guard: "retriesRemoteClose", target: "#connection.checkingBudget" }, { target: "#connection.closed" }],
            "STORE.CLOSE": "byStore",
          },
        },
        byApplication: {
          tags: ["observesSocket", "asksRetryOnClose"],
          on: {
            "SOCKET.CLOSED": [{ guard: "retriesApplicationClose", target: "#connection.checkingBudget" }, { target: "#connection.closed" }],
            "STORE.DROP": [{ guard: "retriesApplicationClose", target: "#connection.checkingBudget" }, { target: "#connection.closed" }],
            "STORE.CLOSE": "byStore",
          },
        },
        /** `store.close()` is terminal: the close is not judged. */
        byStore: {
          tags: ["observesSocket"],
          on: { "SOCKET.CLOSED": "#connection.closed", "STORE.DROP": "#connection.closed" },
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
