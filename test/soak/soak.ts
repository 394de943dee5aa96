// Fault soak: many stores against one local server that misbehaves at random (seeded),
// then checks how every store settled and that nothing leaked.
//   npm run soak                       200 stores, 60 s of faults
//   tsx test/soak/soak.ts --stores 50 --duration 10000 --seed 7
import { pathToFileURL } from "node:url";
import { WebSocket } from "ws";
import {
  SocketStore,
  type ConnectionSnapshot,
  type ConnectionStatus,
  type ReplacementContext,
  type SocketStoreOptions,
  type SocketStoreReconnectOptions,
} from "../../src/index.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.mjs";
import { trackListeners } from "../support/listeners.mjs";
import { seededRandom } from "../support/seeded-random.js";

export type FaultKind = "terminate" | "close" | "refuse" | "flap" | "pause";

export interface SoakOptions {
  stores: number;
  durationMs: number;
  seed: number;
  /** Upper bound for the wait after the faults stop. @default 20000 */
  settleTimeoutMs?: number;
  /** Progress lines; silent when left out. */
  log?: (line: string) => void;
}

export interface SoakResult {
  seed: number;
  stores: number;
  durationMs: number;
  storeMix: Record<string, number>;
  faults: Record<FaultKind, number>;
  closeCodesSent: Record<string, number>;
  reconnectAttempts: number;
  recoveries: number;
  /** The application's own calls during the faults: reconnect() on failed stores, close() on open ones. */
  appRetries: number;
  appCloses: number;
  errorsByCode: Record<string, number>;
  /** How the stores had settled once the faults stopped, before the application retried. */
  finalStatus: Partial<Record<ConnectionStatus, number>>;
  settled: boolean;
  settleMs: number;
  /** Stores with reconnect enabled that were open after one last reconnect() on a healthy server. */
  openAfterRetry: number;
  enabledStores: number;
  socketsCreated: number;
  maxLiveSocketsPerStore: number;
  sendChecks: number;
  finalRoundTrips: number;
  /** Proof that the ledgers saw the package at work: listeners it added, timers it started. */
  listenersAdded: number;
  packageTimersStarted: number;
  listenersLeft: number;
  timersLeft: number;
  liveSocketsAfterDispose: number;
  socketsNotClosedAfterTeardown: number;
  /** ws "error" events emitted on a replacement socket no store listened to any more. */
  unhandledSocketErrors: number;
  violations: string[];
}

const FAULT_WEIGHTS: Array<[FaultKind, number]> = [
  ["terminate", 3],
  ["close", 3],
  ["refuse", 2],
  ["flap", 2],
  ["pause", 1],
];
const SERVER_CLOSE_CODES = [1000, 1001, 1008, 1011, 1012, 4000, 4001, 4401] as const;
const FLAP_CLOSE_CODE = 1012;
const MAX_VIOLATIONS_KEPT = 50;

/** Seeded draws (mulberry32), good enough to pick faults reproducibly. */
export function createRandom(seed: number) {
  const next = seededRandom(seed);
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    weighted: <T>(entries: ReadonlyArray<readonly [T, number]>): T => {
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [value, weight] of entries) {
        roll -= weight;
        if (roll < 0) return value;
      }
      return entries[entries.length - 1]![0];
    },
  };
}
type Random = ReturnType<typeof createRandom>;

const sleep = (ms: number) => new Promise<void>((resolveSleep) => setTimeout(resolveSleep, ms));
const increment = (counts: Record<string, number>, key: string | number) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

// ---------------------------------------------------------------------------------------
// Timers the package starts (XState's delayed transitions, or any of the facade's own).
// XState's default clock calls the global setTimeout at call time, so wrapping the global
// and looking at the immediate caller attributes every timer without touching the package.

interface TimerLedger {
  started(): number;
  pending(): number;
  restore(): void;
}

function trackPackageTimers(packageDirs: string[]): TimerLedger {
  const pending = new Set<unknown>();
  let started = 0;
  const original = {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
  };
  const calledFromPackage = () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 4;
    const stack = new Error().stack ?? "";
    Error.stackTraceLimit = limit;
    // [0] "Error", [1] calledFromPackage, [2] the wrapper, [3] whoever asked for the timer
    const caller = stack.split("\n")[3] ?? "";
    return packageDirs.some((dir) => caller.includes(dir));
  };
  const wrapTimer = (start: typeof setTimeout, repeats: boolean) =>
    function (this: unknown, callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) {
      if (typeof callback !== "function" || !calledFromPackage()) {
        return (start as (...all: unknown[]) => unknown)(callback, ms, ...args);
      }
      const handle: unknown = (start as (...all: unknown[]) => unknown)(
        (...callArgs: unknown[]) => {
          if (!repeats) pending.delete(handle);
          callback(...callArgs);
        },
        ms,
        ...args,
      );
      pending.add(handle);
      started += 1;
      return handle;
    } as unknown as typeof setTimeout;
  const wrapClear = (stop: typeof clearTimeout) =>
    function (handle: unknown) {
      pending.delete(handle);
      return (stop as (value: unknown) => void)(handle);
    } as typeof clearTimeout;

  globalThis.setTimeout = wrapTimer(original.setTimeout, false);
  globalThis.setInterval = wrapTimer(original.setInterval as unknown as typeof setTimeout, true) as unknown as typeof setInterval;
  globalThis.clearTimeout = wrapClear(original.clearTimeout);
  globalThis.clearInterval = wrapClear(original.clearInterval as typeof clearTimeout) as typeof clearInterval;
  return {
    started: () => started,
    pending: () => pending.size,
    restore() {
      Object.assign(globalThis, original);
    },
  };
}

// ---------------------------------------------------------------------------------------
// The misbehaving server: the tests' fault server, each fault for a while.

interface SoakServer {
  url: string;
  faults: FaultServer;
  refuseFor(ms: number): void;
  flapFor(ms: number): void;
  /** Upgrade requests are held unanswered for `ms`, then answered as the server then is. */
  pauseFor(ms: number): void;
  close(): Promise<void>;
}

async function startSoakServer(): Promise<SoakServer> {
  const faults = await startFaultServer({
    history: false,
    onMessage: (connection, data) => connection.send(JSON.stringify({ topic: "echo", value: data.toString() })),
  });
  // A fault already on lasts at least as long as it was going to.
  const atLeast = (remainingMs: number, ms: number) => Math.max(remainingMs, ms);
  return {
    url: faults.wsUrl,
    faults,
    refuseFor: (ms) => faults.refuseUpgrades({ status: 401, forMs: atLeast(faults.state().refusingForMs, ms) }),
    flapFor: (ms) => faults.flap({ code: FLAP_CLOSE_CODE, reason: "flapping", forMs: atLeast(faults.state().flappingForMs, ms) }),
    pauseFor: (ms) => faults.neverAnswerUpgrades({ forMs: atLeast(faults.state().hangingForMs, ms) }),
    close: () => faults.close(),
  };
}

// ---------------------------------------------------------------------------------------
// Stores and the sockets they are given.

type PredicateKind = "none" | "declinesPolicyCodes" | "onlyAbnormal" | "throwsOn4401";
type FactoryKind = "default" | "sync" | "async" | "flaky";

interface StoreProfile {
  reconnect: SocketStoreOptions["reconnect"];
  enabled: boolean;
  predicate: PredicateKind;
  factory: FactoryKind;
  maxAttempts: number;
}

const PREDICATES: Record<Exclude<PredicateKind, "none">, (code: number) => boolean> = {
  declinesPolicyCodes: (code) => code !== 1008 && code !== 4401,
  onlyAbnormal: (code) => code === 1006 || code === 1011 || code === 1012,
  throwsOn4401: (code) => {
    if (code === 4401) throw new Error("the soak's predicate refuses to judge 4401");
    return true;
  },
};

function chooseProfile(random: Random): Omit<StoreProfile, "reconnect"> & { options?: SocketStoreReconnectOptions | false } {
  if (random.next() < 0.15) {
    return { enabled: false, predicate: "none", factory: "default", maxAttempts: 0, options: random.pick([undefined, false] as const) };
  }
  const backoff = random.pick(["fixed", "exponential"] as const);
  const initialDelayMs = random.int(0, 150);
  const maxDelayMs = initialDelayMs + random.int(0, 300);
  const maxAttempts = random.int(1, 6);
  const predicate = random.weighted<PredicateKind>([
    ["none", 4],
    ["declinesPolicyCodes", 2],
    ["onlyAbnormal", 1],
    ["throwsOn4401", 1],
  ]);
  const factory = random.weighted<FactoryKind>([
    ["default", 3],
    ["sync", 3],
    ["async", 2],
    ["flaky", 1],
  ]);
  return {
    enabled: true,
    predicate,
    factory,
    maxAttempts,
    options: { enabled: true, backoff, initialDelayMs, maxDelayMs, maxAttempts },
  };
}

interface TrackedSocket {
  socket: WebSocket;
  isOriginal: boolean;
  listenerCount(): number;
  listenersAdded(): number;
}

interface SoakStore {
  index: number;
  profile: StoreProfile;
  store: SocketStore<{ echo: string }>;
  sockets: TrackedSocket[];
  statuses: ConnectionStatus[];
  errorCodes: string[];
  /** The application called store.close() and has not called reconnect() since. */
  closedByApp: boolean;
  disposed: boolean;
  factoryFailures: { allowed: boolean };
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { stores: storeCount, durationMs, seed, settleTimeoutMs = 20_000, log = () => {} } = options;
  const random = createRandom(seed);
  const projectRoot = new URL("../..", import.meta.url).pathname;
  const timers = trackPackageTimers([`${projectRoot}src/`, `${projectRoot}machines/`, "/node_modules/xstate/"]);

  const result: SoakResult = {
    seed,
    stores: storeCount,
    durationMs,
    storeMix: {},
    faults: { terminate: 0, close: 0, refuse: 0, flap: 0, pause: 0 },
    closeCodesSent: {},
    reconnectAttempts: 0,
    recoveries: 0,
    appRetries: 0,
    appCloses: 0,
    errorsByCode: {},
    finalStatus: {},
    settled: false,
    settleMs: 0,
    openAfterRetry: 0,
    enabledStores: 0,
    socketsCreated: 0,
    maxLiveSocketsPerStore: 0,
    sendChecks: 0,
    finalRoundTrips: 0,
    listenersAdded: 0,
    packageTimersStarted: 0,
    listenersLeft: 0,
    timersLeft: 0,
    liveSocketsAfterDispose: 0,
    socketsNotClosedAfterTeardown: 0,
    unhandledSocketErrors: 0,
    violations: [],
  };
  const violation = (message: string) => {
    if (result.violations.length < MAX_VIOLATIONS_KEPT) result.violations.push(message);
    else if (result.violations.length === MAX_VIOLATIONS_KEPT) result.violations.push("… more violations left out");
  };

  const server = await startSoakServer();
  const soakStores: SoakStore[] = [];

  function track(entry: Pick<SoakStore, "index" | "sockets">, socket: WebSocket, isOriginal: boolean) {
    const listeners = trackListeners(socket);
    const tracked: TrackedSocket = {
      socket,
      isOriginal,
      listenerCount: () => listeners.count(),
      listenersAdded: () => listeners.added,
    };
    // Ours goes through the EventEmitter API, so it is not counted; it also tells whether
    // a store still listened when ws emitted "error" (without any listener, Node would throw).
    socket.on("error", () => {
      if (!tracked.isOriginal && socket.listenerCount("error") === 1) {
        result.unhandledSocketErrors += 1;
        violation(`store ${entry.index}: ws emitted "error" on a replacement socket nobody listened to`);
      }
    });
    entry.sockets.push(tracked);
    result.socketsCreated += 1;
    return socket;
  }

  function liveSockets(entry: Pick<SoakStore, "sockets">) {
    return entry.sockets.filter(({ socket }) => socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN).length;
  }

  function createStore(index: number) {
    const storeRandom = createRandom(seed * 7919 + index);
    const chosen = chooseProfile(storeRandom);
    const sockets: TrackedSocket[] = [];
    const placeholder = { index, sockets };
    // A subclass per store, so the default factory's `new previous.constructor(url)` is tracked too.
    class TrackedWebSocket extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        track(placeholder, this, false);
      }
    }
    const newSocket = () => new TrackedWebSocket(server.url);
    // Cleared for the last round on a healthy server, where a failing factory would make the outcome luck.
    const factoryFailures = { allowed: chosen.factory === "flaky" };

    let reconnect: SocketStoreOptions["reconnect"] = chosen.options;
    if (chosen.options && chosen.enabled) {
      const predicate = chosen.predicate === "none" ? undefined : PREDICATES[chosen.predicate];
      const checkContext = (context: ReplacementContext) => {
        if (context.attempt < 1 || context.attempt > chosen.maxAttempts) violation(`store ${index}: createSocket got attempt ${context.attempt}`);
        const current = sockets.at(-1)?.socket;
        if ((context.previous as unknown) !== current) violation(`store ${index}: createSocket got a previous socket that is not the last one`);
      };
      const factories: Record<Exclude<FactoryKind, "default">, SocketStoreReconnectOptions["createSocket"]> = {
        sync: (context) => {
          checkContext(context);
          return newSocket();
        },
        async: (context) => {
          checkContext(context);
          const delay = storeRandom.int(0, 30);
          return new Promise((resolveSocket) => setTimeout(() => resolveSocket(newSocket()), delay));
        },
        flaky: (context) => {
          checkContext(context);
          if (factoryFailures.allowed && storeRandom.next() < 0.15) throw new Error("the soak's factory failed on purpose");
          return newSocket();
        },
      };
      reconnect = {
        ...chosen.options,
        ...(predicate ? { retryOnClose: (event: { code: number }) => predicate(event.code) } : {}),
        ...(chosen.factory === "default" ? {} : { createSocket: factories[chosen.factory] }),
      } as SocketStoreReconnectOptions;
    }
    const profile: StoreProfile = { ...chosen, reconnect };
    increment(result.storeMix, profile.enabled ? `reconnect/${profile.predicate}/${profile.factory}` : "reconnect disabled");

    const original = new TrackedWebSocket(server.url);
    // TrackedWebSocket tracked it as a replacement; the first socket is the application's.
    sockets[0]!.isOriginal = true;

    const entry: Omit<SoakStore, "store"> & Partial<Pick<SoakStore, "store">> = {
      index,
      profile,
      sockets,
      statuses: [],
      errorCodes: [],
      closedByApp: false,
      disposed: false,
      factoryFailures,
    };
    const afterDispose = (what: string) => {
      if (entry.disposed) violation(`store ${index}: ${what} ran after dispose()`);
    };
    entry.store = new SocketStore<{ echo: string }>(
      original,
      {
        route(event) {
          if (typeof event.data !== "string") return undefined;
          const message = JSON.parse(event.data) as { topic?: string; value?: unknown };
          return message.topic === "echo" ? { topic: "echo", value: String(message.value) } : undefined;
        },
        onStatusChange(next: ConnectionSnapshot, previous: ConnectionSnapshot) {
          afterDispose("onStatusChange");
          entry.statuses.push(next.status);
          if (previous.status === "reconnecting" && next.status === "connecting") result.reconnectAttempts += 1;
          if (previous.status === "connecting" && next.status === "open" && next.attempt > 0) result.recoveries += 1;
          const live = liveSockets(entry);
          result.maxLiveSocketsPerStore = Math.max(result.maxLiveSocketsPerStore, live);
          if (live > 1) violation(`store ${index}: ${live} sockets connecting or open at ${previous.status} → ${next.status}`);
        },
        onError(error) {
          afterDispose("onError");
          entry.errorCodes.push(error.code);
          increment(result.errorsByCode, error.code);
        },
        onOpen: () => afterDispose("onOpen"),
        onClose: () => afterDispose("onClose"),
        onMessage: () => afterDispose("onMessage"),
      },
      { reconnect },
    );
    entry.statuses.push(entry.store.status);
    return entry as SoakStore;
  }

  function checkSend(entry: SoakStore) {
    const { store } = entry;
    const status = store.status;
    const readyState = store.socket.readyState;
    result.sendChecks += 1;
    try {
      store.send("ping");
      if (status !== "open") violation(`store ${entry.index}: send() succeeded in ${status}`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== "ERR_SOCKET_NOT_OPEN") violation(`store ${entry.index}: send() threw ${String(code ?? error)}`);
      else if (status === "open" && readyState === WebSocket.OPEN) violation(`store ${entry.index}: send() rejected while open`);
    }
  }

  /** What an application does with a store while the server misbehaves: retry failed ones, sometimes close. */
  function actLikeAnApplication(entry: SoakStore) {
    const { store, profile, index } = entry;
    const status = store.status;
    if (!profile.enabled) {
      if (status !== "closed") return;
      try {
        store.reconnect();
        violation(`store ${index}: reconnect() did not throw with reconnect disabled`);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== "ERR_RECONNECT_DISABLED") violation(`store ${index}: reconnect() threw ${String(code ?? error)} with reconnect disabled`);
      }
      return;
    }
    if (status === "closed" || status === "error") {
      entry.closedByApp = false;
      result.appRetries += 1;
      const errorsBefore = entry.errorCodes.length;
      store.reconnect();
      const after = store.status;
      // A synchronous factory has been called when reconnect() returns; only one that threw leaves "connecting" at once.
      const factoryFailed = entry.errorCodes.slice(errorsBefore).includes("ERR_SOCKET_FACTORY");
      if (after !== "connecting" && !factoryFailed) {
        violation(`store ${index}: reconnect() from ${status} left status ${after} (${profile.factory} factory, maxAttempts ${profile.maxAttempts})`);
      }
      return;
    }
    if (status === "open" && random.next() < 0.1) {
      entry.closedByApp = true;
      result.appCloses += 1;
      store.close(1000, "soak");
      if (store.status !== "closing") violation(`store ${index}: close() while open left status ${store.status}`);
    }
  }

  async function injectFaults() {
    const deadline = Date.now() + durationMs;
    let nextReport = Date.now() + 10_000;
    // Every kind once (in a seeded order) before the weighted draw, so even a short soak sees them all.
    const firstRound = FAULT_WEIGHTS.map(([kind]) => kind).sort(() => random.next() - 0.5);
    while (Date.now() < deadline) {
      await sleep(random.int(50, 400));
      const kind = firstRound.shift() ?? random.weighted(FAULT_WEIGHTS);
      result.faults[kind] += 1;
      const clients = server.faults.live();
      const share = random.int(5, 30) / 100;
      switch (kind) {
        case "terminate":
          for (const client of clients) if (random.next() < share) client.terminate();
          break;
        case "close":
          for (const client of clients) {
            if (random.next() >= share) continue;
            const code = random.pick(SERVER_CLOSE_CODES);
            increment(result.closeCodesSent, code);
            client.close(code, "soak");
          }
          break;
        case "refuse":
          server.refuseFor(random.int(100, 600));
          break;
        case "flap":
          server.flapFor(random.int(100, 400));
          break;
        case "pause":
          server.pauseFor(random.int(100, 500));
          break;
      }
      for (let probe = 0; probe < 5; probe += 1) checkSend(random.pick(soakStores));
      for (let action = 0; action < 3; action += 1) actLikeAnApplication(random.pick(soakStores));
      if (Date.now() >= nextReport) {
        nextReport += 10_000;
        log(`soak: ${Math.round((durationMs - (deadline - Date.now())) / 1000)} s, ${result.reconnectAttempts} reconnect attempts so far`);
      }
    }
  }

  const isSettled = (entry: SoakStore) => ["open", "closed", "error"].includes(entry.store.status);

  /** Waits (bounded) until no store is connecting, reconnecting or closing; returns how long it took, or null. */
  async function settle(phase: string): Promise<number | null> {
    const started = Date.now();
    while (!soakStores.every(isSettled)) {
      if (Date.now() - started >= settleTimeoutMs) {
        for (const entry of soakStores) {
          if (!isSettled(entry)) violation(`store ${entry.index}: still ${entry.store.status} ${settleTimeoutMs} ms ${phase}`);
        }
        return null;
      }
      await sleep(50);
    }
    return Date.now() - started;
  }

  /** On a healthy server one reconnect() must bring every store with reconnect enabled back. */
  async function retryEveryStore() {
    const enabled = soakStores.filter((entry) => entry.profile.enabled);
    result.enabledStores = enabled.length;
    for (const entry of enabled) {
      entry.factoryFailures.allowed = false;
      if (entry.store.status === "closed" || entry.store.status === "error") entry.store.reconnect();
    }
    await settle("after the last reconnect()");
    for (const entry of enabled) {
      if (entry.store.status === "open") result.openAfterRetry += 1;
      else violation(`store ${entry.index}: ${entry.store.status} after reconnect() on a healthy server`);
    }
  }

  function checkFinalStatus(entry: SoakStore) {
    const { profile, store, index } = entry;
    const snapshot = store.getSnapshot();
    increment(result.finalStatus as Record<string, number>, snapshot.status);
    const sawClose = entry.statuses.some((status) => status === "closed" || status === "reconnecting");
    if (!profile.enabled) {
      if (snapshot.status === "error") violation(`store ${index}: reconnect disabled but status error`);
      if (snapshot.status === "open" && (sawClose || store.socket !== entry.sockets[0]!.socket)) violation(`store ${index}: reconnect disabled but open again`);
      if (snapshot.status === "closed" && entry.sockets.length !== 1) violation(`store ${index}: reconnect disabled but replaced its socket`);
      return;
    }
    if (snapshot.status === "error") {
      if (snapshot.lastError?.code !== "ERR_RECONNECT_EXHAUSTED") violation(`store ${index}: error with ${snapshot.lastError?.code}`);
      if (snapshot.attempt !== profile.maxAttempts) violation(`store ${index}: error at attempt ${snapshot.attempt} of ${profile.maxAttempts}`);
    }
    if (snapshot.status === "closed" && !entry.closedByApp) {
      const code = snapshot.lastClose?.code ?? -1;
      if (profile.predicate === "none") violation(`store ${index}: closed (${code}) although every server close is retried`);
      else if (profile.predicate === "throwsOn4401") {
        if (code !== 4401 || !entry.errorCodes.includes("ERR_RETRY_PREDICATE")) violation(`store ${index}: closed (${code}) with a predicate that only throws on 4401`);
      } else if (PREDICATES[profile.predicate](code)) violation(`store ${index}: closed (${code}) although its predicate accepts that code`);
    }
    if (snapshot.status === "open" && store.socket.readyState !== WebSocket.OPEN) violation(`store ${index}: open on a socket in readyState ${store.socket.readyState}`);
  }

  async function roundTripOpenStores() {
    const open = soakStores.filter((entry) => entry.store.status === "open");
    const arrivals = open.map(
      (entry) =>
        new Promise<boolean>((resolveArrival) => {
          const topic = entry.store.topic("echo");
          const expected = `final ${entry.index}`;
          const timer = setTimeout(() => {
            unsubscribe();
            resolveArrival(false);
          }, 5_000);
          const unsubscribe = topic.subscribe(() => {
            if (topic.get() !== expected) return;
            clearTimeout(timer);
            unsubscribe();
            resolveArrival(true);
          });
          try {
            entry.store.send(expected);
          } catch (error) {
            violation(`store ${entry.index}: final send threw ${String((error as { code?: string }).code ?? error)}`);
          }
        }),
    );
    const arrived = await Promise.all(arrivals);
    result.finalRoundTrips = arrived.filter(Boolean).length;
    arrived.forEach((ok, position) => {
      if (!ok) violation(`store ${open[position]!.index}: no echo after the faults stopped`);
    });
  }

  async function disposeAndCount() {
    for (const entry of soakStores) {
      entry.disposed = true;
      entry.store.dispose();
    }
    result.timersLeft = timers.pending();
    result.packageTimersStarted = timers.started();
    if (result.timersLeft > 0) violation(`${result.timersLeft} package timer(s) pending after every store was disposed`);
    for (const entry of soakStores) {
      for (const tracked of entry.sockets) {
        // The application's socket stays open after dispose(), so nothing of the store may stay on it.
        if (tracked.isOriginal && tracked.listenerCount() > 0) {
          violation(`store ${entry.index}: ${tracked.listenerCount()} listener(s) left on the application's socket after dispose()`);
        }
        if (!tracked.isOriginal && (tracked.socket.readyState === WebSocket.CONNECTING || tracked.socket.readyState === WebSocket.OPEN)) {
          result.liveSocketsAfterDispose += 1;
          violation(`store ${entry.index}: a replacement socket is still live after dispose()`);
        }
      }
    }
    // The application owns the sockets it gave to the constructor.
    for (const entry of soakStores) {
      const original = entry.sockets[0]!.socket;
      if (original.readyState === WebSocket.CONNECTING || original.readyState === WebSocket.OPEN) original.close();
    }
    const everySocket = soakStores.flatMap((entry) => entry.sockets.map((tracked) => tracked.socket));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && everySocket.some((socket) => socket.readyState !== WebSocket.CLOSED)) await sleep(50);
    result.socketsNotClosedAfterTeardown = everySocket.filter((socket) => socket.readyState !== WebSocket.CLOSED).length;
    if (result.socketsNotClosedAfterTeardown > 0) violation(`${result.socketsNotClosedAfterTeardown} socket(s) not closed after teardown`);
    // A replacement the store closed keeps one "error" listener until its close event (ws would throw without it).
    for (const entry of soakStores) {
      for (const tracked of entry.sockets) {
        result.listenersAdded += tracked.listenersAdded();
        const left = tracked.listenerCount();
        result.listenersLeft += left;
        if (left > 0) violation(`store ${entry.index}: ${left} listener(s) left on a closed socket after dispose()`);
      }
    }
  }


  try {
    for (let index = 0; index < storeCount; index += 1) soakStores.push(createStore(index));
    log(`soak: ${storeCount} stores against ${server.url.replace(/\/$/, "")}, faults for ${durationMs} ms, seed ${seed}`);
    await injectFaults();
    server.faults.heal();
    const settleMs = await settle("after the faults stopped");
    result.settled = settleMs !== null;
    result.settleMs = settleMs ?? settleTimeoutMs;
    for (const entry of soakStores) checkFinalStatus(entry);
    await retryEveryStore();
    await roundTripOpenStores();
    await disposeAndCount();
  } finally {
    for (const entry of soakStores) {
      if (!entry.disposed) {
        entry.disposed = true;
        entry.store.dispose();
      }
      for (const { socket } of entry.sockets) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
    }
    await server.close();
    timers.restore();
  }
  return result;
}

export function formatSummary(result: SoakResult): string {
  const entries = (record: Record<string, number | undefined>) =>
    Object.entries(record)
      .filter(([, count]) => (count ?? 0) > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, count]) => `${key} ${count}`)
      .join(", ") || "none";
  return [
    `socket-store soak: ${result.stores} stores, ${result.durationMs / 1000} s of faults, seed ${result.seed}`,
    `  store mix:           ${entries(result.storeMix)}`,
    `  faults injected:     ${entries(result.faults)} (close codes: ${entries(result.closeCodesSent)})`,
    `  reconnect attempts:  ${result.reconnectAttempts}, recovered outages: ${result.recoveries}; the app retried ${result.appRetries} times and closed ${result.appCloses} times`,
    `  errors by code:      ${entries(result.errorsByCode)}`,
    `  settled:             ${result.settled ? "yes" : "NO"} ${result.settleMs} ms after the faults stopped: ${entries(result.finalStatus)}`,
    `  last reconnect():    ${result.openAfterRetry} of ${result.enabledStores} stores with reconnect enabled open again`,
    `  sockets:             ${result.socketsCreated} created, at most ${result.maxLiveSocketsPerStore} live per store`,
    `  send checks:         ${result.sendChecks} during faults, ${result.finalRoundTrips} echo round trips after`,
    `  package activity:    ${result.listenersAdded} listeners added, ${result.packageTimersStarted} timers started`,
    `  after dispose():     ${result.timersLeft} timers, ${result.liveSocketsAfterDispose} live replacement sockets; after teardown ${result.listenersLeft} listeners, ${result.socketsNotClosedAfterTeardown} sockets not closed`,
    `  unhandled ws errors: ${result.unhandledSocketErrors}`,
    result.violations.length === 0 ? "  violations:          none" : `  violations:          ${result.violations.length}\n${result.violations.map((line) => `    - ${line}`).join("\n")}`,
  ].join("\n");
}

function parseArguments(argv: string[]) {
  const options = { stores: 200, durationMs: 60_000, seed: Date.now() % 100_000 };
  for (let index = 0; index < argv.length; index += 2) {
    const [flag, raw] = [argv[index], argv[index + 1]];
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} needs a non-negative integer, got ${raw}`);
    if (flag === "--stores") options.stores = value;
    else if (flag === "--duration") options.durationMs = value;
    else if (flag === "--seed") options.seed = value;
    else throw new Error(`unknown option ${flag} (use --stores, --duration, --seed)`);
  }
  if (options.durationMs > 90_000) throw new Error("--duration is capped at 90000 ms so the soak stays under two minutes");
  return options;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  // A hard stop, in case something hangs in a way no bounded wait foresaw.
  const watchdog = setTimeout(() => {
    console.error("soak: gave up after 2 minutes");
    process.exit(2);
  }, 120_000);
  watchdog.unref();
  const result = await runSoak({ ...options, log: (line) => console.log(line) });
  console.log(formatSummary(result));
  process.exitCode = result.violations.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
