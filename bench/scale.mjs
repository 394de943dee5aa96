// `node --expose-gc bench/scale.mjs socket-store|raw`: CLIENTS connections to one
// local `ws` server, all dropped server-side ROUNDS times (waiting for every one to
// reopen and settle between rounds). Then everything is disposed and what is left
// behind is counted: listeners on sockets, `close` wrappers, pending timers, sockets.
// Prints one JSON line.

import { performance } from "node:perf_hooks";

const CLIENTS = 1_000;
const ROUNDS = 10;
const RETRY_DELAY_MS = 50;
const SETTLE_TIMEOUT_MS = 60_000;
const POLL_MS = 10;

// Timers are counted through wrapped globals installed before any library is
// loaded; xstate and ws look `setTimeout` up on the global object at call time.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const pendingTimers = new Map();
globalThis.setTimeout = function countedSetTimeout(callback, ms, ...args) {
  const timer = realSetTimeout(
    (...callbackArgs) => {
      pendingTimers.delete(Number(timer));
      if (typeof callback === "function") callback(...callbackArgs);
    },
    ms,
    ...args,
  );
  pendingTimers.set(Number(timer), timer);
  return timer;
};
globalThis.clearTimeout = function countedClearTimeout(timer) {
  if (timer !== undefined && timer !== null) pendingTimers.delete(Number(timer));
  return realClearTimeout(timer);
};

const { WebSocket, WebSocketServer } = await import("ws");

const trackedSockets = [];
class TrackedWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    trackedSockets.push(this);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition, what) {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

/**
 * `opens()` counts open events; `settled()` is true once the connection has
 * been open long enough for the next drop to start a fresh outage.
 * @type {Record<string, { note: string; load(): Promise<(url: string) => { opens(): number; settled(): boolean; dispose(): void }> }>}
 */
const scaleSubjects = {
  "socket-store": {
    note: `default replacement factory, \`backoff: "fixed"\`, ${RETRY_DELAY_MS} ms, \`maxAttempts: 5\``,
    async load() {
      const { SocketStore } = await import("../dist/index.js");
      const reconnect = {
        enabled: true,
        backoff: "fixed",
        initialDelayMs: RETRY_DELAY_MS,
        maxDelayMs: RETRY_DELAY_MS,
        maxAttempts: 5,
      };
      return (url) => {
        let opens = 0;
        const handlers = {
          onOpen() {
            opens++;
          },
          onMessage() {},
        };
        const store = new SocketStore(new TrackedWebSocket(url), handlers, { reconnect });
        return {
          opens: () => opens,
          // attempt 0: the stability window has passed, the next drop starts a fresh budget.
          settled: () => store.status === "open" && store.getSnapshot().attempt === 0,
          dispose: () => store.dispose(),
        };
      };
    },
  },
  raw: {
    note: `hand-written \`setTimeout(connect, ${RETRY_DELAY_MS})\` on close`,
    async load() {
      return (url) => {
        let socket;
        let timer;
        let stopped = false;
        let openedAt = Infinity;
        let opens = 0;
        const connect = () => {
          socket = new TrackedWebSocket(url);
          const onMessage = () => {};
          const onOpen = () => {
            opens++;
            openedAt = performance.now();
          };
          const onClose = () => {
            socket.removeEventListener("open", onOpen);
            socket.removeEventListener("close", onClose);
            socket.removeEventListener("message", onMessage);
            openedAt = Infinity;
            if (!stopped) timer = setTimeout(connect, RETRY_DELAY_MS);
          };
          socket.addEventListener("open", onOpen);
          socket.addEventListener("close", onClose);
          socket.addEventListener("message", onMessage);
        };
        connect();
        return {
          opens: () => opens,
          settled: () => socket.readyState === WebSocket.OPEN && performance.now() - openedAt >= RETRY_DELAY_MS,
          dispose: () => {
            stopped = true;
            clearTimeout(timer);
            socket.close();
          },
        };
      };
    },
  },
};

function activeResourceCounts() {
  const counts = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

const [subjectName] = process.argv.slice(2);
const subject = scaleSubjects[subjectName];
if (!subject) throw new Error(`unknown subject ${subjectName}`);
const create = await subject.load();

const resourcesBefore = activeResourceCounts();
// All clients reconnect at the same instant (no jitter); the default backlog of 511
// would drop SYNs and add the kernel's 1 s retransmit to every round.
const server = new WebSocketServer({ host: "127.0.0.1", port: 0, backlog: CLIENTS * 2 });
await new Promise((resolve) => server.once("listening", resolve));
const url = `ws://127.0.0.1:${server.address().port}/scale`;

let peakHeap = process.memoryUsage().heapUsed;
const heapSampler = setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 20);

const clients = [];
for (let i = 0; i < CLIENTS; i++) clients.push(create(url));
const allSettled = (expectedOpens) =>
  server.clients.size === CLIENTS &&
  clients.every((client) => client.opens() >= expectedOpens && client.settled());
await waitUntil(() => allSettled(1), "every client to open");

const started = performance.now();
for (let round = 1; round <= ROUNDS; round++) {
  for (const connection of [...server.clients]) connection.terminate();
  await waitUntil(() => allSettled(1 + round), `every client to reopen after round ${round}`);
}
const wallMs = performance.now() - started;
clearInterval(heapSampler);
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
// Garbage from the reconnect churn counts in the peak; this is what CLIENTS open connections retain.
globalThis.gc?.();
const retainedHeap = process.memoryUsage().heapUsed;

for (const client of clients) client.dispose();
const socketIsClosed = (socket) => socket.readyState === WebSocket.CLOSED;
await waitUntil(
  () => server.clients.size === 0 && trackedSockets.every(socketIsClosed),
  "every socket to close after dispose",
);
await new Promise((resolve) => server.close(resolve));
// Let ws finish its own close callbacks (socket `close` events run on later ticks).
await sleep(50);

const listenerTypes = ["open", "message", "close", "error"];
const resourcesAfter = activeResourceCounts();
const result = {
  subject: subjectName,
  note: subject.note,
  clients: CLIENTS,
  rounds: ROUNDS,
  socketsCreated: trackedSockets.length,
  wallMs,
  peakHeapBytes: peakHeap,
  retainedHeapBytes: retainedHeap,
  left: {
    listeners: trackedSockets.reduce(
      (sum, socket) => sum + listenerTypes.reduce((count, type) => count + socket.listenerCount(type), 0),
      0,
    ),
    closeWrappers: trackedSockets.filter((socket) => Object.hasOwn(socket, "close")).length,
    pendingTimers: pendingTimers.size,
    activeTimeouts: (resourcesAfter.Timeout ?? 0) - (resourcesBefore.Timeout ?? 0),
    openSockets: trackedSockets.filter((socket) => !socketIsClosed(socket)).length + server.clients.size,
    activeTcpHandles: (resourcesAfter.TCPSocketWrap ?? 0) + (resourcesAfter.TCPServerWrap ?? 0),
  },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
