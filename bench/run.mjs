// `npm run bench`: socket-store side by side with a raw baseline and its peers. Every
// measurement runs in its own `node --expose-gc` process; the processes of one measurement are
// started round-robin across subjects, so a change of load on a shared machine reaches every row
// alike. This script summarises them, prints the report and writes it into docs/performance.md.

import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { build } from "esbuild";
import { machine, summarize, writeGenerated } from "./report.mjs";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const PEERS = {
  "reconnecting-websocket": "reconnecting-websocket 4.4.0",
  partysocket: "partysocket 1.3.0",
  sockette: "sockette 2.0.6",
  "websocket-ts": "websocket-ts 2.3.0",
};
const LABELS = {
  raw: "raw (no library)",
  "raw-topic": "raw + hand-written topic map",
  "socket-store": "socket-store",
  "socket-store-route": "socket-store `onMessage` + `route` + topic subscriber",
  "socket-store-no-connect-timeout": "socket-store, `connectTimeoutMs: false`",
  "socket-store-no-reconnect": "socket-store, reconnect off",
  "xstate-actor": "bare XState actor of `connectionMachine`",
  ...PEERS,
};
const THROUGHPUT_PROCESSES = 3;
const RUNS_PER_PROCESS = 5;
const MEMORY_PROCESSES = 7;
const SCALE_PROCESSES = 7;
const GOALS = { messageRatio: 1.05, sendRatio: 1.5, ownGzipBytes: 2_500, bytesAboveActor: 1_024, delayExcessMs: 2 };

/** Runs a bench script in its own process and parses the last line it prints. */
function runChild(script, args) {
  return new Promise((resolve, reject) => {
    const options = { cwd: path.join(benchDir, ".."), timeout: 180_000, maxBuffer: 64 * 1024 * 1024 };
    execFile(process.execPath, ["--expose-gc", path.join(benchDir, script), ...args], options, (error, stdout, stderr) => {
      if (error) reject(new Error(`${script} ${args.join(" ")}: ${stderr.trim().split("\n").slice(-3).join(" | ") || error.message}`));
      else resolve(JSON.parse(stdout.trim().split("\n").at(-1)));
    });
  });
}

/** `processes` rounds of one process per subject; a subject that fails once is left out of later rounds. */
async function roundRobin(names, processes, script, argsOf) {
  const results = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < processes; round++) {
    for (const name of names) {
      if (results[name].error) continue;
      try {
        results[name].push(await runChild(script, argsOf(name)));
      } catch (error) {
        results[name] = { error: error.message };
        process.stderr.write(`bench: failed: ${error.message}\n`);
      }
    }
  }
  return results;
}

const fixed = (value, digits) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const bytes = (value) => `${Math.round(value).toLocaleString("en-US")} B`;
const signed = (text, value) => (value > 0 ? `+${text}` : text);
const spread = (summary, format) => `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`;
const table = (header, rows) => [`| ${header.join(" | ")} |`, `|${"---|".repeat(header.length)}`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
const failedRow = (label, error, columns) => [label, `failed: ${error}`, ...new Array(columns - 2).fill("")];

/** Message or send timing: each process times its subject and its baseline alternately (throughput.mjs). */
async function throughput(kind, names, goals, goal) {
  const results = await roundRobin(names, THROUGHPUT_PROCESSES, "throughput.mjs", (name) => [kind, name, String(RUNS_PER_PROCESS)]);
  const rows = names.map((name) => {
    const label = LABELS[name];
    if (results[name].error) return failedRow(label, results[name].error, 4);
    const processes = results[name];
    const samples = summarize(processes.flatMap((run) => run.samples));
    const { baseline } = processes[0];
    if (!baseline) return [label, spread(samples, (v) => fixed(v, 1)), "baseline", "—"];
    const pairs = processes.flatMap((run) => run.baselineSamples.map((base, i) => [run.samples[i] / base, run.samples[i] - base]));
    const ratio = summarize(pairs.map(([r]) => r));
    const overhead = summarize(pairs.map(([, difference]) => difference)).median;
    if (name === "socket-store") {
      goals.push([goal, `${fixed(ratio.median, 2)}× (${signed(fixed(overhead, 1), overhead)} ns)`, ratio.median <= GOALS[`${kind}Ratio`]]);
    }
    return [
      label,
      spread(samples, (v) => fixed(v, 1)),
      `${fixed(ratio.median, 2)}× ${baseline === "raw" ? "raw" : LABELS[baseline]} (${fixed(ratio.min, 2)}–${fixed(ratio.max, 2)})`,
      `${signed(fixed(overhead, 1), overhead)} ns`,
    ];
  });
  const runs = THROUGHPUT_PROCESSES * RUNS_PER_PROCESS;
  return table([`subject`, `ns per ${kind}, median (min–max) of ${runs} runs`, "× baseline, median (min–max) of the pairs", "overhead, median"], rows);
}

async function memory(goals) {
  const names = ["raw", "xstate-actor", "socket-store", "socket-store-no-connect-timeout", "socket-store-no-reconnect", ...Object.keys(PEERS)];
  const results = await roundRobin(names, MEMORY_PROCESSES, "memory.mjs", (name) => [name]);
  const median = (name) => (results[name].error ? Number.NaN : summarize(results[name].map((run) => run.bytesPerInstance)).median);
  const rows = names.map((name) => {
    if (results[name].error) return failedRow(LABELS[name], results[name].error, 3);
    const summary = summarize(results[name].map((run) => run.bytesPerInstance));
    return [LABELS[name], spread(summary, bytes), name === "raw" ? "—" : bytes(summary.median - median("raw"))];
  });
  const aboveActor = median("socket-store") - median("xstate-actor");
  goals.push(["memory ≤ 1 kB above a bare XState actor", bytes(aboveActor), aboveActor <= GOALS.bytesAboveActor]);
  return [
    table(["subject", `heap per idle instance, socket included: median (min–max) of ${MEMORY_PROCESSES} processes`, "above raw"], rows),
    "",
    `socket-store above a bare actor: **${bytes(aboveActor)}** per instance.`,
    "",
    await memoryBreakdown(),
  ].join("\n");
}

/** Where socket-store's heap goes beyond the bare actor's, by V8 node kind (memory.mjs --heap-snapshot). */
async function memoryBreakdown() {
  const [store, actor] = await Promise.all(["socket-store", "xstate-actor"].map((name) => runChild("memory.mjs", [name, "--heap-snapshot"])));
  const total = (kinds) => Object.values(kinds).reduce((sum, [, size]) => sum + size, 0);
  const rows = [];
  let rest = [0, 0];
  for (const key of new Set([...Object.keys(store), ...Object.keys(actor)])) {
    const [a, b] = [store[key] ?? [0, 0], actor[key] ?? [0, 0]];
    if (Math.abs(a[1] - b[1]) < 8) rest = [rest[0] + a[1], rest[1] + b[1]];
    else rows.push([`\`${key}\``, `${+a[0].toFixed(2)}, ${Math.round(a[1])}`, `${+b[0].toFixed(2)}, ${Math.round(b[1])}`, a[1] - b[1]]);
  }
  rows.sort((x, y) => y[3] - x[3]);
  rows.push(["everything else (each difference < 8 B)", Math.round(rest[0]), Math.round(rest[1]), rest[0] - rest[1]]);
  rows.push(["**total**", Math.round(total(store)), Math.round(total(actor)), total(store) - total(actor)]);
  return table(
    ["V8 node `type:name`, per instance", "socket-store: objects, bytes", "bare actor: objects, bytes", "difference, bytes"],
    rows.map(([key, a, b, difference]) => [key, a, b, Math.round(difference)]),
  );
}

// Bundle size, for the comparison with the peers: an app's entry bundled as a browser app
// would bundle it (esbuild, ESM, minified, tree-shaken, every dependency included). The
// package's own budgets are size-limit's (`npm run size`, .size-limit.cjs).
const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** Bundles `source` (an ES module resolved from the project root) and returns its sizes in bytes. */
async function bundleSize(source) {
  const result = await build({
    stdin: { contents: source, resolveDir: path.join(benchDir, ".."), loader: "js", sourcefile: "bundle-size-entry.js" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    treeShaking: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  const [gzipped, brotlied] = await Promise.all([
    gzip(code, { level: 9 }),
    brotli(code, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: code.byteLength } }),
  ]);
  return { minified: code.byteLength, gzip: gzipped.byteLength, brotli: brotlied.byteLength };
}

/**
 * socket-store's built entry (`import { SocketStore }`), the same xstate functions alone (the
 * names the built dist/index.js imports from xstate), and the difference: what socket-store adds.
 */
async function socketStoreBundleSize() {
  const built = await readFile(path.join(benchDir, "..", "dist", "index.js"), "utf8");
  // One name per function: the build may import one function in two places.
  const xstateImports = [
    ...new Set(
      [...built.matchAll(/import\s*\{([^}]*)\}\s*from\s*"xstate"/g)]
        .flatMap((match) => match[1].split(","))
        .map((name) => name.trim().split(/\s+as\s+/)[0])
        .filter(Boolean),
    ),
  ].sort();
  if (xstateImports.length === 0) throw new Error("dist/index.js imports nothing from xstate: build it first");
  const [total, xstate] = await Promise.all([
    bundleSize('import { SocketStore } from "socket-store";\nconsole.log(SocketStore);\n'),
    bundleSize(`import { ${xstateImports.join(", ")} } from "xstate";\nconsole.log(${xstateImports.join(", ")});\n`),
  ]);
  const own = { minified: total.minified - xstate.minified, gzip: total.gzip - xstate.gzip, brotli: total.brotli - xstate.brotli };
  return { xstateImports, total, xstate, own };
}

/** How each peer is imported for the size comparison (its documented entry point). */
const peerEntries = {
  "reconnecting-websocket": 'import ReconnectingWebSocket from "reconnecting-websocket";\nconsole.log(ReconnectingWebSocket);\n',
  partysocket: 'import PartySocket from "partysocket";\nconsole.log(PartySocket);\n',
  sockette: 'import sockette from "sockette";\nconsole.log(sockette);\n',
  "websocket-ts": 'import { WebsocketBuilder, ConstantBackoff } from "websocket-ts";\nconsole.log(WebsocketBuilder, ConstantBackoff);\n',
};

async function bundleSection(goals) {
  const row = (label, entry, size) => [label, entry, bytes(size.minified), bytes(size.gzip), bytes(size.brotli)];
  const store = await socketStoreBundleSize();
  const rows = [
    row("socket-store, total", "`import { SocketStore }`", store.total),
    row("xstate alone", `\`import { ${store.xstateImports.join(", ")} } from "xstate"\``, store.xstate),
    row("**socket-store own code** (total − xstate)", "", store.own),
  ];
  goals.push(["own code ≤ 2.5 kB gzip on top of xstate", bytes(store.own.gzip), store.own.gzip <= GOALS.ownGzipBytes]);
  for (const [name, label] of Object.entries(PEERS)) {
    rows.push(row(label, `\`${peerEntries[name].split("\n")[0].replace(/;$/, "")}\``, await bundleSize(peerEntries[name])));
  }
  return table(["bundle", "entry", "minified", "gzip -9", "brotli 11"], rows);
}

async function reconnectDelay(goals) {
  const names = ["raw", "socket-store", ...Object.keys(PEERS)];
  const results = await roundRobin(names, 1, "real-server.mjs", (name) => ["delay", name]);
  const excessOf = (name) => summarize(results[name][0].samples).median - results[name][0].delayMs;
  const rows = names.map((name) => {
    if (results[name].error) return failedRow(LABELS[name], results[name].error, 6);
    const [{ note, samples, delayMs }] = results[name];
    const summary = summarize(samples);
    const excess = excessOf(name);
    if (name === "socket-store") {
      const raw = results.raw.error ? "" : `; raw in the same run ${signed(fixed(excessOf("raw"), 2), excessOf("raw"))} ms`;
      goals.push(["reconnect delay median within +2 ms of configured", `${signed(fixed(excess, 2), excess)} ms${raw}`, excess <= GOALS.delayExcessMs]);
    }
    return [LABELS[name], note, summary.count, `${fixed(summary.median, 2)} ms`, `${fixed(summary.min, 2)}–${fixed(summary.max, 2)} ms`, `${signed(fixed(excess, 2), excess)} ms`];
  });
  return table(["subject", "configured as", "drops", "close → open median", "min–max", "median − delay"], rows);
}

async function scale(goals) {
  const names = ["raw", "socket-store"];
  const results = await roundRobin(names, SCALE_PROCESSES, "real-server.mjs", (name) => ["scale", name]);
  const rows = names.map((name) => {
    const runs = results[name];
    if (runs.error) return failedRow(LABELS[name], runs.error, 7);
    const worst = (key) => Math.max(...runs.map((run) => run.left[key]));
    const of = (key, unit) => summarize(runs.map((run) => run[key] / unit));
    const leftovers = ["listeners", "closeWrappers", "pendingTimers", "activeTimeouts", "openSockets", "tcpHandles"].map(worst);
    if (name === "socket-store") {
      const sum = leftovers.reduce((a, b) => a + b, 0);
      goals.push(["nothing left after dispose (1,000 stores × 10 drops)", `${sum} leftovers`, sum === 0]);
    }
    return [
      LABELS[name],
      runs[0].note,
      Math.max(...runs.map((run) => run.socketsCreated)).toLocaleString("en-US"),
      spread(of("reconnectMs", 1000), (v) => `${fixed(v, 2)} s`),
      spread(of("peakHeapBytes", 2 ** 20), (v) => `${fixed(v, 1)} MiB`),
      spread(of("retainedHeapBytes", 2 ** 20), (v) => `${fixed(v, 1)} MiB`),
      leftovers.join(" / "),
    ];
  });
  return table(
    [
      "subject",
      "configured as",
      "sockets created",
      `time until all reopened, 10 rounds: median (min–max) of ${SCALE_PROCESSES} processes`,
      "peak heap",
      "heap after `gc()`, all open",
      "left after stop, worst run: listeners / `close` wrappers / pending timers / active timeouts / open sockets / TCP handles",
    ],
    rows,
  );
}

const started = performance.now();
const goals = [];
const sections = [];
for (const [title, measure] of [
  ["Message path", (g) => throughput("message", ["raw", "raw-topic", "socket-store", "socket-store-route", ...Object.keys(PEERS)], g, "message path ≤ 1.05× raw")],
  ["`send()` on an open socket", (g) => throughput("send", ["raw", "socket-store", ...Object.keys(PEERS)], g, "`send()` ≤ 1.5× raw")],
  ["Memory per idle instance", memory],
  ["Bundle size", bundleSection],
  ["Reconnect delay accuracy", reconnectDelay],
  ["Scale: 1,000 connections × 10 drops", scale],
]) {
  process.stderr.write(`bench: ${title}\n`);
  try {
    sections.push(`### ${title}`, "", await measure(goals), "");
  } catch (error) {
    sections.push(`### ${title}`, "", `failed: ${error.message}`, "");
  }
}
const report = [
  `Measured on ${machine()}; \`npm run bench\` took ${fixed((performance.now() - started) / 1000, 0)} s.`,
  "",
  table(["goal", "measured", ""], goals.map(([goal, measured, met]) => [goal, measured, met ? "met" : "**missed**"])),
  "",
  ...sections,
].join("\n");
process.stdout.write(`${report}\n`);
await writeGenerated("bench", report);
process.stderr.write("bench: wrote docs/performance.md\n");
