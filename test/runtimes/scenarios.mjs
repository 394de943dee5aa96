// Runtime-neutral scenarios for the built socket-store package. Plain ESM: the same file runs in
// Node, Bun and browser pages (its one import, the listener ledger, is served beside it). Each
// runtime hands in the package's exports, its own WebSocket class and the URL of the scenario
// server (scripts/runtimes/server.mjs), whose control API (fetch) triggers faults and reports what
// the server saw. This is the one list of runtime scenarios: the runner, its table and the docs
// read it from here.
import { trackListeners } from "../support/listeners.mjs";

const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const now = () => performance.now();

/** By default, how long any single wait may take before the scenario reports what it saw instead. */
const WAIT_MS = 8_000;
/** By default, how long the server waits to see the TCP connection of a dropped socket end before ending it itself. */
const DROP_END_WAIT_MS = 2_000;
/**
 * Scenario d: how long one refused attempt may take to fail, at most. Generous (the runtimes here
 * take a few to a few hundred ms) and far below the 10 s default connect timeout, so that an
 * outage reaching `error` within the bound proves the runtime's close or the store's
 * error-without-close rule ended every attempt, not the timeout.
 */
const REFUSAL_ALLOWANCE_MS = 2_000;
/** Scenario i's connect timeout, against a host that never answers the upgrade. */
const HANG_TIMEOUT_MS = 500;
/** Timers never fire early, but browsers coarsen clocks: how far below a timeout a measured attempt may seem to end. */
const CLOCK_PRECISION_MS = 20;

const sleep = (ms) => new Promise((wake) => realSetTimeout(wake, ms));

/** The scenarios, in table order: `name` says what each checks, `label` is its legend under the table. */
export const SCENARIOS = [
  { id: "a", name: "open → message → topic", label: "open → message → topic" },
  { id: "b", name: "server terminate → reconnecting → open again", label: "server terminate → reconnecting → open" },
  { id: "c", name: "server close 4401, retryOnClose declines → closed", label: "close 4401 declined → closed" },
  { id: "d", name: "refused upgrade (401), default options → maxAttempts replacements → error in bounded time", label: "refused upgrades → error in bounded time" },
  { id: "e", name: "close() during backoff → nothing pending", label: "close() in backoff → nothing pending" },
  { id: "f", name: "drop() on a silent connection → reconnecting at once, fresh connection", label: "drop() on a silent connection" },
  { id: "g", name: "send() before open → ERR_SOCKET_NOT_OPEN", label: "send() before open → ERR_SOCKET_NOT_OPEN" },
  { id: "h", name: "dispose → no listener, timer or socket left", label: "dispose → nothing left" },
  { id: "i", name: "upgrade never answered, connectTimeoutMs 500 → ERR_CONNECT_TIMEOUT per attempt → error", label: "upgrade never answered → connect timeout → error" },
];

/** How a refused attempt ended (scenario d). */
export const ENDED_BY = Object.freeze({
  runtimeClose: "runtime close",
  errorWithoutClose: "error without close",
  connectTimeout: "connect timeout",
  unknown: "unknown",
});

/**
 * Wraps a WebSocket class so the scenarios can see what the package does with it: instances
 * created (the default replacement uses `new previous.constructor(...)`, so replacements are
 * counted too), listeners added and not removed, `send()` calls, the `close()`/`terminate()` calls
 * that reached the socket, and what the runtime's socket itself fired (`error` with its
 * readyState then, `close`), seen through listeners of its own that are not counted.
 */
function countingClass(Base) {
  const instances = [];
  const records = new WeakMap();
  const recordOf = (socket) => records.get(socket);
  class CountingWebSocket extends Base {
    constructor(...args) {
      super(...args);
      const record = { listeners: trackListeners(this), sends: 0, errors: [], runtimeCloseAt: null, endCalls: [] };
      records.set(this, record);
      instances.push(this);
      super.addEventListener("error", () => record.errors.push({ at: now(), readyState: this.readyState }));
      super.addEventListener("close", () => (record.runtimeCloseAt ??= now()));
    }
    send(data) {
      recordOf(this).sends += 1;
      return super.send(data);
    }
    close(...args) {
      recordOf(this)?.endCalls.push({ method: "close", at: now(), readyState: this.readyState });
      return super.close(...args);
    }
  }
  // Only where the runtime's socket has terminate() (ws): the store calls it when it exists.
  const terminate = Base.prototype.terminate;
  if (typeof terminate === "function") {
    Object.defineProperty(CountingWebSocket.prototype, "terminate", {
      configurable: true,
      writable: true,
      value: function countedTerminate(...args) {
        recordOf(this)?.endCalls.push({ method: "terminate", at: now(), readyState: this.readyState });
        return terminate.apply(this, args);
      },
    });
  }
  return {
    Class: CountingWebSocket,
    instances,
    recordOf,
    listenersOf: (socket) => recordOf(socket)?.listeners.types() ?? [],
    liveListeners: () => instances.reduce((sum, socket) => sum + recordOf(socket).listeners.count(), 0),
    sendsOf: (socket) => recordOf(socket)?.sends ?? 0,
  };
}

/**
 * Which rule ended one refused attempt: the connect timeout when the store reported
 * ERR_CONNECT_TIMEOUT while observing it; the error-without-close rule when the store closed or
 * terminated it while it was still CONNECTING after its `error`, before the runtime fired any
 * `close`; the runtime's own close when that came first.
 */
function endedBy(record, timedOut) {
  if (timedOut) return ENDED_BY.connectTimeout;
  const firstError = record.errors[0];
  const storeEnd = record.endCalls.find((call) => call.readyState === 0 && firstError !== undefined && call.at >= firstError.at && (record.runtimeCloseAt === null || call.at <= record.runtimeCloseAt));
  if (storeEnd && firstError.readyState === 0) return ENDED_BY.errorWithoutClose;
  if (record.runtimeCloseAt !== null && !storeEnd) return ENDED_BY.runtimeClose;
  return ENDED_BY.unknown;
}

/**
 * Counts the timers the package sets: setTimeout calls made directly by the package's module or
 * by xstate (the stack frame right under the wrapper carries one of their URLs; JavaScriptCore's
 * tail calls hide the package's clock frame, so xstate's scheduler is what Bun shows). Timers of
 * the runtime's socket (ws's close timer, undici, fetch) are not counted, even when a call of the
 * package started them.
 */
function timerProbe(packageUrlPart) {
  const owners = [packageUrlPart, "/xstate/"];
  const pending = new Set();
  let created = 0;
  let fired = 0;
  const original = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
  const fromPackage = () => {
    const frames = String(new Error().stack).split("\n");
    const wrapper = frames.findIndex((frame) => frame.includes("countedSetTimeout"));
    const caller = String(frames[wrapper + 1]);
    return wrapper !== -1 && owners.some((owner) => caller.includes(owner));
  };
  globalThis.setTimeout = function countedSetTimeout(callback, ms, ...args) {
    if (!fromPackage()) return original.setTimeout.call(globalThis, callback, ms, ...args);
    created += 1;
    let handle;
    const run = (...runArgs) => {
      pending.delete(handle);
      fired += 1;
      return typeof callback === "function" ? callback(...runArgs) : undefined;
    };
    handle = original.setTimeout.call(globalThis, run, ms, ...args);
    pending.add(handle);
    return handle;
  };
  globalThis.clearTimeout = function countedClearTimeout(handle) {
    pending.delete(handle);
    return original.clearTimeout.call(globalThis, handle);
  };
  return {
    get pending() {
      return pending.size;
    },
    get created() {
      return created;
    },
    get fired() {
      return fired;
    },
    restore() {
      globalThis.setTimeout = original.setTimeout;
      globalThis.clearTimeout = original.clearTimeout;
    },
  };
}

/** Records anything written to the console while a scenario runs: the package must write nothing. */
function consoleProbe() {
  const lines = [];
  const methods = ["log", "info", "warn", "error", "debug", "trace"];
  const originals = methods.map((method) => [method, console[method]]);
  for (const method of methods) {
    console[method] = (...args) => lines.push(`${method}: ${args.map(String).join(" ")}`);
  }
  return {
    lines,
    restore() {
      for (const [method, original] of originals) console[method] = original;
    },
  };
}

function sameJson(actual, expected) {
  return JSON.stringify(actual) === JSON.stringify(expected);
}

/**
 * Runs every scenario (or those in `only`) and returns one result per scenario.
 * @param {{ SocketStore: any, isSocketStoreError: (value: unknown) => boolean, WebSocket: any, serverUrl: string, wsUrl: string, packageUrlPart: string,
 *   only?: string[], dropEndWaitMs?: number, waitMs?: number, refusalAllowanceMs?: number }} options
 */
export async function runScenarios({ SocketStore, isSocketStoreError, WebSocket, serverUrl, wsUrl, packageUrlPart, only, dropEndWaitMs = DROP_END_WAIT_MS, waitMs = WAIT_MS, refusalAllowanceMs = REFUSAL_ALLOWANCE_MS }) {
  async function control(action, params = {}) {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
    const response = await fetch(`${serverUrl}/control/${action}${query ? `?${query}` : ""}`);
    return response.json();
  }

  const results = [];
  for (const { id, name } of SCENARIOS) {
    if (only && !only.includes(id)) continue;
    const failures = [];
    const details = {};
    const counting = countingClass(WebSocket);
    const timers = timerProbe(packageUrlPart);
    const output = consoleProbe();
    const stores = [];
    const started = Date.now();
    const check = (label, condition, seen) => {
      if (!condition) failures.push(seen === undefined ? label : `${label} (saw ${JSON.stringify(seen)})`);
    };
    const expectEqual = (label, actual, expected) => check(`${label}: expected ${JSON.stringify(expected)}`, sameJson(actual, expected), actual);

    /** A store over a counted socket, with everything it reported. */
    function observe(options = {}, handlers = {}) {
      const socket = new counting.Class(wsUrl);
      const seen = {
        statuses: [],
        attempts: [],
        /** When each status was entered (performance.now()). */
        statusAt: [],
        errors: [],
        /** The socket the store observed when it reported each error. */
        errorSockets: [],
        /** The code of each new lastError the snapshot showed. */
        lastErrorCodes: [],
        socketErrorStatuses: [],
        closes: [],
        closeReasons: [],
        /** How many errors had been reported when each close was. */
        errorsAtClose: [],
        connectingMs: [],
        messages: 0,
        afterDispose: 0,
        disposed: false,
      };
      let lastError = null;
      const note = () => {
        if (seen.disposed) seen.afterDispose += 1;
      };
      let connectingSince = null;
      // Declared before the constructor runs so that a handler never meets an uninitialised binding.
      let store;
      store = new SocketStore(
        socket,
        {
          route(event) {
            if (typeof event.data !== "string") return undefined;
            const message = JSON.parse(event.data);
            return message.topic === "greeting" || message.topic === "echo" ? { topic: message.topic, value: message.value } : undefined;
          },
          onMessage() {
            note();
            seen.messages += 1;
          },
          onStatusChange(next) {
            note();
            // How long each connecting phase lasted (the original socket's included).
            if (next.status === "connecting") connectingSince ??= now();
            else if (connectingSince !== null) {
              seen.connectingMs.push(now() - connectingSince);
              connectingSince = null;
            }
            seen.statuses.push(next.status);
            seen.attempts.push(next.attempt);
            seen.statusAt.push(now());
          },
          onError(error) {
            note();
            seen.errors.push(error.code);
            seen.errorSockets.push(store?.socket);
            if (error.code === "ERR_SOCKET_ERROR") seen.socketErrorStatuses.push(store?.status);
          },
          onClose(event) {
            note();
            seen.closes.push(event.code);
            seen.closeReasons.push(event.reason);
            seen.errorsAtClose.push(seen.errors.length);
          },
          ...handlers,
        },
        options,
      );
      seen.statuses.push(store.status);
      seen.attempts.push(store.getSnapshot().attempt);
      seen.statusAt.push(now());
      if (store.status === "connecting") connectingSince = now();
      store.subscribe(() => {
        note();
        const snapshot = store.getSnapshot();
        if (snapshot.lastError !== lastError) {
          lastError = snapshot.lastError;
          if (lastError) seen.lastErrorCodes.push(lastError.code);
        }
      });
      stores.push({ store, socket });
      const dispose = () => {
        store.dispose();
        seen.disposed = true;
      };
      return { store, socket, seen, dispose };
    }

    /** Resolves with the predicate's value once it is truthy; throws what was seen after `ms` (waitMs by default). */
    async function until(label, predicate, describeSeen = () => "", ms = waitMs) {
      const deadline = Date.now() + ms;
      for (;;) {
        const value = predicate();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}${describeSeen() ? `; saw ${describeSeen()}` : ""}`);
        await sleep(5);
      }
    }

    const reconnect = { enabled: true, backoff: "fixed", initialDelayMs: 50, maxDelayMs: 300, maxAttempts: 3 };

    try {
      await control("reset");
      switch (id) {
        case "a": {
          const { store, seen } = observe();
          const greeting = await until("the greeting topic", () => store.topic("greeting").get(), () => seen.statuses.join("→"));
          expectEqual("statuses", seen.statuses, ["connecting", "open"]);
          check("greeting topic holds the server's first message", /^hello \d+$/.test(String(greeting)), greeting);
          let echoes = 0;
          store.topic("echo").subscribe(() => (echoes += 1));
          store.send("ping");
          const echo = await until("the echo topic", () => store.topic("echo").get());
          expectEqual("echo topic", echo, "ping");
          expectEqual("echo topic notifications", echoes, 1);
          expectEqual("messages handled", seen.messages, 2);
          expectEqual("errors", seen.errors, []);
          break;
        }
        case "b": {
          const { store, socket, seen } = observe({ reconnect });
          await until("open", () => store.status === "open");
          await control("terminate");
          await until("reconnecting", () => seen.statuses.includes("reconnecting"), () => seen.statuses.join("→"));
          await until("open again on a new socket", () => store.status === "open" && store.socket !== socket, () => seen.statuses.join("→"));
          const snapshot = store.getSnapshot();
          expectEqual("statuses", seen.statuses, ["connecting", "open", "reconnecting", "connecting", "open"]);
          expectEqual("lastClose", snapshot.lastClose && { code: snapshot.lastClose.code, wasClean: snapshot.lastClose.wasClean }, { code: 1006, wasClean: false });
          expectEqual("attempt at each status", seen.attempts, [0, 0, 1, 1, 1]);
          expectEqual("sockets created (original + 1 replacement)", counting.instances.length, 2);
          expectEqual("listeners left on the terminated socket", counting.listenersOf(socket), []);
          store.send("after");
          await until("echo on the replacement", () => store.topic("echo").get() === "after");
          await until("the outage to end (attempt 0)", () => store.getSnapshot().attempt === 0);
          const server = await control("stats");
          expectEqual("server connections live", server.live.length, 1);
          break;
        }
        case "c": {
          const asked = [];
          const { store, seen } = observe({ reconnect: { ...reconnect, retryOnClose: (event) => (asked.push(event.code), event.code !== 4401) } });
          await until("open", () => store.status === "open");
          await control("close", { code: 4401, reason: "token expired" });
          await until("closed", () => store.status === "closed", () => seen.statuses.join("→"));
          const snapshot = store.getSnapshot();
          expectEqual("statuses", seen.statuses, ["connecting", "open", "closed"]);
          expectEqual("retryOnClose asked with", asked, [4401]);
          expectEqual("lastClose", snapshot.lastClose, { code: 4401, reason: "token expired", wasClean: true });
          expectEqual("retryDelayMs", snapshot.retryDelayMs, null);
          await sleep(reconnect.initialDelayMs * 3);
          expectEqual("sockets created", counting.instances.length, 1);
          expectEqual("server upgrades", (await control("stats")).upgrades, 1);
          expectEqual("package timers pending", timers.pending, 0);
          break;
        }
        case "d": {
          // The plain store, default options but for small delays: every runtime must end each
          // refused attempt by itself (its close event) or through the store's error-without-close
          // rule, well before the 10 s default connect timeout could.
          const refusal = { enabled: true, maxAttempts: 3, backoff: "fixed", initialDelayMs: 100 };
          const boundMs = refusal.maxAttempts * refusal.initialDelayMs + refusal.maxAttempts * refusalAllowanceMs;
          const { store, seen } = observe({ reconnect: refusal });
          await until("open", () => store.status === "open");
          await control("refuse", { on: 1 });
          const refusedFrom = now();
          await control("terminate");
          await until(`error within ${boundMs} ms (Σ delays + maxAttempts × ${refusalAllowanceMs} ms)`, () => store.status === "error", () => `${seen.statuses.join("→")} closes ${seen.closes} errors ${seen.errors}`, boundMs);
          const errorAt = seen.statusAt[seen.statuses.lastIndexOf("error")];
          details.msToError = Math.round(errorAt - refusedFrom);
          details.boundMs = boundMs;
          const snapshot = store.getSnapshot();
          expectEqual("replacement sockets", counting.instances.length - 1, refusal.maxAttempts);
          expectEqual("attempt", snapshot.attempt, refusal.maxAttempts);
          expectEqual("lastError", snapshot.lastError && snapshot.lastError.code, "ERR_RECONNECT_EXHAUSTED");
          expectEqual("statuses", seen.statuses, ["connecting", "open", ...Array(refusal.maxAttempts).fill(["reconnecting", "connecting"]).flat(), "error"]);
          expectEqual("last error reported", seen.errors.at(-1), "ERR_RECONNECT_EXHAUSTED");
          expectEqual("lastClose code and wasClean", snapshot.lastClose && { code: snapshot.lastClose.code, wasClean: snapshot.lastClose.wasClean }, { code: 1006, wasClean: false });
          check("no error message or snapshot field carries the URL's token", !JSON.stringify({ snapshot, message: snapshot.lastError?.message }).includes("secret-token"));
          // An error event never changes the status: every refused attempt's error is seen while connecting.
          const refusedErrorStatuses = seen.socketErrorStatuses.filter((status) => status !== "open");
          check("ERR_SOCKET_ERROR of the refused attempts reported while connecting", refusedErrorStatuses.length >= 1 && refusedErrorStatuses.every((status) => status === "connecting"), seen.socketErrorStatuses);
          // Which rule ended each refused attempt (replacement n is attempt n).
          const replacements = counting.instances.slice(1);
          const timedOut = (socket) => seen.errors.some((code, index) => code === "ERR_CONNECT_TIMEOUT" && seen.errorSockets[index] === socket);
          details.endedBy = replacements.map((socket) => endedBy(counting.recordOf(socket), timedOut(socket)));
          expectEqual("ERR_CONNECT_TIMEOUT reported", seen.errors.filter((code) => code === "ERR_CONNECT_TIMEOUT").length, 0);
          check(
            "each refused attempt ended by the runtime's close or by the error-without-close rule",
            details.endedBy.length === refusal.maxAttempts && details.endedBy.every((rule) => rule === ENDED_BY.runtimeClose || rule === ENDED_BY.errorWithoutClose),
            details.endedBy,
          );
          details.msPerAttempt = seen.connectingMs.slice(-refusal.maxAttempts).map(Math.round);
          details.readyStateAtError = replacements.map((socket) => counting.recordOf(socket).errors[0]?.readyState ?? null);
          details.refusedCloses = seen.closes.slice(1);
          details.socketErrors = seen.errors.filter((code) => code === "ERR_SOCKET_ERROR").length;
          const atError = await control("stats");
          await sleep(refusal.initialDelayMs * 3);
          const later = await control("stats");
          // Some clients send more than one upgrade request per socket (undici repeats a request answered 401).
          check("the server refused at least one request per replacement", atError.refused >= refusal.maxAttempts, atError);
          expectEqual("upgrade requests after error", later.upgrades - atError.upgrades, 0);
          details.requestsPerRefusedSocket = atError.refused / refusal.maxAttempts;
          expectEqual("sockets created after error", counting.instances.length - 1, refusal.maxAttempts);
          expectEqual("package timers pending", timers.pending, 0);
          break;
        }
        case "e": {
          const { store, seen } = observe({ reconnect: { ...reconnect, initialDelayMs: 300, maxDelayMs: 600 } });
          await until("open", () => store.status === "open");
          await control("terminate");
          await until("reconnecting", () => store.status === "reconnecting", () => seen.statuses.join("→"));
          expectEqual("package timers pending during backoff", timers.pending, 1);
          store.close();
          expectEqual("status after close()", store.status, "closed");
          expectEqual("package timers pending after close()", timers.pending, 0);
          const fired = timers.fired;
          await sleep(600);
          expectEqual("package timers fired after close()", timers.fired - fired, 0);
          expectEqual("sockets created", counting.instances.length, 1);
          expectEqual("server upgrades", (await control("stats")).upgrades, 1);
          expectEqual("statuses", seen.statuses, ["connecting", "open", "reconnecting", "closed"]);
          break;
        }
        case "f": {
          if (typeof SocketStore.prototype.drop !== "function") throw new Error("SocketStore.prototype.drop is missing from the built package");
          const { store, socket, seen } = observe({ reconnect });
          await until("open", () => store.status === "open");
          const [oldId] = (await control("stats")).live;
          expectEqual("server silenced", (await control("silence")).silenced, [oldId]);
          store.drop("heartbeat timeout");
          expectEqual("status when drop() returns", store.status, "reconnecting");
          expectEqual("lastClose", store.getSnapshot().lastClose, { code: 1006, reason: "heartbeat timeout", wasClean: false });
          expectEqual("closes reported", seen.closes, [1006]);
          // Until its close event, only a guard that keeps the dropped socket's late errors quiet may stay.
          check("listeners on the dropped socket before its close event", counting.listenersOf(socket).every((type) => type === "error" || type === "close"), counting.listenersOf(socket));
          await until("open on a new socket", () => store.status === "open" && store.socket !== socket, () => seen.statuses.join("→"));
          expectEqual("statuses", seen.statuses, ["connecting", "open", "reconnecting", "connecting", "open"]);
          const server = await control("stats");
          check("the fresh socket is a new server connection", server.live.length >= 1 && !server.live.includes(oldId) || server.live.some((liveId) => liveId !== oldId), server.live);
          store.send("fresh");
          await until("echo on the fresh connection", () => store.topic("echo").get() === "fresh");
          // terminate() (ws) ends the TCP connection at once; close() sends a close frame, and the
          // runtime keeps the connection until the silent server answers or its own timeout.
          const ended = await control("wait-end", { id: oldId, timeoutMs: dropEndWaitMs });
          check("the server saw the client end the dropped connection (TCP end or close frame)", ended.ended || ended.msToCloseFrame !== null, ended);
          details.dropEndedBy = ended.ended && ended.msToCloseFrame === null ? "TCP end" : ended.msToCloseFrame !== null ? "close frame" : "nothing";
          details.tcpEndMs = ended.msToEnd;
          details.dropEndWaitMs = dropEndWaitMs;
          if (!ended.ended) await control("destroy", { id: oldId });
          await until("the dropped socket's close event", () => socket.readyState === 3);
          await sleep(20);
          expectEqual("listeners left on the dropped socket once its connection ended", counting.listenersOf(socket), []);
          break;
        }
        case "g": {
          const { store, socket, seen } = observe();
          expectEqual("status at construction", store.status, "connecting");
          let thrown;
          try {
            store.send("too early");
          } catch (error) {
            thrown = error;
          }
          check("send() threw a SocketStoreError", isSocketStoreError(thrown), String(thrown));
          expectEqual("error code", thrown && thrown.code, "ERR_SOCKET_NOT_OPEN");
          expectEqual("socket.send calls", counting.sendsOf(socket), 0);
          await until("open", () => store.status === "open", () => seen.statuses.join("→"));
          store.send("now");
          expectEqual("socket.send calls once open", counting.sendsOf(socket), 1);
          await until("echo", () => store.topic("echo").get() === "now");
          break;
        }
        case "h": {
          // 1: dispose while a backoff timer is pending.
          const first = observe({ reconnect: { ...reconnect, initialDelayMs: 300, maxDelayMs: 600 } });
          await until("open", () => first.store.status === "open");
          await control("terminate");
          await until("reconnecting", () => first.store.status === "reconnecting");
          first.dispose();
          expectEqual("backoff: package timers pending after dispose", timers.pending, 0);
          expectEqual("backoff: listeners left", counting.liveListeners(), 0);
          await sleep(600);
          expectEqual("backoff: sockets created", counting.instances.length, 1);
          // 2: dispose while a replacement is open and its stability window timer is pending.
          await control("reset");
          const second = observe({ reconnect: { ...reconnect, maxDelayMs: 5000 } });
          await until("open", () => second.store.status === "open");
          await control("terminate");
          await until("open on a replacement", () => second.store.status === "open" && second.store.socket !== second.socket);
          const replacement = second.store.socket;
          expectEqual("stability window: package timers pending before dispose", timers.pending, 1);
          second.dispose();
          expectEqual("stability window: package timers pending after dispose", timers.pending, 0);
          check("listeners right after dispose: at most the replacement's quiet-error guard", counting.listenersOf(replacement).every((type) => type === "error" || type === "close") && counting.liveListeners() === counting.listenersOf(replacement).length, counting.instances.map(counting.listenersOf));
          check("the replacement the store obtained is closing or closed", replacement.readyState >= 2, replacement.readyState);
          const server = await control("wait-idle", { timeoutMs: waitMs });
          expectEqual("server connections live after dispose", server.live, []);
          await until("every socket closed", () => counting.instances.every((s) => s.readyState === 3), () => counting.instances.map((s) => s.readyState).join(","));
          await sleep(20);
          expectEqual("listeners left on every socket once closed", counting.liveListeners(), 0);
          await sleep(100);
          expectEqual("handler or subscriber calls after dispose", first.seen.afterDispose + second.seen.afterDispose, 0);
          expectEqual("package timers pending at the end", timers.pending, 0);
          details.timersCreated = timers.created;
          break;
        }
        case "i": {
          // A host that accepts TCP and never answers the upgrade: no runtime ends such an attempt
          // soon by itself, so the store's connect timeout ends each one.
          const connectTimeoutMs = HANG_TIMEOUT_MS;
          const options = { ...reconnect, connectTimeoutMs };
          const boundMs = waitMs + options.maxAttempts * (options.initialDelayMs + connectTimeoutMs);
          const { store, seen } = observe({ reconnect: options });
          await until("open", () => store.status === "open");
          await control("hang", { on: 1 });
          await control("terminate");
          await until("error", () => store.status === "error", () => `${seen.statuses.join("→")} closes ${seen.closes} errors ${seen.errors}`, boundMs);
          const snapshot = store.getSnapshot();
          expectEqual("statuses", seen.statuses, ["connecting", "open", ...Array(options.maxAttempts).fill(["reconnecting", "connecting"]).flat(), "error"]);
          expectEqual("replacement sockets", counting.instances.length - 1, options.maxAttempts);
          expectEqual("attempt", snapshot.attempt, options.maxAttempts);
          expectEqual("lastClose", snapshot.lastClose, { code: 1006, reason: "", wasClean: false });
          expectEqual("closes of the timed-out attempts", seen.closes.slice(1).map((code, index) => ({ code, reason: seen.closeReasons[index + 1] })), Array(options.maxAttempts).fill({ code: 1006, reason: "" }));
          // After the terminated socket's close (undici reports a server's terminate() as an error first).
          expectEqual("errors reported after the first close", seen.errors.slice(seen.errorsAtClose[0]), [...Array(options.maxAttempts).fill("ERR_CONNECT_TIMEOUT"), "ERR_RECONNECT_EXHAUSTED"]);
          expectEqual("lastError codes the snapshot showed, from the first timeout on", seen.lastErrorCodes.slice(seen.lastErrorCodes.indexOf("ERR_CONNECT_TIMEOUT")), [...Array(options.maxAttempts).fill("ERR_CONNECT_TIMEOUT"), "ERR_RECONNECT_EXHAUSTED"]);
          const attemptsMs = seen.connectingMs.slice(-options.maxAttempts);
          check(`each attempt lasted at least connectTimeoutMs (${connectTimeoutMs} ms)`, attemptsMs.length === options.maxAttempts && attemptsMs.every((ms) => ms >= connectTimeoutMs - CLOCK_PRECISION_MS), attemptsMs.map(Math.round));
          details.msPerAttempt = attemptsMs.map(Math.round);
          const atError = await control("stats");
          check("the server held one unanswered upgrade per attempt", atError.hung === options.maxAttempts, atError);
          await sleep(options.initialDelayMs * 3);
          const later = await control("stats");
          expectEqual("upgrade requests after error", later.upgrades - atError.upgrades, 0);
          expectEqual("sockets created after error", counting.instances.length - 1, options.maxAttempts);
          expectEqual("package timers pending", timers.pending, 0);
          // How the runtime ended the abandoned handshakes' TCP connections (observed, not judged).
          const deadline = Date.now() + dropEndWaitMs;
          let hungStats = later;
          while (hungStats.hungEnded < hungStats.hung && Date.now() < deadline) {
            await sleep(50);
            hungStats = await control("stats");
          }
          details.hungEnded = `${hungStats.hungEnded}/${hungStats.hung}`;
          details.dropEndWaitMs = dropEndWaitMs;
          break;
        }
      }
    } catch (error) {
      failures.push(`threw: ${error && error.stack ? String(error.stack).split("\n").slice(0, 3).join(" | ") : String(error)}`);
    } finally {
      for (const { store, socket } of stores) {
        try {
          store.dispose();
          if (socket.readyState < 2) socket.close();
        } catch (error) {
          failures.push(`cleanup threw: ${String(error)}`);
        }
      }
      timers.restore();
      output.restore();
    }
    if (output.lines.length > 0) failures.push(`the package wrote to the console: ${output.lines.join(" / ")}`);
    results.push({ id, name, ok: failures.length === 0, ms: Date.now() - started, failures, details });
  }
  try {
    await control("reset");
  } catch {}
  return results;
}
