import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinnedBinary } from "../../scripts/runtimes/pinned-runtimes.mjs";
import { ensureBuiltPackage, projectRoot } from "../e2e/built-package.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.mjs";

let node22: string;
let server: FaultServer;

beforeAll(async () => {
  await ensureBuiltPackage();
  // From the npm registry into the cache on first use, as `npm run test:runtimes` does.
  node22 = pinnedBinary("node22");
  server = await startFaultServer();
  server.refuseUpgrades({ status: 503 });
}, 300_000);

afterAll(() => server?.close());

/** The built package on Node 22's own global WebSocket (undici 6), with no connect timeout. */
const SCRIPT = `
import { SocketStore } from ${JSON.stringify(join(projectRoot, "dist/index.js"))};
const started = performance.now();
const errors = [];
const store = new SocketStore(new WebSocket(process.env.WS_URL), { onError: (error) => errors.push(error.code) }, {
  reconnect: { enabled: true, maxAttempts: 3, backoff: "fixed", initialDelayMs: 100, connectTimeoutMs: false },
});
const report = () => {
  console.log(JSON.stringify({ node: process.version, status: store.status, attempt: store.getSnapshot().attempt, errors, ms: Math.round(performance.now() - started) }));
  store.dispose();
  process.exit(0);
};
store.subscribe(() => store.status === "error" && report());
// Without the error-with-no-close rule the store would stay connecting: report what it shows then.
setTimeout(report, 10_000);
`;

describe("Node 22's global WebSocket against refused upgrades, with no connect timeout", () => {
  it("reaches error through the store's error-with-no-close rule, in well under a second", async () => {
    const output = await new Promise<string>((resolve, reject) => {
      execFile(node22, ["--input-type=module", "-e", SCRIPT], { cwd: projectRoot, env: { ...process.env, WS_URL: server.wsUrl }, timeout: 30_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    const result = JSON.parse(output.trim().split("\n").at(-1)!) as { node: string; status: string; attempt: number; errors: string[]; ms: number };
    console.log(`Node ${result.node}: refused upgrades → ${result.status} in ${result.ms} ms (3 attempts, 100 ms apart)`);
    expect(result.node).toMatch(/^v22\./);
    expect({ status: result.status, attempt: result.attempt }).toEqual({ status: "error", attempt: 3 });
    // The first socket and three replacements each reported their error; no timeout was involved.
    expect(result.errors).toEqual(["ERR_SOCKET_ERROR", "ERR_SOCKET_ERROR", "ERR_SOCKET_ERROR", "ERR_SOCKET_ERROR", "ERR_RECONNECT_EXHAUSTED"]);
    expect(server.state().refused).toBeGreaterThanOrEqual(4);
  }, 60_000);
});
