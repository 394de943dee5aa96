import { WebSocket as UndiciWebSocket } from "undici";
import { WebSocket as WsWebSocket } from "ws";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDemoServer, type DemoServer } from "../../examples/demo/demo-server.mjs";
import { startFaultServer, type FaultServer } from "../support/fault-server.mjs";
import {
  SocketStore,
  type ConnectionSnapshot,
  type ConnectionStatus,
  type MessageEventLike,
  type SocketStoreError,
  type SocketStoreReconnectOptions,
  type TopicUpdate,
} from "../../src/index.js";

type Topics = { clock: string; echo: string };
type ClientConstructor = new (url: string) => WsWebSocket | UndiciWebSocket;

const WAIT_MS = 8_000;
const reconnect = {
  enabled: true,
  backoff: "fixed",
  initialDelayMs: 50,
  maxDelayMs: 200,
  maxAttempts: 3,
} satisfies SocketStoreReconnectOptions;

function route(event: MessageEventLike): TopicUpdate<Topics> | undefined {
  if (typeof event.data !== "string") return undefined;
  const message = JSON.parse(event.data) as { topic?: string; value?: unknown };
  if (message.topic === "clock" || message.topic === "echo") return { topic: message.topic, value: String(message.value) };
  return undefined;
}

/** A store plus everything it reported, so a failed wait can say what happened instead. */
function observe(socket: WsWebSocket | UndiciWebSocket, options: Partial<SocketStoreReconnectOptions> = {}) {
  const statuses: ConnectionStatus[] = [];
  const errors: SocketStoreError[] = [];
  const store = new SocketStore<Topics>(
    socket,
    {
      route,
      onStatusChange(next) {
        statuses.push(next.status);
      },
      onError(error) {
        errors.push(error);
      },
    },
    { reconnect: { ...reconnect, ...options } },
  );
  statuses.push(store.status);
  return { store, statuses, errors };
}

/** Resolves when `predicate` holds, checked at every store change and every few ms (it may look beyond the snapshot). */
function until<T>(
  store: SocketStore<Topics>,
  describeFailure: () => string,
  predicate: (snapshot: ConnectionSnapshot) => T | undefined | false,
): Promise<T> {
  return new Promise((resolveWait, rejectWait) => {
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      clearInterval(poll);
      unsubscribe();
      outcome();
    };
    const check = () => {
      const result = predicate(store.getSnapshot());
      if (result !== undefined && result !== false) finish(() => resolveWait(result));
    };
    const timer = setTimeout(
      () => finish(() => rejectWait(new Error(`timed out after ${WAIT_MS} ms: ${describeFailure()}`))),
      WAIT_MS,
    );
    const poll = setInterval(check, 10);
    const unsubscribe = store.subscribe(check);
    check();
  });
}

const nextMacrotask = () => new Promise((resolveTick) => setImmediate(resolveTick));

function topicChanges(store: SocketStore<Topics>, name: keyof Topics, accept: (value: string) => boolean): Promise<string> {
  return new Promise((resolveWait, rejectWait) => {
    const topic = store.topic(name);
    const timer = setTimeout(() => {
      unsubscribe();
      rejectWait(new Error(`topic ${name} did not update within ${WAIT_MS} ms (last ${String(topic.get())})`));
    }, WAIT_MS);
    const unsubscribe = topic.subscribe(() => {
      const value = topic.get();
      if (value === undefined || !accept(value)) return;
      clearTimeout(timer);
      unsubscribe();
      resolveWait(value);
    });
  });
}

const clients: Array<[string, ClientConstructor]> = [
  ["ws", WsWebSocket],
  ["undici", UndiciWebSocket],
];

describe.each(clients)("a SocketStore over the %s client against the demo server", (_name, Client) => {
  let demo: DemoServer;
  const cleanups: Array<() => void> = [];

  beforeAll(async () => {
    demo = await startDemoServer({ tickMs: 100 });
  });
  afterAll(async () => {
    await demo.close();
  });
  beforeEach(() => {
    demo.heal();
  });
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function connect(options?: Partial<SocketStoreReconnectOptions>) {
    const original = new Client(demo.wsUrl);
    const observed = observe(original, options);
    cleanups.push(() => {
      observed.store.dispose();
      // The original socket belongs to the application: the store never closes it on dispose.
      if (original.readyState < 2) original.close();
    });
    const seen = () => `statuses ${observed.statuses.join(" → ")}; errors ${observed.errors.map((e) => e.code).join(", ")}`;
    return { ...observed, original, seen };
  }

  it("goes reconnecting and back to open when the server drops the connection, and messages flow again", async () => {
    const { store, statuses, seen, original } = connect();
    await until(store, seen, (snapshot) => snapshot.status === "open");
    await topicChanges(store, "clock", () => true);

    expect(demo.dropConnections()).toBe(1);
    await until(store, seen, (snapshot) => snapshot.status === "open" && store.socket !== original);
    expect(statuses).toEqual(["connecting", "open", "reconnecting", "connecting", "open"]);
    expect(store.getSnapshot().lastClose?.code).toBe(1006);
    expect(store.getSnapshot().attempt).toBe(1);

    const echoed = topicChanges(store, "echo", (value) => value === "after the drop");
    store.send("after the drop");
    await echoed;
    const lastTick = store.topic("clock").get();
    await topicChanges(store, "clock", (value) => value !== lastTick);
    // Staying open for maxDelayMs ends the outage.
    await until(store, seen, (snapshot) => snapshot.attempt === 0);
  });

  it("ends in error with ERR_RECONNECT_EXHAUSTED while upgrades are refused, and reconnect() opens again once they are accepted", async () => {
    const { store, statuses, errors, seen } = connect();
    await until(store, seen, (snapshot) => snapshot.status === "open");

    demo.refuseUpgrades(60);
    demo.dropConnections();
    const failed = await until(store, seen, (snapshot) => snapshot.status === "error" && snapshot);
    expect(failed.lastError?.code).toBe("ERR_RECONNECT_EXHAUSTED");
    expect(failed.attempt).toBe(reconnect.maxAttempts);
    // Both clients report a refused upgrade (401) as an error event, then close 1006.
    expect(failed.lastClose).toMatchObject({ code: 1006, wasClean: false });
    expect(statuses.filter((status) => status === "reconnecting")).toHaveLength(reconnect.maxAttempts);
    expect(statuses.at(-1)).toBe("error");
    // Each refused upgrade reported its socket error before the budget ran out.
    expect(errors.map((error) => error.code).filter((code) => code === "ERR_SOCKET_ERROR").length).toBeGreaterThanOrEqual(reconnect.maxAttempts);
    expect(errors.at(-1)?.code).toBe("ERR_RECONNECT_EXHAUSTED");
    expect(() => store.send("while failed")).toThrow(expect.objectContaining({ code: "ERR_SOCKET_NOT_OPEN" }));

    demo.stopRefusing();
    store.reconnect();
    expect(store.status).toBe("connecting");
    await until(store, seen, (snapshot) => snapshot.status === "open");
    const echoed = topicChanges(store, "echo", (value) => value === "after the retry");
    store.send("after the retry");
    await echoed;
  });

  it("settles in closed when the server closes with a code that retryOnClose declines", async () => {
    const { store, statuses, seen } = connect({ retryOnClose: (event) => event.code !== 4401 });
    await until(store, seen, (snapshot) => snapshot.status === "open");

    demo.closeConnections(4001);
    await until(store, seen, (snapshot) => snapshot.status === "open" && snapshot.lastClose?.code === 4001);
    demo.closeConnections(4401);
    const closed = await until(store, seen, (snapshot) => snapshot.status === "closed" && snapshot);
    expect(closed.lastClose).toMatchObject({ code: 4401, wasClean: true });
    expect(closed.retryDelayMs).toBeNull();
    expect(statuses).toEqual(["connecting", "open", "reconnecting", "connecting", "open", "closed"]);
  });

  it("ends each attempt with ERR_CONNECT_TIMEOUT while the server never answers upgrades, then error", async () => {
    const connectTimeoutMs = 200;
    const { store, statuses, errors, seen } = connect({ connectTimeoutMs });
    await until(store, seen, (snapshot) => snapshot.status === "open");

    demo.neverAnswerUpgrades(60);
    demo.dropConnections();
    const failed = await until(store, seen, (snapshot) => snapshot.status === "error" && snapshot);
    expect(failed.lastError?.code).toBe("ERR_RECONNECT_EXHAUSTED");
    expect(failed.lastClose).toEqual({ code: 1006, reason: "", wasClean: false });
    expect(statuses).toEqual(["connecting", "open", ...Array(reconnect.maxAttempts).fill(["reconnecting", "connecting"]).flat(), "error"]);
    expect(errors.map((error) => error.code).filter((code) => code !== "ERR_SOCKET_ERROR")).toEqual([...Array(reconnect.maxAttempts).fill("ERR_CONNECT_TIMEOUT"), "ERR_RECONNECT_EXHAUSTED"]);
    expect(demo.state().unanswered).toBe(reconnect.maxAttempts);

    demo.stopNeverAnswering();
    store.reconnect();
    await until(store, seen, (snapshot) => snapshot.status === "open");
  });

  it("does not let a flapping server reset the budget", async () => {
    const { store, seen } = connect();
    await until(store, seen, (snapshot) => snapshot.status === "open");

    demo.flap(60);
    demo.dropConnections();
    const failed = await until(store, seen, (snapshot) => snapshot.status === "error" && snapshot);
    expect(failed.lastError?.code).toBe("ERR_RECONNECT_EXHAUSTED");
    expect(failed.lastClose?.code).toBe(1012);
  });
});

describe("ws replacement sockets the store lets go of while they are still connecting", () => {
  let demo: DemoServer;
  /** Takes every upgrade request and never answers it, so the replacement stays connecting. */
  let silentServer: FaultServer;
  let silentUrl: string;
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  beforeAll(async () => {
    demo = await startDemoServer({ tickMs: 1000 });
    silentServer = await startFaultServer();
    silentServer.neverAnswerUpgrades();
    silentUrl = silentServer.wsUrl;
  });
  afterAll(async () => {
    await silentServer.close();
    await demo.close();
  });

  /**
   * ws reports an aborted handshake by emitting "error" on the next tick; an EventEmitter
   * "error" without a listener throws and ends a Node process. The probe records such an
   * emit instead of letting it crash the test run.
   */
  function unhandledErrorProbe(socket: WsWebSocket) {
    const unhandled: string[] = [];
    const emit = socket.emit.bind(socket);
    socket.emit = ((type: string | symbol, ...args: unknown[]) => {
      if (type === "error" && socket.listenerCount("error") === 0) {
        unhandled.push(String((args[0] as Error | undefined)?.message));
        return false;
      }
      return emit(type, ...args);
    }) as typeof socket.emit;
    return unhandled;
  }

  async function storeWithConnectingReplacement() {
    const original = new WsWebSocket(demo.wsUrl);
    const replacements: WsWebSocket[] = [];
    const unhandledErrors: string[][] = [];
    const store = new SocketStore<Topics>(original, undefined, {
      reconnect: {
        ...reconnect,
        createSocket: () => {
          const socket = new WsWebSocket(silentUrl);
          replacements.push(socket);
          unhandledErrors.push(unhandledErrorProbe(socket));
          return socket;
        },
      },
    });
    cleanups.push(() => {
      store.dispose();
      if (original.readyState < 2) original.close();
    });
    await new Promise<void>((resolveOpen) => original.once("open", () => resolveOpen()));
    demo.dropConnections();
    await until(store, () => store.status, () => replacements.length === 1 && store.status === "connecting");
    return { store, replacement: replacements[0]!, unhandledErrors: () => unhandledErrors[0] };
  }

  async function closedWithin(socket: WsWebSocket) {
    if (socket.readyState === 3) return;
    await new Promise<void>((resolveClose, rejectClose) => {
      const timer = setTimeout(() => rejectClose(new Error("socket did not close")), WAIT_MS);
      socket.once("close", () => {
        clearTimeout(timer);
        resolveClose();
      });
    });
  }

  it("dispose() closes a connecting replacement without an unhandled ws error event", async () => {
    const { store, replacement, unhandledErrors } = await storeWithConnectingReplacement();

    store.dispose();
    expect(replacement.readyState).toBeGreaterThanOrEqual(2);
    await closedWithin(replacement);
    await nextMacrotask();
    expect(unhandledErrors()).toEqual([]);
  });

  it("close() closes a connecting replacement without an unhandled ws error event", async () => {
    const { store, replacement, unhandledErrors } = await storeWithConnectingReplacement();

    store.close();
    await until(store, () => store.status, (snapshot) => snapshot.status === "closed");
    await closedWithin(replacement);
    await nextMacrotask();
    expect(unhandledErrors()).toEqual([]);
  });

  it("closes a ws socket that an async factory delivers after dispose() without an unhandled ws error event", async () => {
    const original = new WsWebSocket(demo.wsUrl);
    let deliver: (socket: WsWebSocket) => void = () => {};
    let factoryCalls = 0;
    const store = new SocketStore<Topics>(original, undefined, {
      reconnect: {
        ...reconnect,
        createSocket: () => {
          factoryCalls += 1;
          return new Promise<WsWebSocket>((resolveSocket) => (deliver = resolveSocket));
        },
      },
    });
    cleanups.push(() => {
      store.dispose();
      if (original.readyState < 2) original.close();
    });
    await new Promise<void>((resolveOpen) => original.once("open", () => resolveOpen()));
    demo.dropConnections();
    await until(store, () => store.status, (snapshot) => factoryCalls === 1 && snapshot.status === "connecting");

    store.dispose();
    const late = new WsWebSocket(silentUrl);
    const unhandled = unhandledErrorProbe(late);
    deliver(late);
    await closedWithin(late);
    await nextMacrotask();
    expect(unhandled).toEqual([]);
  });
});
