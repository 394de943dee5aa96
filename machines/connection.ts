import { and, assertEvent, assign, emit, fromCallback, not, setup, stateIn, type AnyEventObject, type SnapshotFrom } from "xstate";

/**
 * The connection lifecycle of one observed WebSocket, and the opt-in bounded reconnect policy.
 *
 * Six states carry a status of the same name (`connecting`, `open`, `closing`, `reconnecting`,
 * `closed`, `error`, each tagged with it); `connectionSnapshotOf` turns a snapshot into what a
 * store publishes. `live` groups the states where a socket is being made, connecting or open,
 * `disconnected` those where none is; `remoteClose`, `applicationClose` and `checkingBudget`
 * are choices that are never observed. The machine owns every field of the published snapshot
 * (`lastClose` and `lastError` arrive with the events that carry them). Socket side effects
 * leave it as emitted events and as the invoked `createSocket` actor, which the SocketStore
 * facade carries out. It imports nothing but xstate, and its config is written inline with
 * every guard named, so Stately's tools read every state and transition of it.
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

/**
 * The reconnect policy, defaults applied: the store's `reconnectOptions`. The machine keeps it
 * by reference in its context and never changes it.
 */
export interface ReconnectPolicy extends Readonly<BackoffPolicy> {
  /** `false` when reconnect is off (the other fields then show the defaults and do nothing). */
  readonly enabled: boolean;
  readonly maxAttempts: number;
  /** How long one attempt may stay `connecting`; `false`: no limit. */
  readonly connectTimeoutMs: number | false;
}

/** The connect timeout an attempt runs with: `false` when there is none, or reconnect is off. */
function connectTimeoutOf(policy: ReconnectPolicy): number | false {
  return policy.enabled ? policy.connectTimeoutMs : false;
}

export interface ConnectionInput {
  /** `readyState` of the socket handed to the store: 0 connecting, 1 open, 2 closing, 3 closed. */
  readyState: number;
  reconnect: ReconnectPolicy;
}

/** What a close event said: the store's `lastClose`. */
export interface CloseRecord {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** An error the store reported: the store's `lastError`. */
export interface ErrorRecord extends Error {
  readonly code: string;
}

export type ConnectionStatus = "connecting" | "open" | "closing" | "closed" | "reconnecting" | "error";

export interface ConnectionContext {
  readyState: number;
  /** `input.reconnect`, kept rather than copied field by field. */
  policy: ReconnectPolicy;
  /** Attempt number of the current outage; 0 when there is none (or the last one succeeded). */
  attempt: number;
  /** Delay of the pending attempt while `reconnecting`, else null. */
  retryDelayMs: number | null;
  lastClose: CloseRecord | null;
  lastError: ErrorRecord | null;
}

export type ConnectionEvent =
  /** The observed socket fired `open`. */
  | { type: "SOCKET.OPENED" }
  /** The observed socket fired `error`; `readyState` is what it reported then. */
  | { type: "SOCKET.ERRORED"; readyState: number }
  /** The application called `close()` directly on the observed socket. */
  | { type: "SOCKET.CLOSE_CALLED" }
  /**
   * The observed socket fired `close`. `retryOnClose` is the verdict of the application's
   * predicate when it was asked (undefined when there is none; false when it threw).
   */
  | { type: "SOCKET.CLOSED"; close: CloseRecord; retryOnClose?: boolean | undefined }
  /** `store.close()`. */
  | { type: "STORE.CLOSE" }
  /** `store.reconnect()`. */
  | { type: "STORE.RECONNECT" }
  /**
   * `store.drop(reason)` (and the end of a timed-out attempt): the observed socket, or the
   * pending factory call, is ended now and judged like its close event `close`
   * (`{ code: 1006, wasClean: false }`); `retryOnClose` as for `SOCKET.CLOSED`.
   */
  | { type: "STORE.DROP"; close: CloseRecord; retryOnClose?: boolean | undefined }
  /** The invoked `createSocket` delivered a socket, taken over with this `readyState`. */
  | { type: "REPLACEMENT.READY"; readyState: number }
  /** The invoked `createSocket` threw, rejected or gave something that is not a WebSocket. */
  | { type: "REPLACEMENT.FAILED" }
  /** The store reported `error` (it becomes `lastError`). */
  | { type: "ERROR.REPORTED"; error: ErrorRecord }
  /** `store.dispose()`. */
  | { type: "DISPOSE" };

/** Effects the facade carries out when the machine emits them. */
export type ConnectionEmitted =
  /** The outage ended in `error`: report ERR_RECONNECT_EXHAUSTED. */
  | { type: "reconnectExhausted"; attempt: number }
  /** The attempt outlived `connectTimeoutMs`: report ERR_CONNECT_TIMEOUT. */
  | { type: "connectTimedOut" }
  /** The attempt is over (timed out, or its socket failed with no close): end it like `drop("")`, unless the store left this state meanwhile. */
  | { type: "endAttempt" };

/** What the invoked `createSocket` actor is given: the attempt it makes a socket for. */
export interface ReplacementRequest {
  attempt: number;
}

// The events that report a close; the close guards and `recordClose` serve only these.
const CLOSE_EVENTS: Array<"SOCKET.CLOSED" | "STORE.DROP"> = ["SOCKET.CLOSED", "STORE.DROP"];

export const connectionMachine = setup({
  types: {} as {
    input: ConnectionInput;
    context: ConnectionContext;
    events: ConnectionEvent;
    emitted: ConnectionEmitted;
  },
  actors: {
    // The SocketStore provides the real one (it calls the application's `createSocket`, or the
    // default factory, and sends REPLACEMENT.READY or REPLACEMENT.FAILED back); stopping it
    // (the state exits) abandons the call. This stand-in never answers.
    createSocket: fromCallback<AnyEventObject, ReplacementRequest>(() => {}),
  },
  guards: {
    startsConnecting: ({ context }) => context.readyState === 0,
    startsOpen: ({ context }) => context.readyState === 1,
    startsClosing: ({ context }) => context.readyState === 2,
    isReconnectEnabled: ({ context }) => context.policy.enabled === true,
    hasConnectTimeout: ({ context }) => connectTimeoutOf(context.policy) !== false,
    isCreatingSocket: stateIn("#creatingSocket"),
    timesOutCreatingSocket: and(["hasConnectTimeout", "isCreatingSocket"]),
    isStillConnecting: ({ event }) => {
      assertEvent(event, "SOCKET.ERRORED");
      return event.readyState === 0;
    },
    retryOnCloseAccepts: ({ event }) => {
      assertEvent(event, CLOSE_EVENTS);
      return event.retryOnClose === true;
    },
    retryOnCloseDeclines: ({ event }) => {
      assertEvent(event, CLOSE_EVENTS);
      return event.retryOnClose === false;
    },
    /** A close nobody asked for (server, network, drop, timeout): retried unless the predicate declines. */
    retriesRemoteClose: and(["isReconnectEnabled", not("retryOnCloseDeclines")]),
    /** A close the application started with `socket.close()`: retried only if the predicate accepts. */
    retriesApplicationClose: and(["isReconnectEnabled", "retryOnCloseAccepts"]),
    isInOutage: ({ context }) => context.attempt > 0,
    hasAttemptsLeft: ({ context }) => context.attempt < context.policy.maxAttempts,
    replacementIsConnecting: ({ event }) => {
      assertEvent(event, "REPLACEMENT.READY");
      return event.readyState === 0;
    },
    replacementIsOpen: ({ event }) => {
      assertEvent(event, "REPLACEMENT.READY");
      return event.readyState === 1;
    },
  },
  delays: {
    backoff: ({ context }) => context.retryDelayMs ?? 0,
    // A replacement must stay open this long before the outage counts as over, so a server
    // that accepts and drops at once cannot reset the attempt budget forever.
    stabilityWindow: ({ context }) => context.policy.maxDelayMs,
    // `false` is not a number: XState then raises the event at once, without a timer, and the
    // transition's guard (`hasConnectTimeout`) declines it. So no timer runs without a timeout.
    connectTimeout: ({ context }) => connectTimeoutOf(context.policy) as number,
    // A compliant socket fires `close` right after such an `error`; one task is long enough to wait.
    closeGrace: 0,
  },
  actions: {
    scheduleNextAttempt: assign(({ context }) => {
      const attempt = context.attempt + 1;
      return { attempt, retryDelayMs: backoffDelay(attempt, context.policy) };
    }),
    clearRetryDelay: assign({ retryDelayMs: null }),
    startFreshOutage: assign({ attempt: 1, retryDelayMs: null }),
    endOutage: assign({ attempt: 0 }),
    recordClose: assign({
      lastClose: ({ event }) => {
        assertEvent(event, CLOSE_EVENTS);
        return event.close;
      },
    }),
    recordError: assign({
      lastError: ({ event }) => {
        assertEvent(event, "ERROR.REPORTED");
        return event.error;
      },
    }),
    reportExhausted: emit(({ context }) => ({ type: "reconnectExhausted" as const, attempt: context.attempt })),
    reportConnectTimeout: emit({ type: "connectTimedOut" as const }),
    endAttempt: emit({ type: "endAttempt" as const }),
  },
}).createMachine({
  id: "connection",
  context: ({ input }) => ({
    readyState: input.readyState,
    policy: input.reconnect,
    attempt: 0,
    retryDelayMs: null,
    lastClose: null,
    lastError: null,
  }),
  initial: "start",
  on: {
    "ERROR.REPORTED": { actions: "recordError" },
    /** The late close of a socket whose attempt already failed (it was closing when taken over). */
    "SOCKET.CLOSED": { actions: "recordClose" },
    DISPOSE: "#disposed",
  },
  states: {
    start: {
      always: [
        { guard: "startsConnecting", target: "#handshake" },
        { guard: "startsOpen", target: "#stable" },
        { guard: "startsClosing", target: "#handedOver" },
        { target: "#closed" },
      ],
    },
    live: {
      id: "live",
      // A socket is being made, connecting, open or closing: drop() or its close ends it,
      // judged as a remote close unless the state says otherwise.
      initial: "connecting",
      on: {
        "SOCKET.CLOSED": "#remoteClose",
        "STORE.DROP": "#remoteClose",
        "SOCKET.CLOSE_CALLED": "#byApplication",
        "STORE.CLOSE": "#byStore",
      },
      states: {
        connecting: {
          id: "connecting",
          tags: ["connecting", "asksRetryOnClose"],
          initial: "handshake",
          after: {
            connectTimeout: [
              { guard: "timesOutCreatingSocket", target: "#factoryTimedOut", actions: "reportConnectTimeout" },
              { guard: "hasConnectTimeout", target: "#handshakeEnding", actions: "reportConnectTimeout" },
            ],
          },
          on: {
            "SOCKET.OPENED": [{ guard: "isInOutage", target: "#settling" }, { target: "#stable" }],
          },
          states: {
            creatingSocket: {
              id: "creatingSocket",
              // This attempt's socket factory is called; leaving this state abandons the call.
              initial: "pending",
              on: {
                "REPLACEMENT.READY": [
                  { guard: "replacementIsConnecting", target: "#handshake" },
                  { guard: "replacementIsOpen", target: "#settling" },
                  { target: "#checkingBudget" },
                ],
                "REPLACEMENT.FAILED": "#checkingBudget",
                "STORE.CLOSE": "#closed",
              },
              states: {
                pending: {
                  id: "factoryPending",
                  invoke: { src: "createSocket", input: ({ context }) => ({ attempt: context.attempt }) },
                },
                timedOut: {
                  id: "factoryTimedOut",
                  tags: ["ending"],
                  // The call outlived the connect timeout and was abandoned: the store fails the
                  // attempt like drop().
                  entry: "endAttempt",
                },
              },
            },
            handshake: {
              id: "handshake",
              // The observed socket is connecting.
              on: { "SOCKET.ERRORED": { guard: "isStillConnecting", target: "#handshakeFailed" } },
            },
            handshakeFailed: {
              id: "handshakeFailed",
              // The socket reported an error while still CONNECTING: its close should follow at once.
              after: { closeGrace: "#handshakeEnding" },
            },
            handshakeEnding: {
              id: "handshakeEnding",
              tags: ["ending"],
              // The handshake timed out, or failed with no close: the store ends the socket like drop().
              entry: "endAttempt",
            },
          },
        },
        open: {
          id: "open",
          tags: ["open", "asksRetryOnClose"],
          initial: "stable",
          states: {
            settling: {
              id: "settling",
              // A replacement opened; the outage is over once it has stayed open for the stability window.
              after: { stabilityWindow: { target: "#stable", actions: "endOutage" } },
            },
            stable: { id: "stable" },
          },
        },
        closing: {
          id: "closing",
          tags: ["closing"],
          initial: "handedOver",
          // A direct socket.close() on a socket already closing starts nothing.
          on: { "SOCKET.CLOSE_CALLED": {} },
          states: {
            handedOver: {
              id: "handedOver",
              tags: ["asksRetryOnClose"],
              // The socket was already closing when the store got it: its close is judged as a
              // remote close.
            },
            byApplication: {
              id: "byApplication",
              tags: ["asksRetryOnClose"],
              on: { "SOCKET.CLOSED": "#applicationClose", "STORE.DROP": "#applicationClose" },
            },
            byStore: {
              id: "byStore",
              // store.close() is final: the close is not judged.
              on: {
                "SOCKET.CLOSED": { target: "#closed", actions: "recordClose" },
                "STORE.DROP": { target: "#closed", actions: "recordClose" },
              },
            },
          },
        },
      },
    },
    remoteClose: {
      id: "remoteClose",
      // A close nobody asked for: retried unless retryOnClose declines.
      entry: "recordClose",
      always: [{ guard: "retriesRemoteClose", target: "#checkingBudget" }, { target: "#closed" }],
    },
    applicationClose: {
      id: "applicationClose",
      // A close the application started with socket.close(): retried only if retryOnClose accepts.
      entry: "recordClose",
      always: [{ guard: "retriesApplicationClose", target: "#checkingBudget" }, { target: "#closed" }],
    },
    checkingBudget: {
      id: "checkingBudget",
      // An attempt failed or an outage starts: the next attempt, or error when the budget is spent.
      always: [{ guard: "hasAttemptsLeft", target: "#reconnecting" }, { target: "#error" }],
    },
    disconnected: {
      // No socket is connecting or open: reconnect() starts a fresh outage.
      on: {
        "STORE.RECONNECT": { guard: "isReconnectEnabled", target: "#creatingSocket", actions: "startFreshOutage" },
        "STORE.CLOSE": "#closed",
      },
      initial: "closed",
      states: {
        reconnecting: {
          id: "reconnecting",
          tags: ["reconnecting"],
          entry: "scheduleNextAttempt",
          exit: "clearRetryDelay",
          after: { backoff: "#creatingSocket" },
        },
        closed: { id: "closed", tags: ["closed"] },
        error: { id: "error", tags: ["error"], entry: "reportExhausted" },
      },
    },
    // The store publishes nothing once disposed; the machine counts as closed for good.
    disposed: { id: "disposed", type: "final", tags: ["closed"] },
  },
});

export type ConnectionMachineSnapshot = SnapshotFrom<typeof connectionMachine>;

/** What a store publishes: `ConnectionSnapshot`, before it is frozen. */
export interface ConnectionView {
  status: ConnectionStatus;
  attempt: number;
  retryDelayMs: number | null;
  lastClose: CloseRecord | null;
  lastError: ErrorRecord | null;
}

const STATUSES: readonly ConnectionStatus[] = ["connecting", "open", "closing", "reconnecting", "closed", "error"];

/** The status a snapshot shows: the tag of its status state (every state but `start`, which is left at once, has one). */
export function statusOf(snapshot: ConnectionMachineSnapshot): ConnectionStatus {
  return STATUSES.find((status) => snapshot.hasTag(status)) as ConnectionStatus;
}

/** The public snapshot of a machine snapshot: a new object each call. */
export function connectionSnapshotOf(snapshot: ConnectionMachineSnapshot): ConnectionView {
  const { attempt, retryDelayMs, lastClose, lastError } = snapshot.context;
  return { status: statusOf(snapshot), attempt, retryDelayMs, lastClose, lastError };
}
