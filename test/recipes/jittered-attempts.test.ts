import { afterEach, describe, expect, it, vi } from "vitest";
import { jitteredCreateSocket } from "../../examples/recipes/jittered-attempts.js";
import { SocketStore, type ReplacementContext, type SocketStoreError, type SocketStoreReconnectOptions } from "../../src/index.js";
import { TestSocket } from "../../src/testing/test-socket.js";
import { seededRandom } from "../support/seeded-random.js";

afterEach(() => {
  vi.useRealTimers();
});


/** Replays the given numbers, one per attempt. */
function randomFrom(values: number[]): () => number {
  const queue = [...values];
  return () => {
    const next = queue.shift();
    if (next === undefined) throw new Error("the test ran out of random numbers");
    return next;
  };
}

const budgetMs = (attempt: number) => 1000 * 2 ** (attempt - 1);

function setUp(random: () => number, reconnect: Partial<SocketStoreReconnectOptions> = {}) {
  vi.useFakeTimers();
  const created: { socket: TestSocket; attempt: number; at: number }[] = [];
  const createSocket = jitteredCreateSocket(
    (context) => {
      const socket = new TestSocket();
      created.push({ socket, attempt: context.attempt, at: Date.now() });
      return socket;
    },
    { budgetMs, random },
  );
  const first = new TestSocket(undefined, undefined, { readyState: 1 });
  const onOpen = vi.fn();
  const errors: SocketStoreError[] = [];
  const store = new SocketStore(first, { onOpen, onError: (error) => errors.push(error) }, {
    reconnect: { enabled: true, backoff: "fixed", initialDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 3, createSocket, ...reconnect },
  });
  return { store, first, created, createSocket, onOpen, errors };
}

describe("jitteredCreateSocket()", () => {
  it("waits random() × budgetMs(attempt) before each attempt while the store shows connecting", async () => {
    const { store, first, created } = setUp(randomFrom([0.25, 0.999, 0]));
    first.serverClose({ code: 1006, wasClean: false });
    await vi.advanceTimersByTimeAsync(100);
    const attemptStart = Date.now();
    expect(store.getSnapshot()).toMatchObject({ status: "connecting", attempt: 1 });

    await vi.advanceTimersByTimeAsync(249);
    expect(created).toHaveLength(0);
    expect(store.getSnapshot()).toMatchObject({ status: "connecting", attempt: 1 });
    await vi.advanceTimersByTimeAsync(1);
    expect(created.map(({ attempt, at }) => ({ attempt, waited: at - attemptStart }))).toEqual([{ attempt: 1, waited: 250 }]);
    expect(store.socket).toBe(created[0]!.socket);

    // Attempt 2: budget 2000 ms, random 0.999 → 1998 ms after the 100 ms backoff.
    created[0]!.socket.serverClose({ code: 1006, wasClean: false });
    await vi.advanceTimersByTimeAsync(100 + 1997);
    expect(created).toHaveLength(1);
    expect(store.getSnapshot()).toMatchObject({ status: "connecting", attempt: 2 });
    await vi.advanceTimersByTimeAsync(1);
    expect(created).toHaveLength(2);

    // Attempt 3: random 0 → a 0 ms timer after the backoff (timers run 1 ms later at the earliest).
    created[1]!.socket.serverClose({ code: 1006, wasClean: false });
    await vi.advanceTimersByTimeAsync(100 + 1);
    expect(created.map(({ attempt }) => attempt)).toEqual([1, 2, 3]);
    created[2]!.socket.open();
    expect(store.status).toBe("open");
  });

  it("keeps every wait of a seeded random sequence within the attempt's budget", async () => {
    vi.useFakeTimers();
    const random = seededRandom(20261130);
    const draws = seededRandom(20261130);
    const previous = new TestSocket();
    for (let draw = 0; draw < 50; draw++) {
      const attempt = (draw % 5) + 1;
      const startedAt = Date.now();
      let createdAt: number | undefined;
      const createSocket = jitteredCreateSocket(
        () => {
          createdAt = Date.now();
          return new TestSocket();
        },
        { budgetMs, random },
      );
      const context: ReplacementContext = { attempt, previous, lastClose: null, signal: new AbortController().signal };
      const socket = createSocket(context);
      await vi.advanceTimersByTimeAsync(budgetMs(attempt));
      await expect(socket).resolves.toBeInstanceOf(TestSocket);
      const waited = createdAt! - startedAt;
      expect(waited).toBeGreaterThanOrEqual(0);
      expect(waited).toBeLessThanOrEqual(budgetMs(attempt));
      expect(waited).toBe(Math.trunc(draws() * budgetMs(attempt)));
    }
    expect(vi.getTimerCount()).toBe(0);
  });

  describe("ends its wait when the store stops waiting (ReplacementContext.signal)", () => {
    it.each([
      ["store.close()", (store: SocketStore) => store.close(), "closed"],
      ["store.dispose()", (store: SocketStore) => store.dispose(), "connecting"],
    ] as const)("creates no socket and leaves no timer after %s during the wait", async (_name, stop, status) => {
      const { store, first, created, errors } = setUp(randomFrom([0.5]), { connectTimeoutMs: false });
      first.serverClose({ code: 1006, wasClean: false });
      await vi.advanceTimersByTimeAsync(100 + 200);
      expect(store.status).toBe("connecting");
      expect(vi.getTimerCount()).toBe(1);

      stop(store);
      expect(store.status).toBe(status);
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(created).toHaveLength(0);
      expect(errors).toEqual([]);
    });

    it("ends the wait of an attempt that drop() failed, and the next attempt waits afresh", async () => {
      const { store, first, created, errors } = setUp(randomFrom([0.5, 0.5]), { connectTimeoutMs: false });
      first.serverClose({ code: 1006, wasClean: false });
      await vi.advanceTimersByTimeAsync(100 + 100);

      store.drop("not now");
      expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 2 });
      expect(vi.getTimerCount()).toBe(1); // the store's backoff, nothing of attempt 1
      await vi.advanceTimersByTimeAsync(100 + 999);
      expect(created).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(created.map(({ attempt }) => attempt)).toEqual([2]);
      expect(errors.map((error) => error.code)).toEqual([]);
    });

    it("is ended by the store's connect timeout like any attempt, which counts the wait", async () => {
      const { store, first, created, errors } = setUp(randomFrom([0.9, 0]), { connectTimeoutMs: 500 });
      first.serverClose({ code: 1006, wasClean: false });
      await vi.advanceTimersByTimeAsync(100 + 500);
      expect(errors.map((error) => error.code)).toEqual(["ERR_CONNECT_TIMEOUT"]);
      expect(store.getSnapshot()).toMatchObject({ status: "reconnecting", attempt: 2 });
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(100 + 1);
      expect(created.map(({ attempt }) => attempt)).toEqual([2]);
      created[0]!.socket.open();
      expect(store.status).toBe("open");
    });
  });

  it.each([Number.NaN, -1, Number.POSITIVE_INFINITY])("fails the attempt with ERR_SOCKET_FACTORY when budgetMs gives %s", async (budget) => {
    vi.useFakeTimers();
    const errors: SocketStoreError[] = [];
    const first = new TestSocket(undefined, undefined, { readyState: 1 });
    const create = vi.fn(() => new TestSocket());
    const store = new SocketStore(first, { onError: (error) => errors.push(error) }, {
      reconnect: { enabled: true, maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 100, createSocket: jitteredCreateSocket(create, { budgetMs: () => budget, random: () => 0.5 }) },
    });
    first.serverClose({ code: 1006, wasClean: false });
    await vi.advanceTimersByTimeAsync(10);
    expect(errors.map((error) => error.code)).toEqual(["ERR_SOCKET_FACTORY", "ERR_RECONNECT_EXHAUSTED"]);
    expect(errors[0]!.cause).toBeInstanceOf(RangeError);
    expect(create).not.toHaveBeenCalled();
    expect(store.status).toBe("error");
  });
});
