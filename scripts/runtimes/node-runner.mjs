// Runs the scenarios in this process (Node or Bun) against the built package, with the WebSocket
// client named by the CLIENT variable, and prints the results as one JSON line prefixed "RESULTS ".
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const { PACKAGE_DIR, SERVER_URL, WS_URL, CLIENT = "global", ONLY, DROP_END_WAIT_MS } = process.env;
if (!PACKAGE_DIR || !SERVER_URL || !WS_URL) {
  process.stderr.write("node-runner: PACKAGE_DIR, SERVER_URL and WS_URL are required\n");
  process.exit(2);
}

const uncaught = [];
process.on("uncaughtException", (error) => uncaught.push(`uncaught exception: ${error?.stack ?? error}`));
process.on("unhandledRejection", (error) => uncaught.push(`unhandled rejection: ${error?.stack ?? error}`));

async function clientClass() {
  if (CLIENT === "ws") return (await import("ws")).WebSocket;
  if (CLIENT === "undici") return (await import("undici")).WebSocket;
  if (typeof globalThis.WebSocket !== "function") throw new Error("this runtime has no global WebSocket");
  return globalThis.WebSocket;
}

const entryPath = join(PACKAGE_DIR, "dist/index.js");
const { SocketStore, isSocketStoreError } = await import(pathToFileURL(entryPath).href);
const { runScenarios } = await import(new URL("../../test/runtimes/scenarios.mjs", import.meta.url).href);
const results = await runScenarios({
  SocketStore,
  isSocketStoreError,
  WebSocket: await clientClass(),
  serverUrl: SERVER_URL,
  wsUrl: WS_URL,
  // Stack frames name the module by URL (V8) or by path (Bun): the path matches both.
  packageUrlPart: entryPath,
  only: ONLY ? ONLY.split(",") : undefined,
  dropEndWaitMs: DROP_END_WAIT_MS ? Number(DROP_END_WAIT_MS) : undefined,
});
const runtime = typeof Bun !== "undefined" ? `Bun ${Bun.version}` : `Node ${process.version}`;
process.stdout.write(`RESULTS ${JSON.stringify({ runtime, results, uncaught })}\n`);
// Sockets the store no longer observes (e.g. a dropped one still in its closing handshake) must not keep the run alive.
process.exit(0);
