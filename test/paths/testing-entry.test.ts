import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SocketStore, type CloseEventLike, type ConnectionSnapshot } from "../../src/index.js";
import { connectionPaths, startPath, TestSocket, type ConnectionPathsOptions, type ExpectedSnapshot } from "../../src/testing/index.js";
import { ensureBuiltPackage } from "../e2e/built-package.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const expectedOf = ({ lastError: _lastError, ...expected }: ConnectionSnapshot): ExpectedSnapshot => expected;

const CONFIGURATIONS: Array<{ name: string; options: ConnectionPathsOptions }> = [
  { name: "a connecting socket, reconnect off", options: {} },
  { name: "a closing socket, 2 attempts", options: { readyState: 2, reconnect: { maxAttempts: 2 } } },
  { name: "an open socket, a sync createSocket", options: { readyState: 1, reconnect: { maxAttempts: 2, initialDelayMs: 100, maxDelayMs: 800, factory: "sync" } } },
  {
    name: "an open socket, an async createSocket with a 300 ms connect timeout",
    options: { readyState: 1, reconnect: { maxAttempts: 2, backoff: "fixed", initialDelayMs: 300, maxDelayMs: 200, connectTimeoutMs: 300, factory: "async" } },
  },
  {
    name: "a closed socket, a scripted createSocket, a predicate that declines 4401",
    options: { readyState: 3, closeCodes: [4401], reconnect: { maxAttempts: 1, factory: "scripted", retryOnClose: (event) => event.code !== 4401 } },
  },
  {
    name: "an open socket, a predicate that retries only a 1006 without reason",
    options: { readyState: 1, reconnect: { maxAttempts: 2, connectTimeoutMs: false, factory: "scripted", retryOnClose: (event) => event.code === 1006 && event.reason === "" } },
  },
];

describe("socket-store/testing", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });

  for (const { name, options } of CONFIGURATIONS) {
    for (const kind of ["shortest", "transition"] as const) {
      it(`replays every ${kind} path of ${name} with the store showing each step's expected snapshot`, async () => {
        const paths = connectionPaths({ ...options, kind });
        expect(paths.length).toBeGreaterThan(2);
        for (const path of paths) {
          const run = startPath(path, { clock: vi });
          const store = new SocketStore(run.socket, {}, run.storeOptions);
          run.attach(store);
          expect(expectedOf(store.getSnapshot()), path.description).toEqual(run.expected);
          for await (const step of run) {
            const at = `${path.description}, after "${step.description}"`;
            if (!step.disposed) expect(expectedOf(store.getSnapshot()), at).toEqual(step.expected);
            if (options.reconnect && options.reconnect.factory === "sync") expect(run.pendingFactoryCalls, at).toEqual([]);
          }
          expect(run.performed).toBe(path.steps.length);
          store.dispose();
        }
      });
    }
  }

  it("starts from a connecting socket by default, as new WebSocket(url) gives one", () => {
    const [first] = connectionPaths();
    expect(first!.options.readyState).toBe(0);
    expect(first!.initial.status).toBe("connecting");
    expect(startPath(first!, { clock: vi }).socket.readyState).toBe(0);
  });

  it("folds what the store does by itself into the step that causes it: a synchronous factory's answer, the end of a timed-out attempt", () => {
    const paths = connectionPaths({ readyState: 1, reconnect: { maxAttempts: 1, initialDelayMs: 100, connectTimeoutMs: 500, factory: "sync" } });
    const steps = paths.flatMap((path) => path.steps);
    expect(steps.filter((step) => step.action.kind === "factory" || step.action.kind === "storeEndsAttempt")).toEqual([]);
    expect(steps.map((step) => step.description)).toContain("wait 100 ms (backoff) and createSocket returns an open socket");
    const backoffs = steps.filter((step) => step.action.kind === "wait" && step.action.delay === "backoff");
    expect(backoffs.length).toBeGreaterThan(0);
    expect(backoffs.filter((step) => step.then === undefined)).toEqual([]);
    const timeouts = steps.filter((step) => step.action.kind === "wait" && step.action.delay === "connectTimeout");
    expect(timeouts.length).toBeGreaterThan(0);
    expect(timeouts.every((step) => step.then === "storeEndsAttempt" && step.description === "wait 500 ms (connectTimeout) and the store ends the attempt")).toBe(true);
    expect(timeouts.every((step) => step.expected.lastClose?.code === 1006 && step.expected.status !== "connecting")).toBe(true);
  });

  it("gives each path a distinct description ending in what the store shows", () => {
    const paths = connectionPaths({ readyState: 1, reconnect: { maxAttempts: 2 } });
    expect(new Set(paths.map((path) => path.description)).size).toBe(paths.length);
    expect(paths.map((path) => path.description)).toContain("server closes 1006 (not clean) ⇒ reconnecting, attempt 1, retry in 250 ms, last close 1006");
  });

  describe("closeCodes and retryOnClose", () => {
    it("judge every close of the paths by the application's predicate, with the model's codes and the listed ones", () => {
      const asked = new Set<number>();
      const options = { closeCodes: [4401, 4003], reconnect: { maxAttempts: 1, retryOnClose: (event: CloseEventLike) => (asked.add(event.code), event.code !== 4401) } };
      const transitions = connectionPaths({ ...options, kind: "transition" });
      expect([...asked].sort()).toEqual([1000, 1001, 1002, 1006, 1008, 4000, 4003, 4401, 4999]);
      expect(transitions.retryOnClose).toEqual({ retried: [1000, 1001, 1002, 1006, 1008, 4000, 4003, 4999], declined: [4401] });
      // Shortest paths reach each state with each listed code as lastClose: both verdicts on the listed codes are there.
      expect(connectionPaths(options).retryOnClose).toEqual({ retried: expect.arrayContaining([4003]), declined: [4401] });
    });

    it("give a path that ends closed by the declined code, with that close as lastClose", () => {
      const paths = connectionPaths({ closeCodes: [4401], reconnect: { maxAttempts: 2, retryOnClose: (event) => event.code !== 4401 } });
      const declined = paths.filter((path) => {
        const last = path.steps.at(-1);
        return last?.action.kind === "socketCloses" && last.action.code === 4401;
      });
      expect(declined.length).toBeGreaterThan(0);
      for (const path of declined) expect(path.steps.at(-1)!.expected).toMatchObject({ status: "closed", lastClose: { code: 4401 } });
      expect(declined.map((path) => path.description)).toContain("server closes 4401 (clean) ⇒ closed, attempt 0, last close 4401");
    });

    it("report a predicate that declines none of the codes the paths contain", () => {
      const paths = connectionPaths({ closeCodes: [4401], reconnect: { retryOnClose: (event) => event.code !== 4402 } });
      expect(paths.retryOnClose?.declined).toEqual([]);
      expect(paths.retryOnClose?.retried).toContain(4401);
    });

    it("are null without a predicate", () => {
      expect(connectionPaths({ reconnect: {} }).retryOnClose).toBeNull();
      expect(connectionPaths().retryOnClose).toBeNull();
    });
  });

  it("rejects options the store would reject, naming the option", () => {
    expect(() => connectionPaths({ reconnect: { maxAttempts: 0 } })).toThrow(/maxAttempts/);
    expect(() => connectionPaths({ reconnect: { initialDelayMs: 2000, maxDelayMs: 1000 } })).toThrow(/initialDelayMs/);
    expect(() => connectionPaths({ reconnect: { connectTimeoutMs: 0 } })).toThrow(/connectTimeoutMs/);
    expect(() => connectionPaths({ readyState: 4 as never })).toThrow(/readyState/);
    expect(() => connectionPaths({ closeCodes: [99] })).toThrow(/closeCodes/);
    expect(() => connectionPaths({ reconnect: { retryOnClose: "declinesAll" as never } })).toThrow(/retryOnClose/);
  });

  it("performs app actions through the application's own code when it gives one", async () => {
    const [path] = connectionPaths({ readyState: 1, reconnect: { maxAttempts: 1 }, kind: "transition" }).filter(
      (candidate) => candidate.steps.length === 2 && candidate.steps[1]!.action.kind === "storeReconnect",
    );
    const clicks: string[] = [];
    const run = startPath(path!, { clock: vi, perform: { storeReconnect: async (action, otherwise) => (clicks.push(action.kind), otherwise()) } });
    const store = new SocketStore(run.socket, {}, run.storeOptions);
    run.attach(store);
    for await (const step of run) expect(expectedOf(store.getSnapshot())).toEqual(step.expected);
    expect(clicks).toEqual(["storeReconnect"]);
  });

  it("keeps the snapshot from before in a dispose step's expected, and says the step disposed", () => {
    const disposing = connectionPaths({ readyState: 1 }).flatMap((path) => path.steps.map((step, index) => ({ step, before: index === 0 ? path.initial : path.steps[index - 1]!.expected })));
    const disposes = disposing.filter(({ step }) => step.action.kind === "dispose");
    expect(disposes.length).toBeGreaterThan(0);
    for (const { step, before } of disposes) {
      expect(step.disposed).toBe(true);
      expect(step.state).toBe("disposed");
      expect(step.expected).toEqual(before);
    }
  });
});

describe("TestSocket", () => {
  it("ends with close 1006, not clean, when the network drops", () => {
    const socket = new TestSocket(undefined, undefined, { readyState: 1 });
    const closes: unknown[] = [];
    socket.addEventListener("close", (event) => closes.push({ ...(event as unknown as { code: number; reason: string; wasClean: boolean }) }));
    socket.networkDrop();
    expect(socket.readyState).toBe(3);
    expect(closes).toEqual([expect.objectContaining({ code: 1006, reason: "", wasClean: false })]);
  });

  it("ends a close the application started with its code, clean, and records the call", () => {
    const socket = new TestSocket(undefined, undefined, { readyState: 1 });
    let close: { code?: number; wasClean?: boolean } = {};
    socket.onclose = (event) => (close = event as never);
    socket.close(4000, "bye");
    expect(socket.readyState).toBe(2);
    socket.serverClose();
    expect(socket.closeCalls).toEqual([{ code: 4000, reason: "bye" }]);
    expect({ code: close.code, wasClean: close.wasClean }).toEqual({ code: 4000, wasClean: true });
  });

  it("counts listeners added with addEventListener, not the on… properties, unless told not to", () => {
    const socket = new TestSocket();
    const listener = () => {};
    socket.addEventListener("message", listener);
    socket.addEventListener("message", listener);
    socket.addEventListener("open", () => {});
    socket.onmessage = () => {};
    expect([socket.listenerCount("message"), socket.listenerCount()]).toEqual([1, 2]);
    socket.removeEventListener("message", listener);
    expect(socket.listenerCount()).toBe(1);
    expect(() => new TestSocket(undefined, undefined, { countListeners: false }).listenerCount()).toThrow(/countListeners/);
  });

  it("keeps what send() got while open (or only counts it), throws while connecting and drops it once closing", () => {
    const socket = new TestSocket();
    expect(() => socket.send("early")).toThrow(DOMException);
    socket.open();
    socket.send("one");
    socket.close();
    socket.send("late");
    expect([socket.sent, socket.sentCount]).toEqual([["one"], 1]);
    const counting = new TestSocket(undefined, undefined, { readyState: 1, keepSentData: false });
    counting.send("x");
    expect([counting.sent, counting.sentCount]).toEqual([[], 1]);
  });

  it("is constructed by a store's default factory with the url and protocol of the socket it replaces", () => {
    vi.useFakeTimers();
    const first = new TestSocket("ws://127.0.0.1/feed", ["v2", "v1"], { readyState: 1 });
    const store = new SocketStore(first, {}, { reconnect: { enabled: true, initialDelayMs: 10 } });
    first.networkDrop();
    vi.advanceTimersByTime(10);
    expect(store.socket).toBeInstanceOf(TestSocket);
    expect([store.socket.url, store.socket.protocol]).toEqual(["ws://127.0.0.1/feed", "v2"]);
    store.dispose();
    vi.useRealTimers();
  });
});

describe("the package's entries", () => {
  /** Files a module reaches through relative imports. */
  function reachable(entry: string, seen = new Set<string>()): Set<string> {
    if (seen.has(entry)) return seen;
    seen.add(entry);
    const source = readFileSync(entry, "utf8");
    for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*["'](\.[^"']+)["']/g)) {
      reachable(resolve(dirname(entry), specifier!.replace(/\.js$/, ".ts")), seen);
    }
    return seen;
  }

  it("never load the testing entry from the root or the react entry", () => {
    const loaded = [...reachable(join(root, "src/index.ts")), ...reachable(join(root, "src/react/index.ts"))];
    expect(loaded.filter((file) => file.includes(join("src", "testing")))).toEqual([]);
    expect(loaded.length).toBeGreaterThan(3);
  });

  describe("built", () => {
    beforeAll(() => ensureBuiltPackage(), 120_000);

    it("socket-store/testing exports connectionPaths, startPath and TestSocket, and nothing else", async () => {
      const esm = await import(pathToFileURL(join(root, "dist/testing.js")).href);
      const cjs = createRequire(import.meta.url)(join(root, "dist/testing.cjs"));
      for (const exported of [esm, cjs]) expect(Object.keys(exported).filter((key) => key !== "default" && key !== "__esModule").sort()).toEqual(["TestSocket", "connectionPaths", "startPath"]);
    });

    it("socket-store/testing imports the statechart from the root entry instead of carrying a copy", () => {
      for (const file of ["dist/testing.js", "dist/testing.cjs"]) {
        const source = readFileSync(join(root, file), "utf8");
        expect(source, file).toMatch(/from "socket-store"|require\("socket-store"\)/);
        expect(source, file).not.toContain("checkingBudget");
      }
    });
  });
});
