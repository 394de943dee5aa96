import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SocketStore, type ConnectionSnapshot } from "../../src/index.js";
import {
  connectionPaths,
  describeConfig,
  pathConfigOf,
  startPath,
  TestSocket,
  type ConnectionPathsOptions,
  type ExpectedSnapshot,
} from "../../src/testing/index.js";

const viewOf = ({ status, attempt, retryDelayMs }: ConnectionSnapshot): ExpectedSnapshot => ({ status, attempt, retryDelayMs });

const CONFIGURATIONS: ConnectionPathsOptions[] = [
  { readyState: 0 },
  { readyState: 2, reconnect: { maxAttempts: 2 } },
  { readyState: 1, reconnect: { maxAttempts: 2, initialDelayMs: 100, maxDelayMs: 800, factory: "sync" } },
  { readyState: 1, reconnect: { maxAttempts: 2, backoff: "fixed", initialDelayMs: 300, maxDelayMs: 200, factory: "async" } },
  { readyState: 3, reconnect: { maxAttempts: 1, factory: "scripted", retryOnClose: "acceptsApplicationCodes" } },
  { readyState: 1, reconnect: { maxAttempts: 2, factory: "scripted", retryOnClose: (event) => event.code === 1006 && event.reason === "" } },
];

describe("socket-store/testing", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });

  for (const options of CONFIGURATIONS) {
    for (const kind of ["shortest", "transition"] as const) {
      it(`replays every ${kind} path of "${describeConfig(pathConfigOf(options))}" with the store showing each step's expected snapshot`, async () => {
        const paths = connectionPaths({ ...options, kind });
        expect(paths.length).toBeGreaterThan(2);
        for (const path of paths) {
          const run = startPath(path, { clock: vi });
          const store = new SocketStore(run.socket, {}, run.storeOptions);
          run.attach(store);
          expect(viewOf(store.getSnapshot()), path.description).toEqual(run.expected);
          for await (const step of run) {
            const at = `${path.description}, after "${step.description}"`;
            expect(viewOf(store.getSnapshot()), at).toEqual(step.expected);
            if (options.reconnect && options.reconnect.factory === "sync") expect(run.pendingFactoryCalls, at).toEqual([]);
          }
          expect(run.performed).toBe(path.steps.length);
          store.dispose();
        }
      });
    }
  }

  it("folds a synchronous factory's answer into the step that asks for a socket", () => {
    const paths = connectionPaths({ reconnect: { maxAttempts: 1, initialDelayMs: 100, factory: "sync" } });
    const steps = paths.flatMap((path) => path.steps);
    expect(steps.filter((step) => step.action.kind === "factory")).toEqual([]);
    expect(steps.map((step) => step.description)).toContain("wait 100 ms (backoff) and createSocket returns an open socket");
    const backoffs = steps.filter((step) => step.action.kind === "wait" && step.action.delay === "backoff");
    expect(backoffs.length).toBeGreaterThan(0);
    expect(backoffs.filter((step) => step.createSocket === undefined)).toEqual([]);
  });

  it("gives each path a distinct description ending in what the store shows", () => {
    const paths = connectionPaths({ reconnect: { maxAttempts: 2 } });
    expect(new Set(paths.map((path) => path.description)).size).toBe(paths.length);
    expect(paths.map((path) => path.description)).toContain("server closes 1006 (not clean) ⇒ reconnecting, attempt 1, retry in 250 ms");
  });

  it("asks an application's own retryOnClose about each close of the paths", () => {
    const asked: number[] = [];
    connectionPaths({ reconnect: { maxAttempts: 1, retryOnClose: (event) => (asked.push(event.code), false) } });
    expect(new Set(asked)).toEqual(new Set([1000, 1001, 1002, 1006, 1008, 4000, 4999]));
  });

  it("rejects options the store would reject, naming the option", () => {
    expect(() => connectionPaths({ reconnect: { maxAttempts: 0 } })).toThrow(/maxAttempts/);
    expect(() => connectionPaths({ reconnect: { initialDelayMs: 2000, maxDelayMs: 1000 } })).toThrow(/initialDelayMs/);
    expect(() => connectionPaths({ readyState: 4 as never })).toThrow(/readyState/);
  });

  it("performs app actions through the application's own code when it gives one", async () => {
    const [path] = connectionPaths({ reconnect: { maxAttempts: 1 }, kind: "transition" }).filter(
      (candidate) => candidate.steps.length === 2 && candidate.steps[1]!.action.kind === "storeReconnect",
    );
    const clicks: string[] = [];
    const run = startPath(path!, { clock: vi, perform: { storeReconnect: async (action, otherwise) => (clicks.push(action.kind), otherwise()) } });
    const store = new SocketStore(run.socket, {}, run.storeOptions);
    run.attach(store);
    for await (const step of run) expect(viewOf(store.getSnapshot())).toEqual(step.expected);
    expect(clicks).toEqual(["storeReconnect"]);
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

  it("counts listeners added with addEventListener, not the on… properties", () => {
    const socket = new TestSocket();
    const listener = () => {};
    socket.addEventListener("message", listener);
    socket.addEventListener("message", listener);
    socket.addEventListener("open", () => {});
    socket.onmessage = () => {};
    expect([socket.listenerCount("message"), socket.listenerCount()]).toEqual([1, 2]);
    socket.removeEventListener("message", listener);
    expect(socket.listenerCount()).toBe(1);
  });

  it("keeps what send() got while open, throws while connecting and drops it once closing", () => {
    const socket = new TestSocket();
    expect(() => socket.send("early")).toThrow(DOMException);
    socket.open();
    socket.send("one");
    socket.close();
    socket.send("late");
    expect([socket.sent, socket.sentCount]).toEqual([["one"], 1]);
  });

  it("is the one test socket: the support module re-exports it", async () => {
    const support = await import("../support/controllable-socket.js");
    expect(support.ControllableSocket).toBe(TestSocket);
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
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

  it("never load the testing entry from the root or the react entry", () => {
    const loaded = [...reachable(join(root, "src/index.ts")), ...reachable(join(root, "src/react/index.ts"))];
    expect(loaded.filter((file) => file.includes(join("src", "testing")))).toEqual([]);
    expect(loaded.length).toBeGreaterThan(3);
  });
});
