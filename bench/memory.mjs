// `node --expose-gc bench/memory.mjs <subject> [--heap-snapshot]`: builds idle, open instances of a
// subject (its socket included, references kept) and prints one JSON line: the heap growth per
// instance after `gc()`, or with --heap-snapshot the growth per instance by V8 node type and
// constructor or function name, from one heap snapshot before and one after (node:v8 only).

import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import v8 from "node:v8";
import { FakeSocket } from "./fake-socket.mjs";
import { settleSockets, subjects } from "./subjects.mjs";

const [subjectName, mode] = process.argv.slice(2);
const withSnapshots = mode === "--heap-snapshot";
// A snapshot of 10,000 stores is a JSON file of hundreds of MB: 1,000 suffice to see the kinds.
const INSTANCES = withSnapshots ? 1_000 : 10_000;
// Instances made before the first reading, so compiled code and shared shapes are not counted.
const PRIMING_INSTANCES = 100;

const subject = subjects[subjectName];
if (!subject || !subject.kinds.includes("memory")) throw new Error(`unknown subject ${subjectName}`);
if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");

function settledHeap() {
  globalThis.gc();
  globalThis.gc();
  return withSnapshots ? heapByKind() : process.memoryUsage().heapUsed;
}

/** Count and self size per `type:name` (compiled code left out; strings and numbers by type alone). */
function heapByKind() {
  const file = v8.writeHeapSnapshot(join(tmpdir(), `socket-store-bench-${process.pid}-${Date.now()}.heapsnapshot`));
  const heap = JSON.parse(readFileSync(file, "utf8"));
  rmSync(file);
  const fields = heap.snapshot.meta.node_fields;
  const [type, name, size] = ["type", "name", "self_size"].map((field) => fields.indexOf(field));
  const typeNames = heap.snapshot.meta.node_types[0];
  const kinds = new Map();
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const kind = typeNames[heap.nodes[i + type]];
    if (kind === "code") continue;
    const key = /string|number/.test(kind) ? kind : `${kind}:${heap.strings[heap.nodes[i + name]]}`.slice(0, 80);
    const [count, bytes] = kinds.get(key) ?? [0, 0];
    kinds.set(key, [count + 1, bytes + heap.nodes[i + size]]);
  }
  return kinds;
}

const onMessage = () => {};
const construct = await subject.load();
const instances = [];
for (let i = 0; i < PRIMING_INSTANCES; i++) instances.push(construct({ onMessage }));
await settleSockets(PRIMING_INSTANCES);
const before = settledHeap();
for (let i = 0; i < INSTANCES; i++) instances.push(construct({ onMessage }));
await settleSockets(PRIMING_INSTANCES + INSTANCES);
const after = settledHeap();

const open = FakeSocket.created.filter((socket) => socket.readyState === FakeSocket.OPEN).length;
if (open !== instances.length) throw new Error(`${subjectName}: ${open} open sockets, expected ${instances.length}`);
let result;
if (withSnapshots) {
  result = {};
  for (const [key, [count, bytes]] of after) {
    const [countBefore, bytesBefore] = before.get(key) ?? [0, 0];
    if (count !== countBefore || bytes !== bytesBefore) result[key] = [(count - countBefore) / INSTANCES, (bytes - bytesBefore) / INSTANCES];
  }
} else {
  result = { bytesPerInstance: (after - before) / INSTANCES };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
