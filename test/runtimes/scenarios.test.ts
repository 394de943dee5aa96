import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScenarioServer, type ScenarioServer } from "../../scripts/runtimes/server.mjs";
import { ensureBuiltPackage, projectRoot } from "../e2e/built-package";
import { ENDED_BY, runScenarios } from "./scenarios.mjs";

// Proof that the scenarios `npm run test:runtimes` runs on every runtime (this Node with ws among
// them: CI runs it there, not here) catch a store that leaks, sends while not open, or leaves an
// attempt unbounded, and that scenario d tells which rule ended each refused attempt.
const packageDir = process.env.SOCKET_STORE_PACKAGE_DIR ?? projectRoot;
const entryPath = join(packageDir, "dist/index.js");

type BuiltPackage = {
  SocketStore: new (socket: any, handlers?: any, options?: any) => { dispose(): void; send(data: unknown): void; readonly socket: { send(data: unknown): void } };
  isSocketStoreError: (value: unknown) => boolean;
};

describe("the runtime scenarios on this Node with ws, against the built package", () => {
  let server: ScenarioServer;
  let built: BuiltPackage;

  beforeAll(async () => {
    if (!process.env.SOCKET_STORE_PACKAGE_DIR) await ensureBuiltPackage();
    built = (await import(pathToFileURL(entryPath).href)) as BuiltPackage;
    const xstateDistDir = join(dirname(createRequire(join(packageDir, "package.json")).resolve("xstate/package.json")), "dist");
    server = await startScenarioServer({ packageDir, xstateDistDir });
  });
  afterAll(async () => {
    await server?.close();
  });

  // A broken store makes the scenario wait in vain: short waits keep those runs quick.
  const run = (SocketStore: unknown, only?: string[], waitMs?: number, runtime: Partial<Parameters<typeof runScenarios>[0]> = {}) =>
    runScenarios({ SocketStore, isSocketStoreError: built.isSocketStoreError, WebSocket, serverUrl: server.baseUrl, wsUrl: server.wsUrl, packageUrlPart: entryPath, only, waitMs, ...runtime });

  it("reports a store whose dispose() leaves its timer and listeners behind", async () => {
    const leaked: InstanceType<BuiltPackage["SocketStore"]>[] = [];
    class LeakyStore extends built.SocketStore {
      constructor(socket: unknown, handlers?: unknown, options?: unknown) {
        super(socket, handlers, options);
        leaked.push(this);
      }
      override dispose(): void {}
    }
    const [result] = await run(LeakyStore, ["h"], 1_000);
    // Left running, these stores would reconnect into the scenarios of the next tests.
    for (const store of leaked) built.SocketStore.prototype.dispose.call(store);
    expect(result?.ok).toBe(false);
    expect(result?.failures.join("\n")).toContain("backoff: package timers pending after dispose: expected 0 (saw 1)");
    expect(result?.failures.join("\n")).toMatch(/backoff: listeners left: expected 0 \(saw [1-9]/);
  }, 60_000);

  it("reports a store that hands send() to a socket that is not open", async () => {
    class EagerStore extends built.SocketStore {
      override send(data: unknown): void {
        try {
          this.socket.send(data);
        } catch {
          // ws throws while connecting; the scenario looks at what reached the socket.
        }
      }
    }
    const [result] = await run(EagerStore, ["g"], 1_000);
    expect(result?.ok).toBe(false);
    expect(result?.failures.join("\n")).toContain("send() threw a SocketStoreError");
    expect(result?.failures.join("\n")).toContain("socket.send calls: expected 0 (saw 1)");
  }, 60_000);

  // Node 22's global WebSocket (undici 6) after a refused upgrade: `error` with readyState still 0,
  // no `close` event ever (not even after close(), which leaves readyState 2), no terminate().
  const wsReadyState = Object.getOwnPropertyDescriptor(WebSocket.prototype, "readyState")?.get as (this: WebSocket) => number;
  class NeverClosesAfterRefusal extends WebSocket {
    opened = false;
    closeCalled = false;
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      super.addEventListener("open", () => (this.opened = true));
    }
    readonly #wrapped = new Map<unknown, (event: unknown) => void>();
    override addEventListener(type: string, listener: (event: any) => void, options?: any): void {
      if (type !== "close") return super.addEventListener(type as "open", listener, options);
      const wrapper = (event: unknown) => {
        if (this.opened) listener.call(this, event);
      };
      this.#wrapped.set(listener, wrapper);
      super.addEventListener("close", wrapper, options);
    }
    override removeEventListener(type: string, listener: (event: any) => void): void {
      if (type !== "close") return super.removeEventListener(type as "open", listener);
      super.removeEventListener("close", this.#wrapped.get(listener) ?? listener);
      this.#wrapped.delete(listener);
    }
    override close(code?: number, reason?: string): void {
      this.closeCalled = true;
      if (!this.opened && wsReadyState.call(this) !== WebSocket.CONNECTING) return;
      super.close(code, reason);
    }
  }
  Object.defineProperty(NeverClosesAfterRefusal.prototype, "readyState", {
    get(this: NeverClosesAfterRefusal) {
      const real = wsReadyState.call(this);
      if (this.opened || real === WebSocket.CONNECTING) return real;
      return this.closeCalled ? WebSocket.CLOSING : WebSocket.CONNECTING;
    },
  });
  Object.defineProperty(NeverClosesAfterRefusal.prototype, "terminate", { value: undefined });

  it("reaches error with the plain store on a socket that never closes after a refused upgrade, each attempt ended by the error-without-close rule", async () => {
    const [result] = await run(built.SocketStore, ["d"], undefined, { WebSocket: NeverClosesAfterRefusal });
    expect(result?.failures).toEqual([]);
    expect(result?.details.endedBy).toEqual(Array(3).fill(ENDED_BY.errorWithoutClose));
    expect(result?.details.readyStateAtError).toEqual([0, 0, 0]);
  }, 60_000);

  // A socket that reports nothing at all after a refused upgrade: only the 10 s default connect
  // timeout could end its attempts, which the scenario's bound does not leave room for.
  class SilentAfterRefusal extends NeverClosesAfterRefusal {
    override addEventListener(type: string, listener: (event: any) => void, options?: any): void {
      if (type !== "error") return super.addEventListener(type, listener, options);
      super.addEventListener("error", (event: unknown) => {
        if (this.opened) listener.call(this, event);
      }, options);
    }
  }

  it("reports an outage that does not reach error within Σ delays + maxAttempts × the allowance per refused attempt", async () => {
    const [result] = await run(built.SocketStore, ["d"], undefined, { WebSocket: SilentAfterRefusal, refusalAllowanceMs: 200 });
    expect(result?.ok).toBe(false);
    expect(result?.failures.join("\n")).toContain("timed out waiting for error within 900 ms");
  }, 60_000);

  it("reports a store whose attempts against a host that never answers are not ended by a connect timeout", async () => {
    class NoConnectTimeoutStore extends built.SocketStore {
      constructor(socket: unknown, handlers?: unknown, options?: { reconnect?: object }) {
        super(socket, handlers, options?.reconnect ? { ...options, reconnect: { ...options.reconnect, connectTimeoutMs: false } } : options);
      }
    }
    const [result] = await run(NoConnectTimeoutStore, ["i"], 1_000);
    expect(result?.ok).toBe(false);
    expect(result?.failures.join("\n")).toContain("timed out waiting for error");
  }, 60_000);
});
