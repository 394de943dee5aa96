// A `ws` server on 127.0.0.1 with the faults a WebSocket client meets in the wild, for the
// package's tests, the runtime scenarios, the soak, the benchmarks and the demo:
//
// - end connections: terminate (no close frame: the client sees 1006) or close with a code and reason;
// - refuse upgrades with an HTTP status (an expired token: 401);
// - never answer upgrades: accept the TCP connection and stay silent (the request is read, then
//   nothing; the socket keeps being read so the client's FIN is seen);
// - go silent: an open connection stops answering anything (messages, pings, close frames) but
//   stays open; its TCP socket is still read, so the server sees the client's close frame and end;
// - flap: accept an upgrade, then close the connection at once;
// - echo (the default message handler) or any handler given.
//
// Faults last until stopped, or `forMs`. Plain HTTP requests go to `onRequest` (404 without it).
import { createServer, STATUS_CODES } from "node:http";
import { WebSocketServer } from "ws";

const noop = () => {};

/** Sends each message back as it came: the default `onMessage`. */
export function echo(connection, data, isBinary) {
  connection.send(data, { binary: isBinary });
}

/**
 * One accepted connection. A class, so that a benchmark's thousands of connections cost a few
 * fields each (the server runs in the measured process).
 */
class Connection {
  #shared;
  #waiters;
  #silentTimer;

  constructor(id, client, tcp, flapped, shared) {
    this.id = id;
    this.client = client;
    this.tcp = tcp;
    this.flapped = flapped;
    this.openedAt = Date.now();
    this.silent = false;
    this.silencedAt = null;
    this.closeFrameAt = null;
    this.endedAt = null;
    this.#shared = shared;
    shared.live.add(this);
    // The TCP socket's own close is the moment the server sees the connection end, silent or not.
    tcp.once("close", () => {
      this.endedAt = Date.now();
      shared.live.delete(this);
      clearTimeout(this.#silentTimer);
      for (const wake of this.#waiters?.splice(0) ?? []) wake();
    });
  }

  get ended() {
    return this.endedAt !== null;
  }

  send(data, options) {
    if (this.silent || this.client.readyState !== 1) return false;
    this.client.send(data, options ?? {});
    return true;
  }

  terminate() {
    if (this.ended) return false;
    this.#shared.counters.terminated += 1;
    this.client.terminate();
    return true;
  }

  close(code, reason) {
    if (this.ended) return false;
    this.#shared.counters.closed += 1;
    this.client.close(code, reason);
    return true;
  }

  /**
   * Nothing more reaches the WebSocket layer (so it answers nothing, not even a close frame or a
   * ping) and nothing is written, but the TCP socket is still read and its bytes dropped, so the
   * server notices the client's close frame and the end of the connection.
   */
  silence() {
    if (this.silent || this.ended) return false;
    this.#shared.counters.silenced += 1;
    this.silent = true;
    this.silencedAt = Date.now();
    this.tcp.removeAllListeners("data");
    this.tcp.on("data", (chunk) => {
      // A client's close frame starts with 0x88 (FIN + opcode 8); nothing else is sent while silent.
      if (this.closeFrameAt === null && chunk[0] === 0x88) this.closeFrameAt = Date.now();
    });
    this.tcp.resume();
    const limit = this.#shared.silentLimitMs;
    if (limit !== undefined) this.#silentTimer = setTimeout(() => this.terminate(), limit);
    return true;
  }

  waitForEnd(timeoutMs) {
    if (this.ended) return Promise.resolve(true);
    return new Promise((resolveWait) => {
      const timer = setTimeout(() => resolveWait(false), timeoutMs);
      (this.#waiters ??= []).push(() => {
        clearTimeout(timer);
        resolveWait(true);
      });
    });
  }
}

/**
 * Starts a fault server.
 * @param {import("./fault-server.d.mts").FaultServerOptions} [options]
 * @returns {Promise<import("./fault-server.d.mts").FaultServer>}
 */
export async function startFaultServer(options = {}) {
  const { host = "127.0.0.1", port = 0, backlog, path, accept, onConnection, onRequest, silentLimitMs, history = true } = options;
  const onMessage = options.onMessage === undefined ? echo : options.onMessage;

  const counters = { upgrades: 0, refused: 0, hung: 0, accepted: 0, flapped: 0, terminated: 0, closed: 0, silenced: 0 };
  const faults = {
    refuse: { until: 0, status: 401 },
    hang: { until: 0, timer: undefined },
    flap: { until: 0, code: 1012, reason: "flapping" },
  };
  /** @type {Set<import("./fault-server.d.mts").Connection>} */
  const live = new Set();
  /** @type {import("./fault-server.d.mts").Connection[]} */
  const connections = [];
  /** Upgrade requests held unanswered: what arrived and when its TCP connection ended. */
  const held = [];
  let nextId = 1;

  const wss = new WebSocketServer({ noServer: true, clientTracking: false });
  /** What every connection of this server shares. */
  const shared = { counters, silentLimitMs, live };
  const isOn = (fault) => Date.now() < fault.until;
  const remainingMs = (fault) => (isOn(fault) ? (Number.isFinite(fault.until) ? fault.until - Date.now() : Infinity) : 0);
  const untilOf = (forMs) => (forMs === undefined ? Infinity : forMs > 0 ? Date.now() + forMs : 0);

  function refuseSocket(socket, status) {
    counters.refused += 1;
    socket.once("finish", () => socket.destroy());
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Refused"}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  /** Answers an upgrade request as the server is now: refused, or accepted (and perhaps flapped at once). */
  function answer(request, socket, head) {
    if (isOn(faults.refuse)) return refuseSocket(socket, faults.refuse.status);
    const verdict = accept ? accept(request) : true;
    if (verdict !== true) return refuseSocket(socket, typeof verdict === "number" ? verdict : 403);
    wss.handleUpgrade(request, socket, head, (client) => connected(client, socket));
  }

  function connected(client, tcp) {
    const connection = new Connection(nextId++, client, tcp, isOn(faults.flap), shared);
    if (history) connections.push(connection);
    client.on("error", noop);
    if (connection.flapped) {
      counters.flapped += 1;
      client.close(faults.flap.code, faults.flap.reason);
      return;
    }
    counters.accepted += 1;
    if (onMessage) client.on("message", (data, isBinary) => onMessage(connection, data, isBinary));
    onConnection?.(connection);
  }

  function hold(request, socket, head) {
    counters.hung += 1;
    const entry = { request, socket, head, arrivedAt: Date.now(), endedAt: null };
    held.push(entry);
    // Read (and drop) what comes, so the client's FIN is seen ("end": HTTP sockets allow half-open).
    const ended = () => (entry.endedAt ??= Date.now());
    socket.once("end", ended);
    socket.once("close", ended);
    socket.resume();
  }

  /** The held requests whose client is still there are answered as the server is now; the others are let go. */
  function releaseHeld() {
    for (const entry of held.splice(0)) {
      if (entry.endedAt !== null || entry.socket.destroyed) {
        entry.socket.destroy();
        continue;
      }
      // hold() let the request's socket flow (to see the client's FIN) with nobody reading; ws
      // reads it through a "data" listener, which does not restart a stream paused on purpose.
      answer(entry.request, entry.socket, entry.head);
    }
  }

  function destroyHeld() {
    for (const entry of held.splice(0)) entry.socket.destroy();
  }

  const server = createServer((request, response) => {
    if (onRequest) return onRequest(request, response);
    response.writeHead(404, { "content-length": 0 }).end();
  });

  server.on("upgrade", (request, socket, head) => {
    counters.upgrades += 1;
    socket.on("error", noop);
    if (path !== undefined && new URL(request.url ?? "/", "http://127.0.0.1").pathname !== path) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    if (isOn(faults.hang)) return hold(request, socket, head);
    answer(request, socket, head);
  });

  await new Promise((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen({ host, port, ...(backlog === undefined ? {} : { backlog }) }, () => {
      server.off("error", rejectListen);
      resolveListen();
    });
  });
  const boundPort = server.address().port;

  const liveConnections = () => [...live];

  const faultServer = {
    url: `http://${host}:${boundPort}`,
    wsUrl: `ws://${host}:${boundPort}${path ?? "/"}`,
    port: boundPort,
    connections,
    live: liveConnections,
    get held() {
      return held.map(({ arrivedAt, endedAt }) => ({ arrivedAt, endedAt }));
    },

    refuseUpgrades({ status = 401, forMs } = {}) {
      faults.refuse.status = status;
      faults.refuse.until = untilOf(forMs);
    },
    neverAnswerUpgrades({ forMs } = {}) {
      clearTimeout(faults.hang.timer);
      faults.hang.until = untilOf(forMs);
      if (faults.hang.until === 0) releaseHeld();
      else if (Number.isFinite(faults.hang.until)) faults.hang.timer = setTimeout(releaseHeld, forMs);
    },
    flap({ code = 1012, reason = "flapping", forMs } = {}) {
      faults.flap.code = code;
      faults.flap.reason = reason;
      faults.flap.until = untilOf(forMs);
    },
    stop(fault) {
      if (fault === "hang") faultServer.neverAnswerUpgrades({ forMs: 0 });
      else faults[fault].until = 0;
    },
    heal() {
      faults.refuse.until = 0;
      faults.flap.until = 0;
      faultServer.neverAnswerUpgrades({ forMs: 0 });
    },

    terminateAll() {
      return liveConnections().filter((connection) => connection.terminate()).length;
    },
    closeAll(code, reason) {
      return liveConnections().filter((connection) => connection.close(code, reason)).length;
    },
    silenceAll() {
      return liveConnections().filter((connection) => connection.silence()).length;
    },
    broadcast(data) {
      return liveConnections().filter((connection) => connection.send(data)).length;
    },

    state() {
      return {
        live: live.size,
        silent: liveConnections().filter((connection) => connection.silent).length,
        refusing: isOn(faults.refuse),
        refusingForMs: remainingMs(faults.refuse),
        hanging: isOn(faults.hang),
        hangingForMs: remainingMs(faults.hang),
        flapping: isOn(faults.flap),
        flappingForMs: remainingMs(faults.flap),
        held: held.length,
        heldEnded: held.filter((entry) => entry.endedAt !== null).length,
        ...counters,
      };
    },

    reset() {
      faults.refuse.until = 0;
      faults.flap.until = 0;
      faults.hang.until = 0;
      clearTimeout(faults.hang.timer);
      destroyHeld();
      for (const connection of liveConnections()) connection.tcp.destroy();
      connections.length = 0;
      for (const key of Object.keys(counters)) counters[key] = 0;
    },

    close() {
      clearTimeout(faults.hang.timer);
      destroyHeld();
      for (const connection of liveConnections()) connection.tcp.destroy();
      wss.close();
      server.closeAllConnections();
      return new Promise((resolveClose) => server.close(() => resolveClose()));
    },
  };
  return faultServer;
}
