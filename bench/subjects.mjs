// The libraries under comparison, each wired the way its documentation shows,
// to a FakeSocket. `load()` resolves to a function that builds one instance; the socket it observes is
// found in FakeSocket.created once `settleSockets` has resolved (some peers
// create their socket asynchronously).

import { FakeSocket } from "./fake-socket.mjs";

const FAKE_URL = "ws://127.0.0.1:9/bench";
const TOPIC = "ticks";

const routeToTopic = (event) => ({ topic: TOPIC, value: event.data });

async function loadSocketStore() {
  return import("../dist/index.js");
}

/** A store on a FakeSocket with `options`, measured for memory only. */
function idleStore(options) {
  return {
    kinds: ["memory"],
    async load() {
      const { SocketStore } = await loadSocketStore();
      return ({ onMessage }) => {
        const socket = new FakeSocket(FAKE_URL);
        const store = new SocketStore(socket, { onMessage }, options);
        return { send: (data) => store.send(data), dispose: () => store.dispose() };
      };
    },
  };
}

/**
 * @typedef {{ send(data: unknown): void; dispose(): void }} SubjectHandle
 * @typedef {{ onMessage(event: unknown): void; onTopic?(): void }} SubjectCallbacks
 * @typedef {{
 *   load(): Promise<(callbacks: SubjectCallbacks) => SubjectHandle>;
 *   kinds: string[];
 *   baseline?: string | null;
 * }} Subject
 * `baseline`: what the subject's message path is compared with (default "raw", null for none).
 */

/** @type {Record<string, Subject>} */
export const subjects = {
  raw: {
    kinds: ["message", "send", "memory"],
    async load() {
      return ({ onMessage }) => {
        const socket = new FakeSocket(FAKE_URL);
        socket.addEventListener("message", onMessage);
        return { send: (data) => socket.send(data), dispose: () => socket.close() };
      };
    },
  },

  "raw-topic": {
    kinds: ["message"],
    baseline: null,
    async load() {
      return ({ onMessage, onTopic }) => {
        const socket = new FakeSocket(FAKE_URL);
        const topicValues = new Map();
        const topicListeners = new Map([[TOPIC, new Set(onTopic ? [onTopic] : [])]]);
        socket.addEventListener("message", (event) => {
          onMessage(event);
          const update = routeToTopic(event);
          if (update === undefined) return;
          topicValues.set(update.topic, update.value);
          const listeners = topicListeners.get(update.topic);
          if (listeners) for (const listener of listeners) listener();
        });
        return { send: (data) => socket.send(data), dispose: () => socket.close() };
      };
    },
  },

  "socket-store": {
    kinds: ["message", "send", "memory"],
    async load() {
      const { SocketStore } = await loadSocketStore();
      return ({ onMessage }) => {
        const socket = new FakeSocket(FAKE_URL);
        const store = new SocketStore(socket, { onMessage }, { reconnect: { enabled: true } });
        return {
          send: (data) => store.send(data),
          dispose: () => {
            store.dispose();
            socket.close();
          },
        };
      };
    },
  },

  "socket-store-route": {
    kinds: ["message"],
    baseline: "raw-topic",
    async load() {
      const { SocketStore } = await loadSocketStore();
      return ({ onMessage, onTopic }) => {
        const socket = new FakeSocket(FAKE_URL);
        const store = new SocketStore(
          socket,
          { onMessage, route: routeToTopic },
          { reconnect: { enabled: true } },
        );
        const unsubscribe = onTopic ? store.topic(TOPIC).subscribe(onTopic) : () => {};
        return {
          send: (data) => store.send(data),
          dispose: () => {
            unsubscribe();
            store.dispose();
            socket.close();
          },
        };
      };
    },
  },

  // The store above without the connect timer: what a cancelled XState timer leaves behind is
  // the difference (docs/performance.md).
  "socket-store-no-connect-timeout": idleStore({ reconnect: { enabled: true, connectTimeoutMs: false } }),

  "socket-store-no-reconnect": idleStore(undefined),

  "xstate-actor": {
    kinds: ["memory"],
    async load() {
      const [{ connectionMachine }, { createActor }] = await Promise.all([loadSocketStore(), import("xstate")]);
      return ({ onMessage }) => {
        const socket = new FakeSocket(FAKE_URL);
        socket.addEventListener("message", onMessage);
        // ConnectionInput (machines/connection.ts) with the defaults SocketStore resolves for
        // `{ enabled: true }`. Like the idle stores it is compared with, it starts on a connecting
        // socket and is told it opened: the connect timer is started and cancelled on both sides.
        const input = {
          readyState: FakeSocket.CONNECTING,
          reconnect: { enabled: true, maxAttempts: 5, backoff: "exponential", initialDelayMs: 250, maxDelayMs: 5000, connectTimeoutMs: 10_000 },
        };
        const actor = createActor(connectionMachine, { input }).start();
        actor.send({ type: "SOCKET.OPENED" });
        return { send: (data) => socket.send(data), dispose: () => actor.stop() };
      };
    },
  },

  "reconnecting-websocket": {
    kinds: ["message", "send", "memory"],
    async load() {
      const { default: ReconnectingWebSocket } = await import("reconnecting-websocket");
      return ({ onMessage }) => {
        const socket = new ReconnectingWebSocket(FAKE_URL, undefined, { WebSocket: FakeSocket });
        socket.addEventListener("message", onMessage);
        return { send: (data) => socket.send(data), dispose: () => socket.close() };
      };
    },
  },

  partysocket: {
    kinds: ["message", "send", "memory"],
    async load() {
      const { default: PartySocket } = await import("partysocket");
      return ({ onMessage }) => {
        const socket = new PartySocket({ host: "127.0.0.1:9", room: "bench", WebSocket: FakeSocket });
        socket.addEventListener("message", onMessage);
        return { send: (data) => socket.send(data), dispose: () => socket.close() };
      };
    },
  },

  sockette: {
    kinds: ["message", "send", "memory"],
    async load() {
      // sockette only knows the global WebSocket; each measurement runs in its own process.
      globalThis.WebSocket = FakeSocket;
      const { default: sockette } = await import("sockette");
      return ({ onMessage }) => {
        const socket = sockette(FAKE_URL, { onmessage: onMessage });
        return { send: (data) => socket.send(data), dispose: () => socket.close() };
      };
    },
  },

  "websocket-ts": {
    kinds: ["message", "send", "memory"],
    async load() {
      globalThis.WebSocket = FakeSocket;
      const { WebsocketBuilder, ConstantBackoff, WebsocketEvent } = await import("websocket-ts");
      return ({ onMessage }) => {
        const socket = new WebsocketBuilder(FAKE_URL).withBackoff(new ConstantBackoff(1000)).build();
        // websocket-ts calls listeners with (instance, event); the counting callback ignores both.
        socket.addEventListener(WebsocketEvent.message, onMessage);
        return { send: (data) => socket.send(data), dispose: () => socket.close() };
      };
    },
  },
};

/** Waits (bounded) until `count` FakeSockets exist, then opens every one still connecting. */
export async function settleSockets(count) {
  for (let tick = 0; tick < 1000 && FakeSocket.created.length < count; tick++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  if (FakeSocket.created.length < count) {
    throw new Error(`expected ${count} sockets, the subject created ${FakeSocket.created.length}`);
  }
  for (const socket of FakeSocket.created) {
    if (socket.readyState === FakeSocket.CONNECTING) socket.open();
  }
}
