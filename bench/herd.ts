// `npm run bench:herd`: a thundering-herd simulation. Many clients hold a connection to one
// server; the server restarts: it refuses every upgrade for a few seconds, then accepts at a
// limited rate and refuses the rest, as an overloaded server does. Every client runs its real
// reconnect code (socket-store, socket-store with the jitter recipe, reconnecting-websocket)
// on simulated sockets under a simulated clock, so 10,000 clients and minutes of simulated
// time take seconds. Prints a markdown table and writes it into docs/performance.md.
//
// Usage: npm run bench:herd -- [--clients 10000] [--rws-clients 10000] [--down-seconds 5] [--seed 20261130]
//        [--only <part of a row name>] [--no-write]

import { performance } from "node:perf_hooks";
import ReconnectingWebSocket from "reconnecting-websocket";
import { jitteredCreateSocket } from "../examples/recipes/jittered-attempts.js";
import { SocketStore, backoffDelay, type SocketStoreReconnectOptions } from "../src/index.js";
import { TestSocket } from "../src/testing/test-socket.js";
import { machine, summarize, writeGenerated } from "./report.mjs";
import { seededRandom } from "../test/support/seeded-random.js";

// --- the scenario ------------------------------------------------------------------------------

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
  return value;
}

// The stores report tens of thousands of errors here; their stack traces are not needed.
Error.stackTraceLimit = 0;

const WARM_UP_MS = 10_000; // every client connects and stays up longer than any "stable" window before the restart
const RESTART_AT = WARM_UP_MS;
const DOWN_MS = argument("down-seconds", 5) * 1000; // every upgrade is refused (error, then close 1006 not clean)
const RATE_WINDOW_MS = 100;
const ACCEPTS_PER_WINDOW = 1_000; // after DOWN_MS: 1,000 upgrades per 100 ms, the rest refused
const HANDSHAKE_MS = 30; // from socket creation to the server's answer
const HORIZON_MS = 300_000; // simulated time after the restart at most
const GOAL_PEAK_SHARE = 0.1;
const URL_OF_SERVER = "ws://127.0.0.1/herd";

const CLIENTS = argument("clients", 10_000);
const RWS_CLIENTS = argument("rws-clients", CLIENTS);
const SEED = argument("seed", 20261130);
const WRITE = !process.argv.includes("--no-write");
const ONLY = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;


// --- a simulated clock -------------------------------------------------------------------------
// @sinonjs/fake-timers is not resolvable here (vitest bundles its own copy inside a private
// chunk), so this is a minimal clock: timers kept by the millisecond they are due, Node's rounding
// of delays, and after each simulated millisecond that ran timers a real setImmediate so that
// promise callbacks (async createSocket, the reconnecting-websocket connect chain) run before the
// next simulated moment. A timer set now is due 1 ms later at the earliest, so the timers of one
// millisecond run in the order they were set and nothing runs out of order across milliseconds.

interface SimulatedTimer {
  fire: (...args: unknown[]) => void;
  args: unknown[];
  cancelled: boolean;
}

class SimulatedClock {
  now = 0;
  #due = new Map<number, SimulatedTimer[]>();

  setTimeout = (fire: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): SimulatedTimer => {
    // Node: a delay below 1 ms (or not a number) is 1 ms; fractions are truncated.
    const at = this.now + Math.max(1, Math.trunc(Number(ms)) || 1);
    const timer = { fire, args, cancelled: false };
    const timers = this.#due.get(at);
    if (timers) timers.push(timer);
    else this.#due.set(at, [timer]);
    return timer;
  };

  clearTimeout = (timer: unknown): void => {
    if (timer && typeof timer === "object") (timer as SimulatedTimer).cancelled = true;
  };

  /** Runs every timer due up to `end`, millisecond by millisecond; with `untilIdle`, stops when none is left. */
  async run(end: number, { untilIdle = false } = {}): Promise<void> {
    while (this.now < end && !(untilIdle && this.#due.size === 0)) {
      const timers = this.#due.get(++this.now);
      if (!timers) continue;
      this.#due.delete(this.now);
      for (const timer of timers) if (!timer.cancelled) timer.fire(...timer.args);
      await drainPromiseCallbacks();
    }
  }
}

const realSetImmediate = globalThis.setImmediate;
const drainPromiseCallbacks = () => new Promise<void>((resolve) => realSetImmediate(resolve));

function installClock(clock: SimulatedClock): () => void {
  const saved = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, now: Date.now };
  globalThis.setTimeout = clock.setTimeout as unknown as typeof setTimeout;
  globalThis.clearTimeout = clock.clearTimeout as typeof clearTimeout;
  Date.now = () => clock.now;
  return () => {
    globalThis.setTimeout = saved.setTimeout;
    globalThis.clearTimeout = saved.clearTimeout;
    Date.now = saved.now;
  };
}

// --- the server --------------------------------------------------------------------------------

/** Decides every upgrade: accepted before the restart, refused while down, then rate-limited. */
class SimulatedServer {
  /** Arrival time of every upgrade request after the restart. */
  readonly attemptsAfterRestart: number[] = [];
  refusedWhileUp = 0;
  #restarted = false;
  #openSockets = new Set<TestSocket>();
  #acceptedInWindow = new Map<number, number>();

  constructor(readonly clock: SimulatedClock) {}

  connect(socket: TestSocket): void {
    setTimeout(() => this.#answer(socket), HANDSHAKE_MS);
  }

  /** The server process dies: every connection ends with 1006; upgrades are refused for DOWN_MS. */
  restart(): void {
    this.#restarted = true;
    const sockets = [...this.#openSockets];
    this.#openSockets.clear();
    for (const socket of sockets) if (socket.readyState === 1) socket.serverClose({ code: 1006, wasClean: false });
  }

  #answer(socket: TestSocket): void {
    const now = this.clock.now;
    if (this.#restarted) this.attemptsAfterRestart.push(now);
    if (socket.readyState === 3) return;
    if (socket.readyState === 0 && this.#accepts(now)) {
      this.#openSockets.add(socket);
      socket.open();
      return;
    }
    // A refused upgrade, as browsers and ws report it: error, then close 1006 not clean.
    if (socket.readyState === 0) socket.fail();
    // A listener of the error event (reconnecting-websocket's) may have ended the socket already.
    if (!isClosed(socket)) socket.serverClose({ code: 1006, wasClean: false });
  }

  #accepts(now: number): boolean {
    if (!this.#restarted) return true;
    if (now < RESTART_AT + DOWN_MS) return false;
    const window = Math.floor(now / RATE_WINDOW_MS);
    const accepted = this.#acceptedInWindow.get(window) ?? 0;
    if (accepted >= ACCEPTS_PER_WINDOW) {
      this.refusedWhileUp++;
      return false;
    }
    this.#acceptedInWindow.set(window, accepted + 1);
    return true;
  }
}

const isClosed = (socket: TestSocket) => socket.readyState === 3;

let server: SimulatedServer;

/** The project's test socket, connected to the simulated server when it is constructed. */
class SimulatedSocket extends TestSocket {
  constructor(url?: string, protocol?: string) {
    super(url, protocol);
    server.connect(this);
  }
}

// --- the subjects ------------------------------------------------------------------------------

interface Client {
  /** Simulated time of the client's latest `open`. */
  openedAt: number;
  isOpen(): boolean;
  gaveUp(): boolean;
}

interface Subject {
  name: string;
  settings: string;
  clients: number;
  build(random: () => number, clock: SimulatedClock): Client;
}

function storeClient(reconnect: SocketStoreReconnectOptions, clock: SimulatedClock): Client {
  const store = new SocketStore(new SimulatedSocket(URL_OF_SERVER), {}, { reconnect });
  const client: Client = {
    openedAt: Number.NaN,
    isOpen: () => store.status === "open",
    gaveUp: () => store.status === "error",
  };
  let previous = store.status;
  store.subscribe(() => {
    // The snapshot also changes while open (the outage ends after the stability window): count the move to open only.
    if (store.status === "open" && previous !== "open") client.openedAt = clock.now;
    previous = store.status;
  });
  return client;
}

/** The jitter setting recommended for large fleets (docs/app-recipes.md explains the choice). */
const fleetPolicy = { maxAttempts: 10, backoff: "exponential", initialDelayMs: 2_000, maxDelayMs: 30_000 } as const;
// The connect timeout counts the jitter wait: longer than the largest wait plus a handshake.
const JITTER_TIMEOUT_MS = 45_000;

const subjects: Subject[] = [
  {
    name: "socket-store, plain backoff",
    settings: "defaults: maxAttempts 5, exponential 250 → 5000 ms",
    clients: CLIENTS,
    build: (_random, clock) => storeClient({ enabled: true }, clock),
  },
  {
    name: "socket-store, plain backoff, larger budget",
    settings: "maxAttempts 10, exponential 250 → 30000 ms, no jitter",
    clients: CLIENTS,
    build: (_random, clock) => storeClient({ enabled: true, maxAttempts: 10, maxDelayMs: 30_000 }, clock),
  },
  {
    name: "socket-store + jitter recipe, default delays",
    settings: "maxAttempts 10, exponential 250 → 30000 ms, then a wait uniform in [0, that delay]; connect timeout 45 s",
    clients: CLIENTS,
    build: (random, clock) => {
      const policy = { backoff: "exponential", initialDelayMs: 250, maxDelayMs: 30_000 } as const;
      const createSocket = jitteredCreateSocket(() => new SimulatedSocket(URL_OF_SERVER), {
        budgetMs: (attempt) => backoffDelay(attempt, policy),
        random,
      });
      return storeClient({ enabled: true, maxAttempts: 10, ...policy, connectTimeoutMs: JITTER_TIMEOUT_MS, createSocket }, clock);
    },
  },
  {
    name: "socket-store + jitter recipe, recommended for fleets",
    settings: "maxAttempts 10, exponential 2000 → 30000 ms, then a wait uniform in [0, that delay]; connect timeout 45 s",
    clients: CLIENTS,
    build: (random, clock) => {
      const createSocket = jitteredCreateSocket(() => new SimulatedSocket(URL_OF_SERVER), {
        budgetMs: (attempt) => backoffDelay(attempt, fleetPolicy),
        random,
      });
      return storeClient({ enabled: true, ...fleetPolicy, connectTimeoutMs: JITTER_TIMEOUT_MS, createSocket }, clock);
    },
  },
  {
    name: "socket-store + jitter recipe, full jitter",
    settings: "maxAttempts 10, fixed 0 ms, maxDelayMs 10000; a wait uniform in [0, min(10000, 1000 × 2^attempt)]; connect timeout 20 s",
    clients: CLIENTS,
    build: (random, clock) => {
      const createSocket = jitteredCreateSocket(() => new SimulatedSocket(URL_OF_SERVER), {
        budgetMs: (attempt) => Math.min(10_000, 1000 * 2 ** attempt),
        random,
      });
      return storeClient({ enabled: true, maxAttempts: 10, backoff: "fixed", initialDelayMs: 0, maxDelayMs: 10_000, connectTimeoutMs: 20_000, createSocket }, clock);
    },
  },
  {
    name: "reconnecting-websocket 4.4.0",
    settings: "defaults: first delay 1000–5000 ms (random per page load), ×1.3, cap 10000 ms, retries forever",
    clients: RWS_CLIENTS,
    build: (random, clock) => {
      // Its random first delay is drawn once per module load (a module-level default): one
      // draw per browser. In one process every instance would share it, so each simulated
      // client draws its own, as a fleet of browsers would.
      const socket = new ReconnectingWebSocket(URL_OF_SERVER, undefined, {
        WebSocket: SimulatedSocket,
        minReconnectionDelay: 1000 + random() * 4000,
      });
      const client: Client = {
        openedAt: Number.NaN,
        isOpen: () => socket.readyState === 1,
        gaveUp: () => false,
      };
      socket.addEventListener("open", () => {
        client.openedAt = clock.now;
      });
      return client;
    },
  },
];

// --- running and measuring ---------------------------------------------------------------------

interface Result {
  subject: Subject;
  attemptsPerClient: number;
  peakWindow: number;
  peakShare: number;
  refusedWhileUp: number;
  gaveUp: number;
  notOpen: number;
  recoveredAfterMs: number;
  medianReopenMs: number;
  wallMs: number;
}

/** Most arrivals within any 100 ms (sliding over the sorted arrival times). */
function peakInAnyWindow(times: number[]): number {
  let peak = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= RATE_WINDOW_MS) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

async function run(subject: Subject): Promise<Result> {
  const started = performance.now();
  const clock = new SimulatedClock();
  const restore = installClock(clock);
  try {
    server = new SimulatedServer(clock);
    const random = seededRandom(SEED);
    const clients = Array.from({ length: subject.clients }, () => subject.build(random, clock));
    await clock.run(RESTART_AT);
    const connected = clients.filter((client) => client.isOpen()).length;
    if (connected !== clients.length) throw new Error(`${subject.name}: only ${connected} of ${clients.length} clients connected before the restart`);

    server.restart();
    await clock.run(RESTART_AT + HORIZON_MS, { untilIdle: true });

    const attempts = server.attemptsAfterRestart;
    const peakWindow = peakInAnyWindow(attempts);
    const reopened = clients.filter((client) => client.isOpen()).map((client) => client.openedAt - RESTART_AT);
    return {
      subject,
      attemptsPerClient: attempts.length / clients.length,
      peakWindow,
      peakShare: peakWindow / clients.length,
      refusedWhileUp: server.refusedWhileUp,
      gaveUp: clients.filter((client) => client.gaveUp()).length,
      notOpen: clients.filter((client) => !client.isOpen() && !client.gaveUp()).length,
      recoveredAfterMs: reopened.length ? Math.max(...reopened) : Number.NaN,
      medianReopenMs: reopened.length ? summarize(reopened).median : Number.NaN,
      wallMs: performance.now() - started,
    };
  } finally {
    restore();
  }
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
const seconds = (ms: number) => (Number.isNaN(ms) ? "—" : `${(ms / 1000).toFixed(1)} s`);
const count = (value: number) => value.toLocaleString("en-US");

function table(results: Result[]): string {
  const rows = results.map((result) => {
    const { subject } = result;
    const goal = result.peakShare <= GOAL_PEAK_SHARE && result.gaveUp === 0 && result.notOpen === 0 ? "met" : "**missed**";
    return `| ${subject.name} | ${subject.settings} | ${count(subject.clients)} | ${percent(result.peakShare)} (${count(result.peakWindow)}) | ${result.attemptsPerClient.toFixed(2)} | ${count(result.refusedWhileUp)} | ${count(result.gaveUp)} (${percent(result.gaveUp / subject.clients)}) | ${seconds(result.recoveredAfterMs)}${result.notOpen ? ` (${count(result.notOpen)} still not open)` : ""} | ${seconds(result.medianReopenMs)} | ${goal} |`;
  });
  return [
    "| subject | settings | clients | peak attempts in any 100 ms, share of clients (count) | attempts per client after the restart | refused by the overloaded server | gave up (`error`) | every other client open again after | median client open again after | goal: ≤ 10 % per 100 ms, none gives up |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

async function main(): Promise<void> {
  const started = performance.now();
  const results: Result[] = [];
  for (const subject of subjects.filter((candidate) => ONLY === undefined || candidate.name.includes(ONLY))) {
    process.stderr.write(`herd: ${subject.name} (${count(subject.clients)} clients)…`);
    const result = await run(subject);
    process.stderr.write(` ${(result.wallMs / 1000).toFixed(1)} s\n`);
    results.push(result);
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const cpuSeconds = (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
  const report = [
    `Simulated on ${machine()}; \`npm run bench:herd\` took ${totalSeconds.toFixed(0)} s of wall time (${cpuSeconds.toFixed(0)} s of CPU); seed ${SEED}; server down for ${DOWN_MS / 1000} s.`,
    "",
    table(results),
  ].join("\n");
  process.stdout.write(`${report}\n`);
  if (WRITE) {
    await writeGenerated("herd", report);
    process.stderr.write("herd: wrote docs/performance.md\n");
  }
}

await main();
