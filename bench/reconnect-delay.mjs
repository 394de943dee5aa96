// One process per subject: `node --expose-gc bench/reconnect-delay.mjs <subject>`.
// A real `ws` server on 127.0.0.1 terminates the client's connection DROPS times;
// each sample is the client's close → next open time, with the subject set to a
// fixed 100 ms delay. Prints one JSON line: { samples, configuredDelayMs, note }.

import { performance } from "node:perf_hooks";
import { WebSocket, WebSocketServer } from "ws";

const DROPS = 30;
const CONFIGURED_DELAY_MS = 100;

// reconnecting-websocket and its fork partysocket share these options.
const FORK_OPTIONS = {
  minReconnectionDelay: CONFIGURED_DELAY_MS,
  maxReconnectionDelay: CONFIGURED_DELAY_MS,
  reconnectionDelayGrowFactor: 1,
  minUptime: 100,
  maxRetries: 3,
};

// Longer than every subject's stability window (100 ms below), so each drop
// starts a fresh outage instead of using up the attempt budget.
const STABLE_MS = 150;
const OPEN_TIMEOUT_MS = 5_000;

/**
 * @typedef {{ onOpen(): void; onClose(): void }} DelayCallbacks
 * @typedef {{ note: string; start(url: string, port: number, callbacks: DelayCallbacks): Promise<() => void> }} DelaySubject
 */

/** @type {Record<string, DelaySubject>} */
const delaySubjects = {
  raw: {
    note: "hand-written: `setTimeout(connect, 100)` on close",
    async start(url, _port, { onOpen, onClose }) {
      let stopped = false;
      let socket;
      let timer;
      const connect = () => {
        socket = new WebSocket(url);
        socket.addEventListener("open", onOpen);
        socket.addEventListener("close", () => {
          onClose();
          if (!stopped) timer = setTimeout(connect, CONFIGURED_DELAY_MS);
        });
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
    note: '`backoff: "fixed"`, `initialDelayMs: 100`, `maxDelayMs: 100`, `maxAttempts: 3`',
    async start(url, _port, { onOpen, onClose }) {
      const { SocketStore } = await import("../dist/index.js");
      const store = new SocketStore(
        new WebSocket(url),
        { onOpen, onClose },
        {
          reconnect: {
            enabled: true,
            backoff: "fixed",
            initialDelayMs: CONFIGURED_DELAY_MS,
            maxDelayMs: CONFIGURED_DELAY_MS,
            maxAttempts: 3,
          },
        },
      );
      return () => {
        const socket = store.socket;
        store.dispose();
        socket.close();
      };
    },
  },

  "reconnecting-websocket": {
    note: "`minReconnectionDelay` = `maxReconnectionDelay` = 100, growth 1, `minUptime` 100, `maxRetries` 3",
    async start(url, _port, { onOpen, onClose }) {
      const { default: ReconnectingWebSocket } = await import("reconnecting-websocket");
      const socket = new ReconnectingWebSocket(url, undefined, { WebSocket, ...FORK_OPTIONS });
      socket.addEventListener("open", onOpen);
      socket.addEventListener("close", onClose);
      return () => socket.close();
    },
  },

  partysocket: {
    note: "same options as reconnecting-websocket (it is a fork)",
    async start(_url, port, { onOpen, onClose }) {
      const { default: PartySocket } = await import("partysocket");
      const socket = new PartySocket({
        host: `127.0.0.1:${port}`,
        room: "bench",
        WebSocket,
        ...FORK_OPTIONS,
      });
      socket.addEventListener("open", onOpen);
      socket.addEventListener("close", onClose);
      return () => socket.close();
    },
  },

  sockette: {
    note: "`timeout: 100`, `maxAttempts: 3` (global `WebSocket` = ws)",
    async start(url, _port, { onOpen, onClose }) {
      globalThis.WebSocket = WebSocket;
      const { default: sockette } = await import("sockette");
      const socket = sockette(url, { timeout: CONFIGURED_DELAY_MS, maxAttempts: 3, onopen: onOpen, onclose: onClose });
      return () => socket.close();
    },
  },

  "websocket-ts": {
    note: "`ConstantBackoff(100)`, `withMaxRetries(3)` (global `WebSocket` = ws)",
    async start(url, _port, { onOpen, onClose }) {
      globalThis.WebSocket = WebSocket;
      const { WebsocketBuilder, ConstantBackoff, WebsocketEvent } = await import("websocket-ts");
      const socket = new WebsocketBuilder(url)
        .withBackoff(new ConstantBackoff(CONFIGURED_DELAY_MS))
        .withMaxRetries(3)
        .build();
      socket.addEventListener(WebsocketEvent.open, onOpen);
      socket.addEventListener(WebsocketEvent.close, onClose);
      return () => socket.close();
    },
  },
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function measure(subjectName) {
  const subject = delaySubjects[subjectName];
  if (!subject) throw new Error(`unknown subject ${subjectName}`);

  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address();
  let serverSocket = null;
  server.on("connection", (socket) => {
    serverSocket = socket;
  });

  const samples = [];
  let closedAt = null;
  let openWaiter = null;
  const nextOpen = () => new Promise((resolve) => (openWaiter = resolve));
  const callbacks = {
    onOpen() {
      if (closedAt !== null) samples.push(performance.now() - closedAt);
      closedAt = null;
      openWaiter?.();
      openWaiter = null;
    },
    onClose() {
      closedAt ??= performance.now();
    },
  };

  let stop = () => {};
  try {
    const opened = nextOpen();
    stop = await subject.start(`ws://127.0.0.1:${port}/bench`, port, callbacks);
    await withTimeout(opened, OPEN_TIMEOUT_MS, "the first open");
    for (let drop = 0; drop < DROPS; drop++) {
      await sleep(STABLE_MS);
      if (serverSocket === null) throw new Error("the server has no connection to drop");
      const reopened = nextOpen();
      serverSocket.terminate();
      serverSocket = null;
      await withTimeout(reopened, OPEN_TIMEOUT_MS, `reopen after drop ${drop + 1}`);
    }
  } finally {
    stop();
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
  return { subject: subjectName, configuredDelayMs: CONFIGURED_DELAY_MS, drops: DROPS, samples, note: subject.note };
}

const [subjectName] = process.argv.slice(2);
const result = await measure(subjectName);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
