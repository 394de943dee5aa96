import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScenarioServer, type ScenarioServer } from "../../scripts/runtimes/server.mjs";
import { ensureBuiltPackage, projectRoot } from "../e2e/built-package";
import { runScenarios, SCENARIOS } from "./scenarios.mjs";

// The same scenarios `npm run test:runtimes` runs on every runtime, here on this Node with ws,
// plus proof that they catch a store that leaks or sends while not open.
const packageDir = process.env.SOCKET_STORE_PACKAGE_DIR ?? projectRoot;
const entryPath = join(packageDir, "dist/index.js");

type BuiltPackage = {
  SocketStore: new (...args: any[]) => { dispose(): void; send(data: unknown): void; readonly socket: { send(data: unknown): void } };
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
  const run = (SocketStore: unknown, only?: string[], waitMs?: number) =>
    runScenarios({ SocketStore, isSocketStoreError: built.isSocketStoreError, WebSocket, serverUrl: server.baseUrl, wsUrl: server.wsUrl, packageUrlPart: entryPath, only, waitMs });

  it("passes every scenario", async () => {
    const results = await run(built.SocketStore);
    expect(results.map((result) => result.id)).toEqual(SCENARIOS.map(([id]) => id));
    expect(results.filter((result) => !result.ok).map((result) => `${result.id}: ${result.failures.join("; ")}`)).toEqual([]);
  }, 60_000);

  it("reports a store whose dispose() leaves its timer and listeners behind", async () => {
    class LeakyStore extends built.SocketStore {
      override dispose(): void {}
    }
    const [result] = await run(LeakyStore, ["h"], 1_000);
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
});
