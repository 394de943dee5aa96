// `node --expose-gc bench/real-server.mjs delay|scale <subject>`: reconnecting clients of one
// `ws` server on 127.0.0.1 (the tests' fault server), each configured for a fixed delay. Prints
// one JSON line.
//   delay: one client; the server terminates its connection DROPS times, each time STABLE_MS after
//          it opened; each sample is the client's close → next open.
//   scale: CLIENTS clients, all terminated ROUNDS times; the time until every one is open again,
//          the heap, and what is left behind once every client is stopped.

import { performance } from "node:perf_hooks";

const [mode, subjectName] = process.argv.slice(2);
const DROPS = 30;
const CLIENTS = 1_000;
const ROUNDS = 10;
const DELAY_MS = mode === "scale" ? 50 : 100;
const MAX_ATTEMPTS = 5;
// Longer than every client's stability window (the delay), so each drop starts a fresh outage.
const STABLE_MS = DELAY_MS * 1.5;
const WAIT_LIMIT_MS = 60_000;

// Timers are counted through wrapped globals installed before any library is loaded;
// xstate and ws look `setTimeout` up on the global object at call time.
const pendingTimers = new Set();
if (mode === "scale") {
  const { setTimeout: realSetTimeout, clearTimeout: realClearTimeout } = globalThis;
  globalThis.setTimeout = (callback, ms, ...args) => {
    const timer = realSetTimeout(() => {
      pendingTimers.delete(Number(timer));
      callback(...args);
    }, ms);
    pendingTimers.add(Number(timer));
    return timer;
  };
  globalThis.clearTimeout = (timer) => {
    if (timer != null) pendingTimers.delete(Number(timer));
    realClearTimeout(timer);
  };
}

const { WebSocket } = await import("ws");
const { startFaultServer } = await import("../test/support/fault-server.mjs");
const sockets = [];
class TrackedWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    sockets.push(this);
  }
}

// reconnecting-websocket and its fork partysocket share these options.
const FORK_OPTIONS = {
  minReconnectionDelay: DELAY_MS,
  maxReconnectionDelay: DELAY_MS,
  reconnectionDelayGrowFactor: 1,
  minUptime: DELAY_MS,
  maxRetries: MAX_ATTEMPTS,
  WebSocket: TrackedWebSocket,
};

/**
 * Each client: `load()` resolves to `start({ url, port, onOpen, onClose })`, which connects and
 * returns a function that stops the client and closes its socket.
 * @type {Record<string, { note: string; load(): Promise<(callbacks: { url: string; port: number; onOpen(): void; onClose(): void }) => () => void> }>}
 */
const clients = {
  raw: {
    note: `hand-written: \`setTimeout(connect, ${DELAY_MS})\` on close`,
    load: async () => ({ url, onOpen, onClose }) => {
      let stopped = false;
      let socket;
      let timer;
      const onMessage = () => {};
      const connect = () => {
        socket = new TrackedWebSocket(url);
        const closed = () => {
          for (const [type, listener] of listeners) socket.removeEventListener(type, listener);
          onClose();
          if (!stopped) timer = setTimeout(connect, DELAY_MS);
        };
        const listeners = [["open", onOpen], ["message", onMessage], ["close", closed]];
        for (const [type, listener] of listeners) socket.addEventListener(type, listener);
      };
      connect();
      return () => {
        stopped = true;
        clearTimeout(timer);
        socket.close();
      };
    },
  },
  "socket-store": {
    note: `\`backoff: "fixed"\`, \`initialDelayMs\` = \`maxDelayMs\` = ${DELAY_MS}, \`maxAttempts: ${MAX_ATTEMPTS}\``,
    async load() {
      const { SocketStore } = await import("../dist/index.js");
      const reconnect = { enabled: true, backoff: "fixed", initialDelayMs: DELAY_MS, maxDelayMs: DELAY_MS, maxAttempts: MAX_ATTEMPTS };
      return ({ url, onOpen, onClose }) => {
        const store = new SocketStore(new TrackedWebSocket(url), { onOpen, onClose, onMessage() {} }, { reconnect });
        return () => {
          const { socket } = store;
          store.dispose();
          socket.close();
        };
      };
    },
  },
  "reconnecting-websocket": {
    note: `\`minReconnectionDelay\` = \`maxReconnectionDelay\` = ${DELAY_MS}, growth 1, \`minUptime\` ${DELAY_MS}, \`maxRetries\` ${MAX_ATTEMPTS}`,
    async load() {
      const { default: ReconnectingWebSocket } = await import("reconnecting-websocket");
      return ({ url, onOpen, onClose }) => {
        const socket = new ReconnectingWebSocket(url, undefined, FORK_OPTIONS);
        socket.addEventListener("open", onOpen);
        socket.addEventListener("close", onClose);
        return () => socket.close();
      };
    },
  },
  partysocket: {
    note: "same options as reconnecting-websocket (it is a fork)",
    async load() {
      const { default: PartySocket } = await import("partysocket");
      return ({ port, onOpen, onClose }) => {
        const socket = new PartySocket({ host: `127.0.0.1:${port}`, room: "bench", ...FORK_OPTIONS });
        socket.addEventListener("open", onOpen);
        socket.addEventListener("close", onClose);
        return () => socket.close();
      };
    },
  },
  sockette: {
    note: `\`timeout: ${DELAY_MS}\`, \`maxAttempts: ${MAX_ATTEMPTS}\` (global \`WebSocket\` = ws)`,
    async load() {
      // sockette and websocket-ts only know the global WebSocket; each run has its own process.
      globalThis.WebSocket = TrackedWebSocket;
      const { default: sockette } = await import("sockette");
      return ({ url, onOpen, onClose }) => {
        const socket = sockette(url, { timeout: DELAY_MS, maxAttempts: MAX_ATTEMPTS, onopen: onOpen, onclose: onClose });
        return () => socket.close();
      };
    },
  },
  "websocket-ts": {
    note: `\`ConstantBackoff(${DELAY_MS})\`, \`withMaxRetries(${MAX_ATTEMPTS})\` (global \`WebSocket\` = ws)`,
    async load() {
      globalThis.WebSocket = TrackedWebSocket;
      const { WebsocketBuilder, ConstantBackoff, WebsocketEvent } = await import("websocket-ts");
      return ({ url, onOpen, onClose }) => {
        const socket = new WebsocketBuilder(url).withBackoff(new ConstantBackoff(DELAY_MS)).withMaxRetries(MAX_ATTEMPTS).build();
        socket.addEventListener(WebsocketEvent.open, onOpen);
        socket.addEventListener(WebsocketEvent.close, onClose);
        return () => socket.close();
      };
    },
  },
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition, what) {
  const deadline = performance.now() + WAIT_LIMIT_MS;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function measureDelay(start, server, url, port) {
  const samples = [];
  let closedAt = null;
  let opens = 0;
  const stop = start({
    url,
    port,
    onOpen() {
      if (closedAt !== null) samples.push(performance.now() - closedAt);
      closedAt = null;
      opens++;
    },
    onClose() {
      closedAt ??= performance.now();
    },
  });
  await waitUntil(() => opens === 1 && server.live().length === 1, "the first open");
  for (let drop = 1; drop <= DROPS; drop++) {
    await sleep(STABLE_MS);
    server.terminateAll();
    await waitUntil(() => opens === drop + 1, `the open after drop ${drop}`);
  }
  stop();
  return { samples };
}

async function measureScale(start, server, url, port) {
  const resourcesBefore = activeResources();
  let peakHeap = process.memoryUsage().heapUsed;
  const heapSampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 20);

  const opens = new Array(CLIENTS).fill(0);
  const stops = opens.map((_, index) => start({ url, port, onOpen: () => opens[index]++, onClose() {} }));
  const allOpen = (count) => server.live().length === CLIENTS && opens.every((opened) => opened >= count);
  await waitUntil(() => allOpen(1), "every client to open");
  let reconnectMs = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    await sleep(STABLE_MS);
    const dropped = performance.now();
    server.terminateAll();
    await waitUntil(() => allOpen(round + 1), `every client to reopen after round ${round}`);
    reconnectMs += performance.now() - dropped;
  }
  clearInterval(heapSampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  // Garbage from the reconnect churn counts in the peak; this is what CLIENTS open connections retain.
  globalThis.gc();
  const retainedHeap = process.memoryUsage().heapUsed;

  for (const stop of stops) stop();
  const isClosed = (socket) => socket.readyState === WebSocket.CLOSED;
  await waitUntil(() => server.live().length === 0 && sockets.every(isClosed), "every socket to close");
  await server.close();
  await sleep(50); // ws finishes its own close callbacks on later ticks
  const resourcesAfter = activeResources();
  return {
    socketsCreated: sockets.length,
    reconnectMs,
    peakHeapBytes: peakHeap,
    retainedHeapBytes: retainedHeap,
    left: {
      listeners: sockets.reduce(
        (sum, socket) => sum + ["open", "message", "close", "error"].reduce((count, type) => count + socket.listenerCount(type), 0),
        0,
      ),
      closeWrappers: sockets.filter((socket) => Object.hasOwn(socket, "close")).length,
      pendingTimers: pendingTimers.size,
      activeTimeouts: (resourcesAfter.Timeout ?? 0) - (resourcesBefore.Timeout ?? 0),
      openSockets: sockets.filter((socket) => !isClosed(socket)).length,
      tcpHandles: (resourcesAfter.TCPSocketWrap ?? 0) + (resourcesAfter.TCPServerWrap ?? 0),
    },
  };
}

function activeResources() {
  const counts = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

const measure = { delay: measureDelay, scale: measureScale }[mode];
const client = clients[subjectName];
if (!measure || !client) throw new Error(`usage: real-server.mjs delay|scale <${Object.keys(clients).join("|")}>`);
if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");
const start = await client.load();
// All clients reconnect at the same instant (no jitter); the default backlog of 511
// would drop SYNs and add the kernel's 1 s retransmit to every round. The server keeps no
// history (its heap counts in the figures) and answers no message.
const server = await startFaultServer({ backlog: CLIENTS * 2, history: false, onMessage: null });
const { port } = server;
const result = await measure(start, server, `ws://127.0.0.1:${port}/bench`, port);
process.stdout.write(`${JSON.stringify({ mode, subject: subjectName, note: client.note, delayMs: DELAY_MS, ...result })}\n`);
process.exit(0);
