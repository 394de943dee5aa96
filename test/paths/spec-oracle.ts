/**
 * What docs/behaviour.md says the store shows after one step, computed from what the store showed
 * before it and the contract alone — not from the statechart. The replay checks the store
 * against both this and the machine: the machine comparison finds facade bugs, this one finds
 * machine bugs (a path generated from a wrong machine would otherwise agree with it).
 */
import type { ConnectionSnapshot, ConnectionStatus } from "../../src/index.js";
import type { FactoryOutcome, PathAction as Via, PathConfig, ReconnectConfig } from "../../src/testing/model.js";

export interface ExpectedView {
  status: ConnectionStatus;
  attempt: number;
  retryDelayMs: number | null;
}

export type SpecExpectation =
  /** status, attempt and retryDelayMs after the step */
  | { kind: "view"; view: ExpectedView }
  /** the store asks for a replacement: status connecting, the factory called with this attempt */
  | { kind: "replacement"; attempt: number }
  /** nothing the contract names happens */
  | { kind: "none" };

/** What the contract makes the store remember between steps. */
export interface SpecMemory {
  /** store.close() was called and no reconnect() started an outage since: closes end in closed. */
  closedByStore: boolean;
  /** the application called close() directly on the socket observed now */
  applicationClosed: boolean;
  /** a factory call is pending (async) and the store still waits for it */
  awaitingFactory: boolean;
  /** the attempt of the replacement being made */
  replacementAttempt: number;
}

export function freshMemory(): SpecMemory {
  return { closedByStore: false, applicationClosed: false, awaitingFactory: false, replacementAttempt: 0 };
}

/** docs/behaviour.md, "Attempts and delays". */
export function specDelay(attempt: number, reconnect: ReconnectConfig): number {
  if (reconnect.backoff === "fixed") return reconnect.initialDelayMs;
  let delay = reconnect.initialDelayMs;
  for (let n = 2; n <= attempt; n++) delay = Math.min(2 * delay, reconnect.maxDelayMs);
  return delay;
}

const view = (status: ConnectionStatus, attempt: number, retryDelayMs: number | null = null): SpecExpectation => ({
  kind: "view",
  view: { status, attempt, retryDelayMs },
});

/** Attempt `attempt` of an outage failed (or an outage starts at attempt 0): the next one, or error. */
function attemptFailed(attempt: number, reconnect: ReconnectConfig): SpecExpectation {
  const next = attempt + 1;
  return next <= reconnect.maxAttempts ? view("reconnecting", next, specDelay(next, reconnect)) : view("error", attempt);
}

function predicateAccepts(reconnect: ReconnectConfig, code: number, reason: string, wasClean: boolean): boolean {
  // Only a return value === true retries; a predicate that throws counts as false.
  const predicate = reconnect.retryOnClose;
  if (typeof predicate === "function") {
    try {
      return predicate({ type: "close", code, reason, wasClean }) === true;
    } catch {
      return false;
    }
  }
  if (predicate === "acceptsAll") return true;
  return predicate === "acceptsApplicationCodes" && code >= 4000 && code <= 4999;
}

const CONNECTING_OUTCOMES: ReadonlySet<FactoryOutcome> = new Set(["returnsConnecting", "resolvesConnecting", "defaultFactory"]);
const OPEN_OUTCOMES: ReadonlySet<FactoryOutcome> = new Set(["returnsOpen", "resolvesOpen"]);

/** Whether the contract has the retry predicate asked for this close event. */
export function predicateAsked(config: PathConfig, memory: SpecMemory): boolean {
  return config.reconnect !== false && config.reconnect.retryOnClose !== "absent" && !memory.closedByStore;
}

export function specExpectation(config: PathConfig, via: Via, before: ConnectionSnapshot, memory: SpecMemory): SpecExpectation {
  const reconnect = config.reconnect;
  const { status, attempt } = before;
  switch (via.kind) {
    case "socketOpens":
      return view("open", attempt);
    case "socketReceives":
    case "socketFails":
      // Messages and error events never change the status (docs/behaviour.md); an error with no
      // close ends the socket only after a 0 ms wait (below).
      return view(status, attempt, before.retryDelayMs);
    case "socketCloses":
    case "implementationCloses": {
      if (!reconnect || memory.closedByStore) return view("closed", attempt);
      const wasClean = via.kind === "socketCloses" ? via.wasClean : via.closeFrameReceived;
      const retried = reconnect.retryOnClose === "absent" ? !memory.applicationClosed : predicateAccepts(reconnect, via.code, "", wasClean);
      return retried ? attemptFailed(attempt, reconnect) : view("closed", attempt);
    }
    case "storeDrop":
      // Nothing to end while waiting for an attempt, closed or in error: nothing changes.
      if (status === "reconnecting" || status === "closed" || status === "error") return view(status, attempt, before.retryDelayMs);
      return endedLikeDrop(config, via.reason ?? "", attempt, memory);
    case "applicationClosesSocket":
      return status === "connecting" || status === "open" ? view("closing", attempt) : { kind: "none" };
    case "storeClose":
      if (status === "connecting" && memory.awaitingFactory) return view("closed", attempt);
      if (status === "connecting" || status === "open" || status === "closing") return view("closing", attempt);
      return view("closed", attempt);
    case "storeReconnect":
      if (reconnect && (status === "closed" || status === "error" || status === "reconnecting")) return { kind: "replacement", attempt: 1 };
      return view(status, attempt, before.retryDelayMs);
    case "wait":
      if (via.delay === "backoff") return { kind: "replacement", attempt };
      if (via.delay === "stabilityWindow") return view("open", 0);
      // The connect timeout, or an error with no close after 0 ms: the store ends the attempt like drop("").
      return endedLikeDrop(config, "", attempt, memory);
    case "storeEndsAttempt":
      // Done within the step before.
      return { kind: "none" };
    case "factory": {
      if (!reconnect) return { kind: "none" };
      const replacementAttempt = memory.replacementAttempt;
      if (CONNECTING_OUTCOMES.has(via.outcome)) return view("connecting", replacementAttempt);
      if (OPEN_OUTCOMES.has(via.outcome)) return view("open", replacementAttempt);
      return attemptFailed(replacementAttempt, reconnect);
    }
    case "dispose":
      return { kind: "none" };
  }
}

/**
 * drop(reason) while connecting, open or closing: judged like a close event { code: 1006,
 * wasClean: false } in this state; a pending factory call has no socket the application could
 * have closed.
 */
function endedLikeDrop(config: PathConfig, reason: string, attempt: number, memory: SpecMemory): SpecExpectation {
  const reconnect = config.reconnect;
  if (!reconnect || memory.closedByStore) return view("closed", attempt);
  const applicationRule = memory.applicationClosed && !memory.awaitingFactory;
  const retried = reconnect.retryOnClose === "absent" ? !applicationRule : predicateAccepts(reconnect, 1006, reason, false);
  return retried ? attemptFailed(attempt, reconnect) : view("closed", attempt);
}

/** The memory after a step, given the status the store showed before it. */
export function rememberStep(via: Via, before: ConnectionSnapshot, expectation: SpecExpectation, memory: SpecMemory): void {
  if (via.kind === "storeClose" && before.status !== "closed") {
    memory.closedByStore = true;
    memory.awaitingFactory = false;
  }
  if (expectation.kind === "replacement") {
    memory.closedByStore = false;
    memory.replacementAttempt = expectation.attempt;
  }
  if (via.kind === "applicationClosesSocket" && (before.status === "connecting" || before.status === "open")) memory.applicationClosed = true;
  if (via.kind === "factory" || via.kind === "storeDrop" || (via.kind === "wait" && via.delay === "connectTimeout")) memory.awaitingFactory = false;
}

/** Whether `drop()` ends a connection (or a pending factory call) in this status. */
export function dropEnds(status: ConnectionStatus): boolean {
  return status === "connecting" || status === "open" || status === "closing";
}
