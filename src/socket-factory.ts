/**
 * The socket factory calls of reconnect attempts: the machine invokes its `createSocket` actor in
 * `connecting.creatingSocket`, and leaving that state stops the actor, which abandons the call.
 */
import { fromCallback, type AnyEventObject } from "xstate";
import { connectionMachine, type ConnectionEvent, type ReplacementRequest } from "../machines/connection.js";
import { closeAbandoned, describeSocketShapeProblem } from "./socket-boundary.js";
import type { WebSocketLike } from "./types.js";

/** One call of the socket factory, for one attempt. */
export class FactoryCall {
  readonly attempt: number;
  readonly #controller = new AbortController();
  readonly #answer: (event: ConnectionEvent) => void;
  #settled = false;

  constructor(attempt: number, answer: (event: ConnectionEvent) => void) {
    this.attempt = attempt;
    this.#answer = answer;
  }

  /** Aborted when the store stops waiting for this call; never after its result was settled. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Tells the machine what came of the call; `before` runs first, once the signal can no longer abort. */
  settle(event: ConnectionEvent, before?: () => void): void {
    this.#settled = true;
    before?.();
    this.#answer(event);
  }

  abandon(): void {
    if (!this.#settled) this.#controller.abort();
  }
}

/**
 * The connection machine with a `createSocket` actor that hands each call, and the actor system
 * it runs in, to `receive`. Make one per program: `provide()` builds a whole machine.
 */
export function machineCallingFactories(receive: (system: object, call: FactoryCall) => void) {
  return connectionMachine.provide({
    actors: {
      createSocket: fromCallback<AnyEventObject, ReplacementRequest>(({ input, sendBack, system }) => {
        const call = new FactoryCall(input.attempt, sendBack);
        receive(system, call);
        return () => call.abandon();
      }),
    },
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Runs a factory that returns a socket or a Promise of one, or throws: a WebSocket-shaped result
 * goes to `takeOver`, anything else (or what it threw or rejected with) to `fail` — unless the
 * call was abandoned meanwhile: then nothing happens, and a socket it gives is closed at once.
 */
export function runFactory(call: FactoryCall, make: () => unknown, takeOver: (socket: WebSocketLike) => void, fail: (cause: unknown) => void): void {
  const deliver = (socket: unknown): void => {
    const usable = describeSocketShapeProblem(socket) === undefined;
    if (call.signal.aborted) {
      if (usable) closeAbandoned(socket as WebSocketLike);
    } else if (usable) takeOver(socket as WebSocketLike);
    else fail(socket);
  };
  const reject = (cause: unknown): void => {
    if (!call.signal.aborted) fail(cause);
  };
  let result: unknown;
  try {
    result = make();
  } catch (exception) {
    reject(exception);
    return;
  }
  if (isThenable(result)) result.then(deliver, reject);
  else deliver(result);
}
