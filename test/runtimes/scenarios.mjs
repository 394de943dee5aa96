// Runtime-neutral scenarios for the built socket-store package. Plain ESM with no imports: the
// same file runs in Node, Bun and browser pages. Each runtime hands in the package's exports,
// its own WebSocket class, the connect-timeout recipe (examples/recipes/connect-timeout.ts with its
// types stripped) and the URL of the scenario server (scripts/runtimes/server.mjs), whose control
// API (fetch) triggers faults and reports what the server saw.

const realSetTimeout = globalThis.setTimeout.bind(globalThis);

/** By default, how long any single wait may take before the scenario reports what it saw instead. */
const WAIT_MS = 8_000;
/** By default, how long the server waits to see the TCP connection of a dropped socket end before ending it itself. */
const DROP_END_WAIT_MS = 2_000;
/** The connect timeout of scenario d: far above the few hundred ms any runtime here takes to report a refused upgrade. */
const REFUSAL_TIMEOUT_MS = 4_000;
/** The connect timeout of scenario i, against a host that never answers the upgrade. */
const HANG_TIMEOUT_MS = 500;

const sleep = (ms) => new Promise((wake) => realSetTimeout(wake, ms));

export const SCENARIOS = [
  ["a", "open → message → topic"],
  ["b", "server terminate → reconnecting → open again"],
  ["c", "server close 4401, retryOnClose declines → closed"],
  ["d", "refused upgrade (401), under a connect timeout → maxAttempts replacements → error"],
  ["e", "close() during backoff → nothing pending"],
  ["f", "drop() on a silent connection → reconnecting at once, fresh connection"],
  ["g", "send() before open → ERR_SOCKET_NOT_OPEN"],
  ["h", "dispose → no listener, timer or socket left"],
  ["i", "upgrade never answered, connect timeout built on drop() → maxAttempts → error"],
];

/**
 * Wraps a WebSocket class so the scenarios can count what the package does with it: instances
 * created (the default replacement uses `new previous.constructor(...)`, so replacements are
 * counted too), listeners added and not removed, and `send()` calls.
 */
function countingClass(Base) {
  const instances = [];
  const live = new WeakMap();
  const sends = new WeakMap();
  const key = (type, listener, options) => {
    const capture = typeof options === "boolean" ? options : Boolean(options && options.capture);
    return { type, listener, capture };
  };
  class CountingWebSocket extends Base {
    constructor(...args) {
      super(...args);
      instances.push(this);
      live.set(this, []);
      sends.set(this, 0);
    }
    addEventListener(type, listener, options) {
      const entries = live.get(this);
      const wanted = key(type, listener, options);
      if (entries && listener && !entries.some((e) => e.type === wanted.type && e.listener === listener && e.capture === wanted.capture)) entries.push(wanted);
      return super.addEventListener(type, listener, options);
    }
    removeEventListener(type, listener, options) {
      const entries = live.get(this);
      const wanted = key(type, listener, options);
      if (entries) {
        const index = entries.findIndex((e) => e.type === wanted.type && e.listener === listener && e.capture === wanted.capture);
        if (index !== -1) entries.splice(index, 1);
      }
      return super.removeEventListener(type, listener, options);
    }
    send(data) {
      sends.set(this, (sends.get(this) ?? 0) + 1);
      return super.send(data);
    }
  }
  return {
    Class: CountingWebSocket,
    instances,
    listenersOf: (socket) => (live.get(socket) ?? []).map((entry) => entry.type),
    liveListeners: () => instances.reduce((sum, socket) => sum + (live.get(socket)?.length ?? 0), 0),
    sendsOf: (socket) => sends.get(socket) ?? 0,
  };
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
 *
 * `refusedUpgradeCloses` is what the runtime's WebSocket is declared to do after a refused
 * upgrade: fire `close` (true, as the WHATWG standard requires) or never (false). Scenario d
 * checks that the runtime did what is declared, so a runtime that changes is noticed.
 * @param {{ SocketStore: any, isSocketStoreError: (value: unknown) => boolean, withConnectTimeout: (store: any, options: { timeoutMs: number, reason?: string }) => () => void,
 *   WebSocket: any, serverUrl: string, wsUrl: string, packageUrlPart: string, only?: string[], dropEndWaitMs?: number, waitMs?: number,
 *   refusedUpgradeCloses?: boolean, refusalTimeoutMs?: number }} options
 */
export async function runScenarios({ SocketStore, isSocketStoreError, withConnectTimeout, WebSocket, serverUrl, wsUrl, packageUrlPart, only, dropEndWaitMs = DROP_END_WAIT_MS, waitMs = WAIT_MS, refusedUpgradeCloses = true, refusalTimeoutMs = REFUSAL_TIMEOUT_MS }) {
  async function control(action, params = {}) {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
    const response = await fetch(`${serverUrl}/control/${action}${query ? `?${query}` : ""}`);
    return response.json();
  }

  const results = [];
  for (const [id, name] of SCENARIOS) {
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
      const seen = { statuses: [], attempts: [], errors: [], socketErrorStatuses: [], closes: [], closeReasons: [], connectingMs: [], messages: 0, afterDispose: 0, disposed: false };
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
            if (next.status === "connecting") connectingSince ??= Date.now();
            else if (connectingSince !== null) {
              seen.connectingMs.push(Date.now() - connectingSince);
              connectingSince = null;
            }
            seen.statuses.push(next.status);
            seen.attempts.push(next.attempt);
          },
          onError(error) {
            note();
            seen.errors.push(error.code);
            if (error.code === "ERR_SOCKET_ERROR") seen.socketErrorStatuses.push(store?.status);
          },
          onClose(event) {
            note();
            seen.closes.push(event.code);
            seen.closeReasons.push(event.reason);
          },
          ...handlers,
        },
        options,
      );
      seen.statuses.push(store.status);
      seen.attempts.push(store.getSnapshot().attempt);
      if (store.status === "connecting") connectingSince = Date.now();
      store.subscribe(note);
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

    /**
     * Opens a store with reconnect, then (under the connect-timeout recipe from then on: the
     * attempts of the outage are the subject, not the first connection) turns the server's
     * `fault` on and ends the connection; resolves once the outage ended in `error`, after
     * checking what every exhausted outage shows.
     */
    async function exhaustUnderTimeout(fault, timeoutMs) {
      const observed = observe({ reconnect });
      const { store, seen } = observed;
      await until("open", () => store.status === "open");
      const stopTimeout = withConnectTimeout(store, { timeoutMs });
      await control(fault, { on: 1 });
      await control("terminate");
      await until("error", () => store.status === "error", () => `${seen.statuses.join("→")} closes ${seen.closes} errors ${seen.errors}`, waitMs + reconnect.maxAttempts * timeoutMs);
      stopTimeout();
      const snapshot = store.getSnapshot();
      expectEqual("replacement sockets", counting.instances.length - 1, reconnect.maxAttempts);
      expectEqual("attempt", snapshot.attempt, reconnect.maxAttempts);
      expectEqual("lastError", snapshot.lastError && snapshot.lastError.code, "ERR_RECONNECT_EXHAUSTED");
      expectEqual("reconnecting phases", seen.statuses.filter((s) => s === "reconnecting").length, reconnect.maxAttempts);
      return { ...observed, snapshot };
    }

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
          // Run as an application should deploy the store: with a connect timeout (the recipe),
          // because a runtime may never report the end of an attempt. The timeout is far
          // above the time any runtime here takes to report a refusal, so the timeout ends an
          // attempt only where the runtime fires no close at all, and the scenario checks which
          // of the two ended each refused attempt against what the runtime is declared to do.
          const { seen, snapshot } = await exhaustUnderTimeout("refuse", refusalTimeoutMs);
          expectEqual("last status", seen.statuses.at(-1), "error");
          expectEqual("last error reported", seen.errors.at(-1), "ERR_RECONNECT_EXHAUSTED");
          check("no error message or snapshot field carries the URL's token", !JSON.stringify({ snapshot, message: snapshot.lastError?.message }).includes("secret-token"));
          // An error event never changes the status: every refused attempt's error is seen while connecting.
          const refusedErrorStatuses = seen.socketErrorStatuses.filter((status) => status !== "open");
          check("ERR_SOCKET_ERROR of the refused attempts reported while connecting", refusedErrorStatuses.length >= 1 && refusedErrorStatuses.every((status) => status === "connecting"), seen.socketErrorStatuses);
          const timedOut = seen.closeReasons.filter((reason) => reason === "connect timeout").length;
          if (refusedUpgradeCloses) {
            expectEqual("refused attempts ended by the connect timeout instead of the runtime's close event", timedOut, 0);
          } else {
            expectEqual("refused attempts ended by the connect timeout (this runtime fires no close after a refusal)", timedOut, reconnect.maxAttempts);
          }
          details.attemptsEndedByTimeout = timedOut;
          details.longestRefusedAttemptMs = Math.max(...seen.connectingMs.slice(-reconnect.maxAttempts));
          details.refusedCloses = seen.closes.slice(1);
          details.socketErrors = seen.errors.filter((code) => code === "ERR_SOCKET_ERROR").length;
          const atError = await control("stats");
          await sleep(reconnect.initialDelayMs * 3);
          const later = await control("stats");
          // Some clients send more than one upgrade request per socket (undici repeats a request answered 401).
          check("the server refused at least one request per replacement", atError.refused >= reconnect.maxAttempts, atError);
          expectEqual("upgrade requests after error", later.upgrades - atError.upgrades, 0);
          details.requestsPerRefusedSocket = atError.refused / reconnect.maxAttempts;
          expectEqual("sockets created after error", counting.instances.length - 1, reconnect.maxAttempts);
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
          // soon by itself, so the connect timeout (the recipe, built on drop()) ends each one.
          const { seen, snapshot } = await exhaustUnderTimeout("hang", HANG_TIMEOUT_MS);
          expectEqual("statuses", seen.statuses, ["connecting", "open", ...Array(reconnect.maxAttempts).fill(["reconnecting", "connecting"]).flat(), "error"]);
          expectEqual("lastClose", snapshot.lastClose, { code: 1006, reason: "connect timeout", wasClean: false });
          expectEqual("closes reported (the terminated socket, then each timed-out attempt)", seen.closeReasons.slice(1), Array(reconnect.maxAttempts).fill("connect timeout"));
          check("each attempt lasted at least the timeout", seen.connectingMs.slice(-reconnect.maxAttempts).every((ms) => ms >= HANG_TIMEOUT_MS - 20), seen.connectingMs);
          const atError = await control("stats");
          check("the server held one unanswered upgrade per attempt", atError.hung === reconnect.maxAttempts, atError);
          await sleep(reconnect.initialDelayMs * 3);
          expectEqual("sockets created after error", counting.instances.length - 1, reconnect.maxAttempts);
          expectEqual("package timers pending", timers.pending, 0);
          // How the runtime ended the abandoned handshakes' TCP connections (observed, not judged).
          const deadline = Date.now() + dropEndWaitMs;
          let hungStats = await control("stats");
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
