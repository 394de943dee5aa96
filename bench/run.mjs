// `npm run bench`: socket-store side by side with a raw baseline and its peers.
// Each measurement runs in its own `node --expose-gc` process; this script only
// schedules them, summarises, prints a markdown report and writes bench/results.md.

import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { build } from "esbuild";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const PEERS = ["reconnecting-websocket", "partysocket", "sockette", "websocket-ts"];
const PEER_LABELS = {
  "reconnecting-websocket": "reconnecting-websocket 4.4.0",
  partysocket: "partysocket 1.3.0",
  sockette: "sockette 2.0.6",
  "websocket-ts": "websocket-ts 2.3.0",
};

// Throughput: several processes per subject, started round-robin across subjects,
// so a change of load on a shared machine reaches every row alike.
const THROUGHPUT_PROCESSES = 3;
const RUNS_PER_PROCESS = 5;
const PAIRED_METHOD =
  "Each subject process also runs its baseline (raw, or raw + topic map for the route row) alternately " +
  "with it, each in its own compiled loop; the ratio and overhead columns are medians over those adjacent " +
  "pairs, which keeps load from other processes out of the comparison. The baseline rows come from their own processes.";
const MEMORY_RUNS = 7;
const SCALE_RUNS = 7;
const CHILD_TIMEOUT_MS = 180_000;

const GOALS = {
  messageRatio: 1.05,
  sendRatio: 1.5,
  ownGzipBytes: 2_500,
  bytesAboveActor: 1_024,
  delayExcessMs: 2,
};

/** Runs a bench script in its own process; resolves to its last stdout line as JSON, or all of stdout as text. */
function runChild(script, args, { text = false } = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--expose-gc", path.join(benchDir, script), ...args],
      { cwd: path.join(benchDir, ".."), timeout: CHILD_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.trim().split("\n").filter(Boolean).slice(-4).join(" | ") || error.message;
          reject(new Error(`${script} ${args.join(" ")}: ${detail}`));
          return;
        }
        resolve(text ? stdout.trim() : JSON.parse(stdout.trim().split("\n").at(-1)));
      },
    );
  });
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
  const xstateImports = [...built.matchAll(/import\s*\{([^}]*)\}\s*from\s*"xstate"/g)]
    .flatMap((match) => match[1].split(","))
    .map((name) => name.trim().split(/\s+as\s+/)[0])
    .filter(Boolean)
    .sort();
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

function progress(message) {
  process.stderr.write(`bench: ${message}\n`);
}

function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), count: sorted.length };
}

const fixed = (value, digits) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const bytes = (value) => Math.round(value).toLocaleString("en-US");
const signed = (text, value) => (value > 0 ? `+${text}` : text);
const spread = (summary, format) => `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`;
const verdict = (met) => (met ? "met" : "**missed**");

/** Runs `measure` for every subject, recording failures instead of stopping the whole run. */
async function collect(names, measure) {
  const results = {};
  for (const name of names) {
    try {
      results[name] = await measure(name);
    } catch (error) {
      results[name] = { error: error.message };
      progress(`failed: ${error.message}`);
    }
  }
  return results;
}

async function measureThroughput(kind, names) {
  const runs = Object.fromEntries(names.map((name) => [name, { samples: [], ratios: [], differences: [], baseline: null }]));
  const errors = {};
  for (let round = 0; round < THROUGHPUT_PROCESSES; round++) {
    for (const name of names) {
      if (errors[name]) continue;
      try {
        const result = await runChild("throughput.mjs", [kind, name, String(RUNS_PER_PROCESS)]);
        const collected = runs[name];
        collected.samples.push(...result.samples);
        collected.baseline = result.baseline;
        result.baselineSamples.forEach((baselineSample, index) => {
          collected.ratios.push(result.samples[index] / baselineSample);
          collected.differences.push(result.samples[index] - baselineSample);
        });
        if (result.topicCalls && result.topicCalls !== result.operations) {
          errors[name] = `topic subscriber ran ${result.topicCalls} times for ${result.operations} messages`;
        }
      } catch (error) {
        errors[name] = error.message;
        progress(`failed: ${error.message}`);
      }
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      if (errors[name]) return [name, { error: errors[name] }];
      const { samples, ratios, differences, baseline } = runs[name];
      return [
        name,
        {
          ...summarize(samples),
          baseline,
          ratio: baseline ? summarize(ratios) : null,
          difference: baseline ? summarize(differences) : null,
        },
      ];
    }),
  );
}

const SUBJECT_LABELS = {
  raw: "raw `addEventListener`",
  "raw-topic": "raw + hand-written topic map",
  "socket-store": "socket-store",
  "socket-store-route": "socket-store `onMessage` + `route` + topic subscriber",
  "socket-store-no-reconnect": "socket-store, reconnect off",
  "xstate-actor": "bare XState actor of `connectionMachine`",
  ...PEER_LABELS,
};

function throughputTable(unit, results, labels = {}) {
  const rows = [
    `| subject | ${unit} median (min–max) | × baseline, paired median (min–max) | overhead vs baseline, paired median |`,
    "|---|---|---|---|",
  ];
  for (const [name, summary] of Object.entries(results)) {
    const label = labels[name] ?? SUBJECT_LABELS[name];
    if (summary.error) {
      rows.push(`| ${label} | failed: ${summary.error} | | |`);
      continue;
    }
    if (!summary.baseline) {
      rows.push(`| ${label} | ${spread(summary, (v) => fixed(v, 1))} | baseline | — |`);
      continue;
    }
    const against = summary.baseline === "raw" ? "raw" : SUBJECT_LABELS[summary.baseline];
    const { ratio, difference } = summary;
    rows.push(
      `| ${label} | ${spread(summary, (v) => fixed(v, 1))} | ${fixed(ratio.median, 2)}× ${against} ` +
        `(${fixed(ratio.min, 2)}–${fixed(ratio.max, 2)}) | ` +
        `${signed(fixed(difference.median, 1), difference.median)} ns |`,
    );
  }
  return rows.join("\n");
}

/** Adds the goal row of a throughput measurement (ratio to its baseline); a failed one adds none. */
function pushRatioGoal(goals, label, result, limit) {
  if (result.error) return;
  const { ratio, difference } = result;
  goals.push([
    label,
    `${fixed(ratio.median, 2)}× (${signed(fixed(difference.median, 1), difference.median)} ns)`,
    ratio.median <= limit,
  ]);
}

async function main() {
  const started = performance.now();
  const date = new Date();
  const sections = [];
  const goals = [];

  progress("message path");
  const messageSubjects = ["raw", "raw-topic", "socket-store", "socket-store-route", ...PEERS];
  const message = await measureThroughput("message", messageSubjects);
  sections.push(
    "## 1. Message path",
    "",
    `200,000 \`message\` events dispatched on an EventTarget-based fake socket (events built before timing, ` +
      `consecutive ones carry different data); time until the user's callback ran 200,000 times. ` +
      `ns per message, median (min–max) of ${THROUGHPUT_PROCESSES * RUNS_PER_PROCESS} runs in ${THROUGHPUT_PROCESSES} ` +
      `processes per subject, after 6 warm-up runs. ${PAIRED_METHOD} Peers create their socket from the same fake ` +
      `class; partysocket re-dispatches a clone of every event (its design), sockette sets \`onmessage\`.`,
    "",
    throughputTable("ns/message", message, { "socket-store": "socket-store `onMessage`" }),
  );
  pushRatioGoal(goals, "message path ≤ 1.05× raw", message["socket-store"], GOALS.messageRatio);

  progress("send()");
  const send = await measureThroughput("send", ["raw", "socket-store", ...PEERS]);
  sections.push(
    "",
    "## 2. `send()` on an open socket",
    "",
    `200,000 \`send()\` calls; the fake socket's \`send\` only counts, so the raw row is little more than a ` +
      `counter increment and the ratio magnifies nanoseconds. ns per send, median (min–max) of ` +
      `${THROUGHPUT_PROCESSES * RUNS_PER_PROCESS} runs in ${THROUGHPUT_PROCESSES} processes per subject. ${PAIRED_METHOD}`,
    "",
    throughputTable("ns/send", send, { raw: "raw `socket.send`", "socket-store": "socket-store `send`" }),
  );
  pushRatioGoal(goals, "send ≤ 1.5× raw", send["socket-store"], GOALS.sendRatio);

  progress("memory");
  const memorySubjects = ["raw", "xstate-actor", "socket-store", "socket-store-no-reconnect", ...PEERS];
  const memoryRuns = Object.fromEntries(memorySubjects.map((name) => [name, []]));
  const memoryErrors = {};
  for (let run = 0; run < MEMORY_RUNS; run++) {
    for (const name of memorySubjects) {
      if (memoryErrors[name]) continue;
      try {
        memoryRuns[name].push((await runChild("memory.mjs", [name])).bytesPerInstance);
      } catch (error) {
        memoryErrors[name] = error.message;
        progress(`failed: ${error.message}`);
      }
    }
  }
  const memory = Object.fromEntries(
    memorySubjects.map((name) => [name, memoryErrors[name] ? { error: memoryErrors[name] } : summarize(memoryRuns[name])]),
  );
  const memoryRows = ["| subject | heap per instance, socket included: median (min–max) | above raw |", "|---|---|---|"];
  for (const name of memorySubjects) {
    const summary = memory[name];
    if (summary.error) {
      memoryRows.push(`| ${SUBJECT_LABELS[name]} | failed: ${summary.error} | |`);
      continue;
    }
    const above = memory.raw.error || name === "raw" ? "—" : `${bytes(summary.median - memory.raw.median)} B`;
    memoryRows.push(`| ${SUBJECT_LABELS[name]} | ${spread(summary, (v) => `${bytes(v)} B`)} | ${above} |`);
  }
  sections.push(
    "",
    "## 3. Memory per idle instance",
    "",
    `10,000 instances on open fake sockets with one message callback, references kept; heap growth after ` +
      `\`gc()\`, divided by 10,000; median (min–max) of ${MEMORY_RUNS} processes per subject. "raw" is 10,000 bare ` +
      `fake sockets with a listener; "bare XState actor" is \`createActor(connectionMachine, { input }).start()\` ` +
      `(state \`open\`) beside such a socket; socket-store rows use \`reconnect: { enabled: true }\` unless noted.`,
    "",
    memoryRows.join("\n"),
  );
  if (!memory["socket-store"].error && !memory["xstate-actor"].error) {
    const aboveActor = memory["socket-store"].median - memory["xstate-actor"].median;
    sections.push("", `socket-store above a bare actor: **${bytes(aboveActor)} B** per instance.`);
    goals.push(["memory ≤ 1 kB above a bare XState actor", `${bytes(aboveActor)} B`, aboveActor <= GOALS.bytesAboveActor]);
  }
  progress("memory breakdown (heap snapshots)");
  try {
    const breakdown = await runChild("memory-breakdown.mjs", ["socket-store", "xstate-actor"], { text: true });
    sections.push(
      "",
      "Where the difference lies, from one pair of heap snapshots (`bench/memory-breakdown.mjs`): the same idle " +
        "store and bare actor as above, grouped by V8 object kind; only rows that differ are shown.",
      "",
      breakdown.split("\n").slice(1).join("\n"),
    );
  } catch (error) {
    sections.push("", `Memory breakdown failed: ${error.message}`);
  }

  progress("bundle size");
  const sizeRows = ["| bundle | entry | minified | gzip -9 | brotli 11 |", "|---|---|---|---|---|"];
  const sizeRow = (label, entry, size) =>
    `| ${label} | ${entry} | ${bytes(size.minified)} B | ${bytes(size.gzip)} B | ${bytes(size.brotli)} B |`;
  try {
    const store = await socketStoreBundleSize();
    sizeRows.push(
      sizeRow("socket-store, total", "`import { SocketStore }`", store.total),
      sizeRow("xstate alone", `\`import { ${store.xstateImports.join(", ")} } from "xstate"\``, store.xstate),
      sizeRow("**socket-store own code** (total − xstate)", "", store.own),
    );
    goals.push(["own code ≤ 2.5 kB gzip on top of xstate", `${bytes(store.own.gzip)} B`, store.own.gzip <= GOALS.ownGzipBytes]);
  } catch (error) {
    sizeRows.push(`| socket-store | failed: ${error.message} | | | |`);
  }
  for (const name of PEERS) {
    const entry = peerEntries[name].split("\n")[0].replace(/;$/, "");
    try {
      sizeRows.push(sizeRow(PEER_LABELS[name], `\`${entry}\``, await bundleSize(peerEntries[name])));
    } catch (error) {
      sizeRows.push(`| ${PEER_LABELS[name]} | failed: ${error.message} | | | |`);
    }
  }
  sections.push(
    "",
    "## 4. Bundle size",
    "",
    "esbuild, browser ESM, minified, tree-shaken, every dependency bundled; gzip level 9 and brotli quality 11. " +
      "The xstate-only entry imports the xstate functions the built `dist/index.js` imports. " +
      "The package's size budgets are checked by `npm run size` (size-limit, brotli; see docs/packaging.md).",
    "",
    sizeRows.join("\n"),
  );

  progress("reconnect delay (real ws server)");
  const delaySubjects = ["raw", "socket-store", ...PEERS];
  const delay = await collect(delaySubjects, (name) => runChild("reconnect-delay.mjs", [name]));
  const delayRows = [
    "| subject | configured as | drops | close → open median | min–max | median − 100 ms |",
    "|---|---|---|---|---|---|",
  ];
  for (const name of delaySubjects) {
    const result = delay[name];
    const label = name === "raw" ? "raw (no library)" : (PEER_LABELS[name] ?? name);
    if (result.error) {
      delayRows.push(`| ${label} | failed: ${result.error} | | | | |`);
      continue;
    }
    const summary = summarize(result.samples);
    const excess = summary.median - result.configuredDelayMs;
    delayRows.push(
      `| ${label} | ${result.note} | ${summary.count} | ${fixed(summary.median, 2)} ms | ` +
        `${fixed(summary.min, 2)}–${fixed(summary.max, 2)} ms | ${signed(fixed(excess, 2), excess)} ms |`,
    );
    if (name === "socket-store") {
      const raw = delay.raw.error ? undefined : summarize(delay.raw.samples).median - delay.raw.configuredDelayMs;
      goals.push([
        "reconnect delay median within +2 ms of configured",
        `${signed(fixed(excess, 2), excess)} ms (max ${fixed(summary.max - result.configuredDelayMs, 2)} ms` +
          (raw === undefined ? ")" : `; raw in the same run ${signed(fixed(raw, 2), raw)} ms)`),
        excess <= GOALS.delayExcessMs,
      ]);
    }
  }
  sections.push(
    "",
    "## 5. Reconnect delay accuracy",
    "",
    "A `ws` server on 127.0.0.1 terminates the connection 30 times (each time 150 ms after the client opened, so " +
      "every drop starts a fresh outage); each sample is the client's close event → next open event. It includes " +
      "the TCP + WebSocket handshake on loopback, which the raw row shows on its own.",
    "",
    delayRows.join("\n"),
  );

  progress("scale: 1,000 connections × 10 drops");
  const scaleSubjects = ["raw", "socket-store"];
  const scaleRuns = Object.fromEntries(scaleSubjects.map((name) => [name, []]));
  const scaleErrors = {};
  for (let run = 0; run < SCALE_RUNS; run++) {
    for (const name of scaleSubjects) {
      if (scaleErrors[name]) continue;
      try {
        scaleRuns[name].push(await runChild("scale.mjs", [name]));
      } catch (error) {
        scaleErrors[name] = error.message;
        progress(`failed: ${error.message}`);
      }
    }
  }
  const scaleRows = [
    "| subject | configured as | sockets created | wall time | peak heap | heap after `gc()`, all open | listeners left | `close` wrappers left | pending timers | open sockets / TCP handles |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const name of scaleSubjects) {
    const runs = scaleRuns[name];
    const label = name === "raw" ? "raw (no library)" : name;
    if (scaleErrors[name] || runs.length === 0) {
      scaleRows.push(`| ${label} | failed: ${scaleErrors[name]} | | | | | | | | |`);
      continue;
    }
    const worst = (key) => Math.max(...runs.map((run) => run.left[key]));
    const wall = summarize(runs.map((run) => run.wallMs / 1000));
    const heap = summarize(runs.map((run) => run.peakHeapBytes / 2 ** 20));
    const retained = summarize(runs.map((run) => run.retainedHeapBytes / 2 ** 20));
    scaleRows.push(
      `| ${label} | ${runs[0].note} | ${bytes(Math.max(...runs.map((run) => run.socketsCreated)))} | ` +
        `${spread(wall, (v) => `${fixed(v, 2)} s`)} | ${spread(heap, (v) => `${fixed(v, 1)} MiB`)} | ` +
        `${spread(retained, (v) => `${fixed(v, 1)} MiB`)} | ` +
        `${worst("listeners")} | ${worst("closeWrappers")} | ${worst("pendingTimers")} (active: ${worst("activeTimeouts")}) | ` +
        `${worst("openSockets")} / ${worst("activeTcpHandles")} |`,
    );
    if (name === "socket-store") {
      const leftovers = ["listeners", "closeWrappers", "pendingTimers", "activeTimeouts", "openSockets", "activeTcpHandles"]
        .map(worst)
        .reduce((sum, count) => sum + count, 0);
      goals.push(["nothing left after dispose (1,000 stores × 10 drops)", `${leftovers} leftovers`, leftovers === 0]);
    }
  }
  sections.push(
    "",
    "## 6. Scale",
    "",
    `1,000 connections to one \`ws\` server on 127.0.0.1 (server and clients in one process), all terminated ` +
      `server-side 10 times; each round waits until every client has reopened and stayed open 50 ms. Wall time ` +
      `of the 10 rounds, peak heap (sampled every 20 ms, garbage included) and heap after \`gc()\` with every ` +
      `connection open again, median (min–max) of ${SCALE_RUNS} processes; the leftover columns are the ` +
      `worst run, counted after every store was disposed and every socket closed (listeners on all sockets ever ` +
      `created, own \`close\` properties, timers through a wrapped \`setTimeout\`/\`clearTimeout\` and ` +
      `\`process.getActiveResourcesInfo()\`). Wall time is mostly the ws handshakes of 1,000 simultaneous reconnects.`,
    "",
    scaleRows.join("\n"),
  );

  const cpus = os.cpus();
  const seconds = (performance.now() - started) / 1000;
  const header = [
    "# socket-store benchmarks",
    "",
    `Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${os.platform()} ${os.release()}; ` +
      `Node ${process.version}; ${date.toISOString()}. Produced by \`npm run bench\` in ${fixed(seconds, 0)} s.`,
    "",
    "## Goals",
    "",
    "| goal | measured | |",
    "|---|---|---|",
    ...goals.map(([goal, measured, met]) => `| ${goal} | ${measured} | ${verdict(met)} |`),
    "",
  ];
  const report = `${[...header, ...sections].join("\n")}\n`;
  process.stdout.write(report);
  await writeFile(path.join(benchDir, "results.md"), report);
  progress("wrote bench/results.md");
}

await main();
