// `node --expose-gc bench/memory-breakdown.mjs [subject] [baseline]` (defaults: socket-store
// against xstate-actor). Explains the memory figure of bench/memory.mjs: builds INSTANCES
// idle instances of each subject in its own process, takes a V8 heap snapshot before and
// after, and prints what each instance adds, grouped by V8 node type and constructor or
// function name, side by side with the baseline. Uses only node:v8 (no profiler package).

import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";

const INSTANCES = 1_000;
const PRIMING_INSTANCES = 50;
// Rows whose difference is smaller than this (bytes per instance) are summed into "other".
const SHOWN_BYTES = 8;

const [first = "socket-store", second = "xstate-actor", mode] = process.argv.slice(2);

if (mode === "--child") {
  process.stdout.write(`${JSON.stringify(await measure(first))}\n`);
  process.exit(0);
}

const results = [first, second].map((subject) => {
  const child = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), subject, "", "--child"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`${subject}: ${child.stderr}`);
  return JSON.parse(child.stdout);
});

const [subject, baseline] = results;
const keys = new Set([...Object.keys(subject.rows), ...Object.keys(baseline.rows)]);
const rows = [];
let other = [0, 0];
for (const key of keys) {
  const a = subject.rows[key] ?? [0, 0];
  const b = baseline.rows[key] ?? [0, 0];
  if (Math.abs(a[1] - b[1]) < SHOWN_BYTES) {
    other = [other[0] + a[1], other[1] + b[1]];
  } else {
    rows.push([key, a, b]);
  }
}
rows.sort((x, y) => y[1][1] - y[2][1] - (x[1][1] - x[2][1]));
const fixed = (value) => value.toFixed(value % 1 === 0 ? 0 : 2);
console.log(
  `Heap added per idle instance (${INSTANCES} instances, V8 heap snapshots), by node type:name; compiled code is shared by all instances and left out.`,
);
console.log(`| node | ${subject.subject}: objects, bytes | ${baseline.subject}: objects, bytes | difference, bytes |`);
console.log("|---|---|---|---|");
for (const [key, a, b] of rows) {
  console.log(`| \`${key}\` | ${fixed(a[0])}, ${Math.round(a[1])} | ${fixed(b[0])}, ${Math.round(b[1])} | ${Math.round(a[1] - b[1])} |`);
}
console.log(`| everything else (each difference < ${SHOWN_BYTES} B) | ${Math.round(other[0])} | ${Math.round(other[1])} | ${Math.round(other[0] - other[1])} |`);
console.log(
  `| **total** | ${Math.round(subject.total)} | ${Math.round(baseline.total)} | **${Math.round(subject.total - baseline.total)}** |`,
);

async function measure(subjectName) {
  const { settleSockets, subjects } = await import("./subjects.mjs");
  const entry = subjects[subjectName];
  if (!entry || !entry.kinds.includes("memory")) throw new Error(`unknown subject ${subjectName}`);
  const construct = await entry.load();
  const onMessage = () => {};
  const instances = [];
  for (let i = 0; i < PRIMING_INSTANCES; i++) instances.push(construct({ onMessage }));
  await settleSockets(PRIMING_INSTANCES);
  const before = summarize(snapshot(subjectName, "before"));
  for (let i = 0; i < INSTANCES; i++) instances.push(construct({ onMessage }));
  await settleSockets(PRIMING_INSTANCES + INSTANCES);
  const after = summarize(snapshot(subjectName, "after"));
  const rows = {};
  let total = 0;
  for (const [key, [count, bytes]] of after) {
    const [count0, bytes0] = before.get(key) ?? [0, 0];
    const perInstance = [(count - count0) / INSTANCES, (bytes - bytes0) / INSTANCES];
    total += perInstance[1];
    if (perInstance[0] !== 0 || perInstance[1] !== 0) rows[key] = perInstance;
  }
  return { subject: subjectName, total, rows, instances: instances.length };
}

function snapshot(subjectName, label) {
  globalThis.gc();
  globalThis.gc();
  const file = v8.writeHeapSnapshot(join(tmpdir(), `socket-store-bench-${process.pid}-${subjectName}-${label}.heapsnapshot`));
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } finally {
    rmSync(file);
  }
}

/** Count and self size per `type:name`; strings and numbers are grouped by type alone. */
function summarize(heap) {
  const meta = heap.snapshot.meta;
  const width = meta.node_fields.length;
  const typeNames = meta.node_types[0];
  const typeField = meta.node_fields.indexOf("type");
  const nameField = meta.node_fields.indexOf("name");
  const sizeField = meta.node_fields.indexOf("self_size");
  const groups = new Map();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = typeNames[heap.nodes[i + typeField]];
    if (type === "code") continue;
    const grouped = type === "string" || type === "concatenated string" || type === "sliced string" || type === "number";
    const key = grouped ? type : `${type}:${heap.strings[heap.nodes[i + nameField]]}`.slice(0, 80);
    const group = groups.get(key) ?? [0, 0];
    group[0]++;
    group[1] += heap.nodes[i + sizeField];
    groups.set(key, group);
  }
  return groups;
}
