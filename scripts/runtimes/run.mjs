// Runs the runtime scenarios (test/runtimes/scenarios.mjs) against the built package on every
// runtime it claims, each with its own WebSocket client, against the fault server on 127.0.0.1 run
// here. Prints a table runtime × scenario and what the runtimes' sockets did underneath, and exits
// 1 if anything failed. With --write (a full run only) it also writes the table into README.md
// and both into docs/runtimes.md; it never writes otherwise.
//
//   node scripts/runtimes/run.mjs [--package-dir DIR] [--runtimes id,id] [--scenarios a,b] [--write]
//
// The package directory must hold dist/index.js (built) and resolve `xstate` from its node_modules.
// Node 22/24 and Bun come from the npm registry as packages with their binaries inside, installed
// once into ${XDG_CACHE_HOME:-~/.cache}/socket-store-runtimes; the browsers are Debian's.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BROWSERS, browserVersion, hasBrowser, installHint, launchBrowser } from "../../test/support/browsers.mjs";
import { ENDED_BY, SCENARIOS } from "../../test/runtimes/scenarios.mjs";
import { pinnedBinary } from "./pinned-runtimes.mjs";
import { projectRoot, startScenarioServer } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** A runtime that has not reported after this long is stopped and counted as failed. */
const RUNTIME_TIMEOUT_MS = 180_000;

function parseArgs(argv) {
  const args = { packageDir: process.env.SOCKET_STORE_PACKAGE_DIR || projectRoot, runtimes: null, scenarios: null, write: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--package-dir") args.packageDir = resolve(argv[++i]);
    else if (arg === "--runtimes") args.runtimes = argv[++i].split(",");
    else if (arg === "--scenarios") args.scenarios = argv[++i];
    else if (arg === "--write") args.write = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return args;
}

function versionOf(binary, args) {
  const run = spawnSync(binary, args, { encoding: "utf8" });
  return run.status === 0 ? run.stdout.trim() : "?";
}

const packageVersion = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;

/** Spawns the Node/Bun runner and collects its RESULTS line. */
function runProcess(binary, client, server, options) {
  return new Promise((resolveRun) => {
    const child = spawn(binary, [join(here, "node-runner.mjs")], {
      cwd: projectRoot,
      env: {
        ...process.env,
        PACKAGE_DIR: options.packageDir,
        SERVER_URL: server.baseUrl,
        WS_URL: server.wsUrl,
        CLIENT: client,
        ONLY: options.scenarios ?? "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), RUNTIME_TIMEOUT_MS);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((text) => text.startsWith("RESULTS "));
      if (line) return resolveRun({ ...JSON.parse(line.slice("RESULTS ".length)), stderr });
      resolveRun({ results: [], uncaught: [`runner exited with ${signal ?? code} without results: ${(stderr || stdout).trim().split("\n").slice(-5).join(" | ")}`] });
    });
  });
}

/** Opens the scenario page in a browser and collects window.__results and the browser's console lines. */
async function runBrowser(kind, server, options) {
  const consoleLines = [];
  const params = new URLSearchParams();
  if (options.scenarios) params.set("only", options.scenarios);
  if (process.env.DROP_END_WAIT_MS) params.set("dropEndWaitMs", process.env.DROP_END_WAIT_MS);
  const query = params.size > 0 ? `?${params}` : "";
  let browser;
  try {
    browser = await launchBrowser(kind);
    const page = await browser.newPage();
    page.on("console", (message) => consoleLines.push(message.text()));
    page.on("pageerror", (error) => consoleLines.push(error.message));
    await page.goto(`${server.baseUrl}/page.html${query}`);
    await page.waitForFunction(() => window.__results, { timeout: RUNTIME_TIMEOUT_MS, polling: 100 });
    return { ...(await page.evaluate(() => window.__results)), version: await browserVersion(browser), consoleLines };
  } catch (error) {
    return { results: [], uncaught: [`${kind} run failed: ${error?.message ?? error}`], consoleLines };
  } finally {
    await browser?.close().catch(() => {});
  }
}

function runtimeList() {
  const hostMajor = Number(process.versions.node.split(".")[0]);
  if (hostMajor !== 20) process.stderr.write(`runtimes: note: the host runs Node ${process.version}; the "Node 20" rows use it\n`);
  return [
    { id: "node20-ws", label: `Node ${process.versions.node}`, client: `ws ${packageVersion("ws")}`, run: (s, o) => runProcess(process.execPath, "ws", s, o) },
    { id: "node20-undici", label: `Node ${process.versions.node}`, client: `undici ${packageVersion("undici")} (npm)`, run: (s, o) => runProcess(process.execPath, "undici", s, o) },
    { id: "node22", label: "Node", client: "global WebSocket", binary: () => pinnedBinary("node22") },
    { id: "node24", label: "Node", client: "global WebSocket", binary: () => pinnedBinary("node24") },
    { id: "bun", label: "Bun", client: "global WebSocket", binary: () => pinnedBinary("bun") },
    { id: "chromium", label: "Chromium", client: "page WebSocket", browser: "chromium" },
    { id: "firefox", label: "Firefox ESR", client: "page WebSocket", browser: "firefox" },
  ];
}

function prepare(runtime) {
  if (runtime.run) return;
  if (runtime.browser) {
    runtime.run = (server, options) => runBrowser(runtime.browser, server, options);
    return;
  }
  const binary = runtime.binary();
  if (runtime.id === "bun") {
    runtime.label = `Bun ${versionOf(binary, ["--version"])}`;
  } else {
    const [version, undici] = versionOf(binary, ["-p", "process.version + ' ' + process.versions.undici"]).split(" ");
    runtime.label = `Node ${version.replace(/^v/, "")}`;
    runtime.client = `global WebSocket (undici ${undici})`;
  }
  runtime.run = (server, options) => runProcess(binary, "global", server, options);
}

/** A row's result for scenario `id`, if the runtime reported one. */
function resultOf(row, id) {
  return row.results.find((entry) => entry.id === id);
}

function table(rows, scenarioIds) {
  const header = `| Runtime | WebSocket client | ${scenarioIds.join(" | ")} |`;
  const rule = `|---|---|${scenarioIds.map(() => ":-:").join("|")}|`;
  const lines = rows.map((row) => {
    const cells = scenarioIds.map((id) => {
      const result = resultOf(row, id);
      if (!result) return "✗ (no result)";
      return result.ok ? "✓" : "✗";
    });
    return `| ${row.label} | ${row.client} | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...lines].join("\n");
}

/** `["runtime close", "runtime close", "runtime close"]` → `runtime close ×3`. */
function countedRules(rules) {
  const counts = new Map();
  for (const rule of rules) counts.set(rule, (counts.get(rule) ?? 0) + 1);
  return [...counts].map(([rule, count]) => `${rule} ×${count}`).join(", ");
}

/** Who ended each attempt of the two outages whose attempts fail: scenario d (refused) and i (never answered). */
function boundedTime(rows) {
  const lines = [
    "| Runtime | refused upgrade (d): what ended each attempt | (d): readyState at the `error` | (d): refused server → `error` (bound) | (d): each attempt | upgrade never answered (i): what ended each attempt | (i): each attempt |",
    "|---|---|:-:|---|---|---|---|",
  ];
  for (const row of rows) {
    const d = resultOf(row, "d");
    const i = resultOf(row, "i");
    const dEnded = d?.details?.endedBy ? countedRules(d.details.endedBy) : "–";
    const readyStates = d?.details?.readyStateAtError ? d.details.readyStateAtError.join(", ") : "–";
    const toError = d?.details?.msToError === undefined ? "–" : `${d.details.msToError} ms (${d.details.boundMs} ms)`;
    const dAttempts = d?.details?.msPerAttempt ? d.details.msPerAttempt.map((ms) => `${ms} ms`).join(", ") : "–";
    const iEnded = i?.ok ? `${ENDED_BY.connectTimeout} ×${i.details.msPerAttempt.length}` : "–";
    const iAttempts = i?.details?.msPerAttempt ? i.details.msPerAttempt.map((ms) => `${ms} ms`).join(", ") : "–";
    lines.push(`| ${row.label} · ${row.client} | ${dEnded} | ${readyStates} | ${toError} | ${dAttempts} | ${iEnded} | ${iAttempts} |`);
  }
  return lines.join("\n");
}

function observations(rows) {
  const lines = [
    "| Runtime | refused upgrade (d): upgrade requests per socket; ERR_SOCKET_ERROR reported; close codes | upgrade never answered (i): abandoned handshakes whose TCP the client ended | drop() (f): how the server saw the dropped connection end | browser console lines naming the socket URL |",
    "|---|---|:-:|---|:-:|",
  ];
  for (const row of rows) {
    const d = resultOf(row, "d")?.details ?? {};
    const f = resultOf(row, "f")?.details ?? {};
    const i = resultOf(row, "i")?.details ?? {};
    const sockets = (d.endedBy?.length ?? 0) + 1;
    const refused = d.requestsPerRefusedSocket === undefined ? "–" : `${d.requestsPerRefusedSocket}; ${d.socketErrors} over ${sockets} sockets (1 terminated, ${sockets - 1} refused); ${(d.refusedCloses ?? []).join(", ")}`;
    const hung = i.hungEnded === undefined ? "–" : `${i.hungEnded}${i.hungEnded.split("/")[0] === i.hungEnded.split("/")[1] ? "" : ` within ${(i.dropEndWaitMs ?? 0) / 1000} s`}`;
    const drop = f.dropEndedBy === undefined ? "–" : f.dropEndedBy === "TCP end" ? `TCP end after ${f.tcpEndMs} ms (terminate())` : `close frame at once; TCP ${f.tcpEndMs === null ? `still open ${(f.dropEndWaitMs ?? 0) / 1000} s later (closing handshake pending)` : `ended after ${f.tcpEndMs} ms`}`;
    const urlLines = row.consoleLines ? String(row.consoleLines.filter((line) => line.includes("secret-token")).length) : "–";
    lines.push(`| ${row.label} · ${row.client} | ${refused} | ${hung} | ${drop} | ${urlLines} |`);
  }
  return lines.join("\n");
}

const BEGIN = "<!-- runtimes:begin (generated by scripts/runtimes/run.mjs) -->";
const END = "<!-- runtimes:end -->";

/** Replaces what stands between the markers of a file of the project. */
function writeBetweenMarkers(file, generated) {
  const path = join(projectRoot, file);
  const current = readFileSync(path, "utf8");
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (start === -1 || end === -1 || end < start) throw new Error(`${path} lacks the markers ${BEGIN} … ${END}`);
  writeFileSync(path, `${current.slice(0, start + BEGIN.length)}\n${generated}\n${current.slice(end)}`);
  return path;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.write && (options.runtimes || options.scenarios)) {
    process.stderr.write("runtimes: --write needs a full run (no --runtimes, no --scenarios)\n");
    process.exit(2);
  }
  const entry = join(options.packageDir, "dist/index.js");
  if (!existsSync(entry)) {
    process.stderr.write(`runtimes: ${entry} is missing: build the package first (npx tsup)\n`);
    process.exit(1);
  }
  let xstateDistDir;
  try {
    xstateDistDir = join(dirname(createRequire(join(options.packageDir, "package.json")).resolve("xstate/package.json")), "dist");
  } catch {
    process.stderr.write(`runtimes: xstate cannot be resolved from ${options.packageDir}\n`);
    process.exit(1);
  }
  let runtimes = runtimeList();
  if (options.runtimes) runtimes = runtimes.filter((runtime) => options.runtimes.includes(runtime.id));
  const missing = [...new Set(runtimes.filter((runtime) => runtime.browser && !hasBrowser(runtime.browser)).map((runtime) => runtime.browser))];
  if (missing.length > 0) {
    process.stderr.write(`runtimes: ${missing.map((kind) => BROWSERS[kind].executablePath).join(" and ")} missing. Install Debian's browsers: ${installHint(missing)}\n`);
    process.exit(1);
  }
  for (const runtime of runtimes) prepare(runtime);

  const scenarioIds = options.scenarios ? options.scenarios.split(",") : SCENARIOS.map((scenario) => scenario.id);
  const unknown = scenarioIds.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id));
  if (unknown.length > 0) {
    process.stderr.write(`runtimes: no scenario ${unknown.join(", ")} (there are ${SCENARIOS.map((scenario) => scenario.id).join(", ")})\n`);
    process.exit(2);
  }
  const rows = [];
  for (const runtime of runtimes) {
    const started = Date.now();
    const server = await startScenarioServer({ packageDir: options.packageDir, xstateDistDir });
    let outcome;
    try {
      outcome = await runtime.run(server, options);
    } finally {
      await server.close();
    }
    if (outcome.version) runtime.label = outcome.version;
    const row = { id: runtime.id, label: runtime.label, client: runtime.client, results: outcome.results ?? [], uncaught: outcome.uncaught ?? [], consoleLines: outcome.consoleLines };
    rows.push(row);
    const passed = scenarioIds.filter((id) => resultOf(row, id)?.ok).length;
    process.stdout.write(`${row.label} · ${row.client}: ${passed}/${scenarioIds.length} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    for (const result of row.results.filter((entry) => !entry.ok)) process.stdout.write(`  ✗ ${result.id} ${result.name}\n${result.failures.map((line) => `      ${line}`).join("\n")}\n`);
    for (const line of row.uncaught) process.stdout.write(`  ✗ ${line}\n`);
  }

  let passed = 0;
  let failed = 0;
  for (const row of rows) {
    for (const id of scenarioIds) {
      if (resultOf(row, id)?.ok) passed += 1;
      else failed += 1;
    }
    failed += row.uncaught.length;
  }
  const date = new Date().toISOString().slice(0, 10);
  const legend = SCENARIOS.filter((scenario) => scenarioIds.includes(scenario.id)).map((scenario) => `${scenario.id}: ${scenario.label}`).join(" · ");
  const summary = [
    `Run on ${date}, Linux x64, against a \`ws\` ${packageVersion("ws")} server on 127.0.0.1 run by Node ${process.versions.node}; package built from this checkout (\`dist/index.js\`, xstate ${JSON.parse(readFileSync(join(xstateDistDir, "../package.json"), "utf8")).version}).`,
    "",
    table(rows, scenarioIds),
    "",
    legend,
    "",
    `**${passed} passed, ${failed} failed.**`,
  ].join("\n");
  const details = [
    "What ended each failed attempt, and how long the outages took, in the same run:",
    "",
    boundedTime(rows),
    "",
    "What the runtimes' sockets did underneath:",
    "",
    observations(rows),
  ].join("\n");
  process.stdout.write(`\n${summary}\n\n${details}\n\n`);
  if (options.write) {
    process.stdout.write(`written to ${writeBetweenMarkers("README.md", summary)}\n`);
    process.stdout.write(`written to ${writeBetweenMarkers("docs/runtimes.md", `${summary}\n\n${details}`)}\n`);
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error) => {
  process.stderr.write(`runtimes: ${error?.stack ?? error}\n`);
  process.exit(1);
});
