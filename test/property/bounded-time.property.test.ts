import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelay, SocketStore, type WebSocketLike } from "../../src/index.js";
import { TestSocket } from "../../src/testing/test-socket.js";

const NUM_RUNS = Number(process.env.SOCKET_STORE_PROPERTY_RUNS ?? 500);

/** What the network does with one attempt's socket (or what the application's createSocket does). */
type Attempt =
  | { kind: "hangs" }
  | { kind: "refused"; afterMs: number }
  | { kind: "errorWithoutClose"; afterMs: number }
  | { kind: "opensThenCloses"; afterMs: number; openMs: number }
  | { kind: "opens"; afterMs: number }
  | { kind: "factoryHangs" }
  | { kind: "factoryRejects"; afterMs: number }
  | { kind: "factoryThrows" };

const attemptArbitrary: fc.Arbitrary<Attempt> = fc.oneof(
  fc.constant({ kind: "hangs" as const }),
  fc.record({ kind: fc.constant("refused" as const), afterMs: fc.integer({ min: 0, max: 2000 }) }),
  fc.record({ kind: fc.constant("errorWithoutClose" as const), afterMs: fc.integer({ min: 0, max: 2000 }) }),
  fc.record({ kind: fc.constant("opensThenCloses" as const), afterMs: fc.integer({ min: 0, max: 2000 }), openMs: fc.integer({ min: 0, max: 2000 }) }),
  fc.record({ kind: fc.constant("opens" as const), afterMs: fc.integer({ min: 0, max: 2000 }) }),
  fc.constant({ kind: "factoryHangs" as const }),
  fc.record({ kind: fc.constant("factoryRejects" as const), afterMs: fc.integer({ min: 0, max: 2000 }) }),
  fc.constant({ kind: "factoryThrows" as const }),
);

const policyArbitrary = fc
  .record({
    maxAttempts: fc.integer({ min: 1, max: 4 }),
    backoff: fc.constantFrom<"fixed" | "exponential">("fixed", "exponential"),
    initialDelayMs: fc.integer({ min: 0, max: 400 }),
    extraDelayMs: fc.integer({ min: 0, max: 1200 }),
    connectTimeoutMs: fc.integer({ min: 1, max: 1500 }),
    declines4000: fc.boolean(),
  })
  .map(({ extraDelayMs, ...policy }) => ({ ...policy, maxDelayMs: policy.initialDelayMs + extraDelayMs }));

describe("an outage nobody acts on", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });

  it(`ends in a stable open, closed or error within Σ delay(n) + maxAttempts × (connectTimeoutMs + maxDelayMs), whatever each attempt meets (${NUM_RUNS} outages)`, () => {
    const endings = new Set<string>();
    fc.assert(
      fc.property(policyArbitrary, fc.array(attemptArbitrary, { minLength: 1, maxLength: 6 }), (policy, attempts) => {
        vi.clearAllTimers();
        const { maxAttempts, backoff, initialDelayMs, maxDelayMs, connectTimeoutMs, declines4000 } = policy;
        let calls = 0;
        const later = (ms: number, act: () => void) => setTimeout(act, ms);
        const createSocket = (): WebSocketLike | Promise<WebSocketLike> => {
          const attempt = attempts[calls++ % attempts.length]!;
          if (attempt.kind === "factoryHangs") return new Promise<WebSocketLike>(() => {});
          if (attempt.kind === "factoryRejects") return new Promise<WebSocketLike>((_resolve, reject) => later(attempt.afterMs, () => reject(new Error("no token"))));
          if (attempt.kind === "factoryThrows") throw new Error("no token");
          const socket = new TestSocket();
          if (attempt.kind === "refused") {
            later(attempt.afterMs, () => {
              if (socket.readyState !== 0) return;
              socket.readyState = 3;
              socket.fail();
              socket.readyState = 2;
              socket.serverClose({ code: 1006, wasClean: false });
            });
          } else if (attempt.kind === "errorWithoutClose") {
            later(attempt.afterMs, () => socket.readyState === 0 && socket.fail());
          } else if (attempt.kind === "opens" || attempt.kind === "opensThenCloses") {
            later(attempt.afterMs, () => {
              if (socket.readyState !== 0) return;
              socket.open();
              if (attempt.kind === "opensThenCloses") later(attempt.openMs, () => socket.readyState === 1 && socket.serverClose({ code: 4000, wasClean: true }));
            });
          }
          return socket;
        };
        const original = new TestSocket(undefined, undefined, { readyState: 1 });
        const store = new SocketStore(original, {}, {
          reconnect: { enabled: true, maxAttempts, backoff, initialDelayMs, maxDelayMs, connectTimeoutMs, createSocket, retryOnClose: (event) => !(declines4000 && event.code === 4000) },
        });
        const started = Date.now();
        let endedAt: number | undefined;
        let ending = "";
        store.subscribe(() => {
          const { status, attempt } = store.getSnapshot();
          const ended = status === "closed" || status === "error" || (status === "open" && attempt === 0);
          if (ended && endedAt === undefined) {
            endedAt = Date.now();
            ending = status;
          }
        });
        original.networkDrop();
        // Each wait is a timer, and a timer of 0 ms lasts 1 ms in Node (and in fake timers, which copy it).
        const timer = (ms: number) => Math.max(1, ms);
        let bound = 0;
        for (let n = 1; n <= maxAttempts; n++) bound += timer(backoffDelay(n, policy));
        bound += maxAttempts * (connectTimeoutMs + timer(maxDelayMs));
        vi.advanceTimersByTime(bound);
        store.dispose();
        expect(endedAt, `the outage ended (status ${store.status}, attempt ${store.getSnapshot().attempt}, ${calls} attempts)`).toBeDefined();
        expect(endedAt! - started).toBeLessThanOrEqual(bound);
        endings.add(ending);
      }),
      { numRuns: NUM_RUNS },
    );
    expect([...endings].sort(), "the ways the outages ended").toEqual(["closed", "error", "open"]);
    // About half a millisecond per outage: SOCKET_STORE_PROPERTY_RUNS may ask for many more.
  }, Math.max(20_000, NUM_RUNS * 2));
});
