// `node --expose-gc bench/throughput.mjs message|send <subject> [pairs]`.
// Times OPERATIONS `message` dispatches (or `send()` calls) for the subject and, in the
// same process, for its baseline (raw), alternating baseline and subject run by run
// (ABBA), so that load from other processes on a shared machine hits both alike and
// every subject run has a baseline run next to it in time.
// Prints one JSON line: ns per operation for each run, subject and baseline.

import { createMessageEvents, FakeSocket } from "./fake-socket.mjs";
import { settleSockets, subjects } from "./subjects.mjs";

const OPERATIONS = 200_000;
const WARMUP_RUNS = 6;
const EVENT_POOL = 1_000;
const PAYLOAD = '{"type":"ping"}';

const [kind, subjectName, pairsArgument = "9"] = process.argv.slice(2);
const pairs = Number(pairsArgument);
const subject = subjects[subjectName];
if (!subject || !subject.kinds.includes(kind)) throw new Error(`unknown measurement ${kind} ${subjectName}`);
if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");
const baselineName = kind === "send" || subject.baseline === undefined ? "raw" : subject.baseline;

const events = createMessageEvents(EVENT_POOL);

/** Builds one instance with its own call counters and returns a function that times one run. */
async function prepare(name) {
  const counts = { messages: 0, topics: 0 };
  const construct = await subjects[name].load();
  const socketsBefore = FakeSocket.created.length;
  const handle = construct({
    onMessage() {
      counts.messages++;
    },
    onTopic() {
      counts.topics++;
    },
  });
  await settleSockets(socketsBefore + 1);
  const socket = FakeSocket.created.at(-1);

  // Each instance gets its own compiled loop: closures of one function literal share V8's
  // type feedback, which would make the baseline's and the subject's call sites polymorphic.
  const dispatchLoop = new Function(
    "socket",
    "events",
    `for (let i = 0; i < ${OPERATIONS}; i++) socket.dispatchEvent(events[i % ${EVENT_POOL}]);`,
  );
  const sendLoop = new Function("handle", "payload", `for (let i = 0; i < ${OPERATIONS}; i++) handle.send(payload);`);

  const dispatchMessages = () => {
    counts.messages = 0;
    counts.topics = 0;
    const started = process.hrtime.bigint();
    dispatchLoop(socket, events);
    const elapsed = process.hrtime.bigint() - started;
    if (counts.messages !== OPERATIONS) {
      throw new Error(`${name}: callback ran ${counts.messages} times for ${OPERATIONS} messages`);
    }
    return elapsed;
  };
  const sendMessages = () => {
    socket.sentCount = 0;
    const started = process.hrtime.bigint();
    sendLoop(handle, PAYLOAD);
    const elapsed = process.hrtime.bigint() - started;
    if (socket.sentCount !== OPERATIONS) {
      throw new Error(`${name}: socket.send ran ${socket.sentCount} times for ${OPERATIONS} sends`);
    }
    return elapsed;
  };
  const timeOne = kind === "message" ? dispatchMessages : sendMessages;
  return {
    handle,
    counts,
    run() {
      globalThis.gc();
      return Number(timeOne()) / OPERATIONS;
    },
  };
}

// The baseline is built first, so a peer that creates its socket late cannot be confused with it.
const baseline = baselineName && baselineName !== subjectName ? await prepare(baselineName) : null;
const measured = await prepare(subjectName);

for (let run = 0; run < WARMUP_RUNS; run++) {
  baseline?.run();
  measured.run();
}

const samples = [];
const baselineSamples = [];
for (let pair = 0; pair < pairs; pair++) {
  if (baseline && pair % 2 === 0) baselineSamples.push(baseline.run());
  samples.push(measured.run());
  if (baseline && pair % 2 === 1) baselineSamples.push(baseline.run());
}

const topicCalls = measured.counts.topics;
measured.handle.dispose();
baseline?.handle.dispose();
process.stdout.write(
  `${JSON.stringify({ kind, subject: subjectName, baseline: baseline ? baselineName : null, operations: OPERATIONS, samples, baselineSamples, topicCalls })}\n`,
);
// Peers leave their own timers behind (connect timeouts, uptime timers); they are not measured.
process.exit(0);
