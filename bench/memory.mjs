// One process per run: `node --expose-gc bench/memory.mjs <subject>`.
// Heap growth per idle, open instance (its socket included), references kept.
// Prints one JSON line: { bytesPerInstance }.

import { FakeSocket } from "./fake-socket.mjs";
import { settleSockets, subjects } from "./subjects.mjs";

const INSTANCES = 10_000;
// Instances made before the first reading, so compiled code and shared shapes are not counted.
const PRIMING_INSTANCES = 100;

const [subjectName] = process.argv.slice(2);
const subject = subjects[subjectName];
if (!subject || !subject.kinds.includes("memory")) throw new Error(`unknown subject ${subjectName}`);
if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");

function settledHeap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const onMessage = () => {};
const construct = await subject.load();

const priming = [];
for (let i = 0; i < PRIMING_INSTANCES; i++) priming.push(construct({ onMessage }));
await settleSockets(PRIMING_INSTANCES);

const instances = new Array(INSTANCES);
const before = settledHeap();
for (let i = 0; i < INSTANCES; i++) instances[i] = construct({ onMessage });
await settleSockets(PRIMING_INSTANCES + INSTANCES);
const after = settledHeap();

const openSockets = FakeSocket.created.filter((socket) => socket.readyState === FakeSocket.OPEN).length;
if (openSockets !== PRIMING_INSTANCES + INSTANCES) {
  throw new Error(`${subjectName}: ${openSockets} open sockets, expected ${PRIMING_INSTANCES + INSTANCES}`);
}
process.stdout.write(
  `${JSON.stringify({
    subject: subjectName,
    instances: instances.length,
    bytesPerInstance: (after - before) / INSTANCES,
  })}\n`,
);
process.exit(0);
