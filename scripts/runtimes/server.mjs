// The server every runtime's scenarios run against: one HTTP port on 127.0.0.1 serves a `ws`
// WebSocket endpoint, a small control API the scenarios call with fetch() to trigger faults and
// read what the server saw, and (for browsers) the page, the scenario module and the built package.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";
import { WebSocketServer } from "ws";

const here = dirname(fileURLToPath(import.meta.url));
export const projectRoot = resolve(here, "../..");
const scenarioModule = join(projectRoot, "test/runtimes/scenarios.mjs");
const pagePath = join(here, "page.html");
const connectTimeoutRecipe = join(projectRoot, "examples/recipes/connect-timeout.ts");

/**
 * The connect-timeout recipe as the scenarios run it on every runtime: its TypeScript with the
 * types stripped (it imports nothing but types), served at /recipes/connect-timeout.js.
 */
export async function connectTimeoutRecipeSource() {
  const source = await readFile(connectTimeoutRecipe, "utf8");
  return (await transform(source, { loader: "ts", format: "esm", target: "es2020", sourcefile: "connect-timeout.ts" })).code;
}

/** Every wait the control API offers ends by itself after at most this long. */
const MAX_WAIT_MS = 90_000;

const contentTypes = { ".html": "text/html; charset=utf-8", ".mjs": "text/javascript; charset=utf-8", ".js": "text/javascript; charset=utf-8" };

function sendJson(response, status, body) {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "access-control-allow-origin": "*" });
  response.end(JSON.stringify(body));
}

/**
 * Starts the scenario server.
 * @param {{ packageDir: string, xstateDistDir: string }} options where dist/index.js and xstate's ESM build are
 */
export async function startScenarioServer({ packageDir, xstateDistDir }) {
  const state = { refuse: false, hang: false, upgrades: 0, refused: 0, nextId: 1 };
  /** Upgrade requests left unanswered while hanging (a host that accepts TCP and never answers): when each arrived and when its TCP connection ended. */
  const hung = [];
  /** @type {Map<number, { id: number, client: import("ws").WebSocket, raw: import("node:net").Socket, openedAt: number, silent: boolean, silencedAt: number | null, bytesAfterSilence: number, closeFrameAt: number | null, endedAt: number | null, waiters: Array<() => void> }>} */
  const connections = new Map();
  const wss = new WebSocketServer({ noServer: true });

  const live = () => [...connections.values()].filter((entry) => entry.endedAt === null);
  const describe = (entry) => ({
    id: entry.id,
    silent: entry.silent,
    ended: entry.endedAt !== null,
    msToEnd: entry.endedAt === null || entry.silencedAt === null ? null : entry.endedAt - entry.silencedAt,
    msToCloseFrame: entry.closeFrameAt === null || entry.silencedAt === null ? null : entry.closeFrameAt - entry.silencedAt,
  });
  const stats = () => ({
    upgrades: state.upgrades,
    refused: state.refused,
    accepted: connections.size,
    live: live().map((entry) => entry.id),
    connections: [...connections.values()].map(describe),
    hung: hung.length,
    hungEnded: hung.filter((entry) => entry.endedAt !== null).length,
  });

  wss.on("connection", (client, request) => {
    const id = state.nextId++;
    const entry = { id, client, raw: request.socket, openedAt: Date.now(), silent: false, silencedAt: null, bytesAfterSilence: 0, closeFrameAt: null, endedAt: null, waiters: [] };
    connections.set(id, entry);
    // The raw TCP socket's own close is the moment the server sees the connection end, silent or not.
    request.socket.once("close", () => {
      entry.endedAt = Date.now();
      for (const wake of entry.waiters.splice(0)) wake();
    });
    client.on("error", () => {});
    client.on("message", (data, isBinary) => {
      if (entry.silent) return;
      client.send(JSON.stringify({ topic: "echo", value: isBinary ? `binary:${data.length}` : String(data) }));
    });
    client.send(JSON.stringify({ topic: "greeting", value: `hello ${id}` }));
  });

  /**
   * Makes a connection silent without closing it: the WebSocket layer gets no more bytes (so it
   * answers nothing, not even a close frame) and the server writes nothing, but the TCP socket is
   * still read (and the bytes dropped), so the server notices when the client ends the connection.
   */
  function silence(entry) {
    entry.silent = true;
    entry.silencedAt = Date.now();
    entry.raw.removeAllListeners("data");
    entry.raw.on("data", (chunk) => {
      // A client close frame starts with 0x88 (FIN + opcode 8); nothing else is sent while silent.
      if (entry.closeFrameAt === null && chunk[0] === 0x88) entry.closeFrameAt = Date.now();
      entry.bytesAfterSilence += chunk.length;
    });
    entry.raw.resume();
  }

  function waitForEnd(entry, timeoutMs) {
    if (entry.endedAt !== null) return Promise.resolve();
    return new Promise((wake) => {
      const timer = setTimeout(wake, Math.min(timeoutMs, MAX_WAIT_MS));
      entry.waiters.push(() => {
        clearTimeout(timer);
        wake();
      });
    });
  }

  function resetState() {
    for (const entry of live()) entry.raw.destroy();
    for (const entry of hung.splice(0)) entry.raw.destroy();
    connections.clear();
    state.refuse = false;
    state.hang = false;
    state.upgrades = 0;
    state.refused = 0;
  }

  async function control(action, params, response) {
    switch (action) {
      case "reset":
        resetState();
        return sendJson(response, 200, stats());
      case "stats":
        return sendJson(response, 200, stats());
      case "refuse":
        state.refuse = params.get("on") !== "0";
        return sendJson(response, 200, stats());
      case "hang":
        state.hang = params.get("on") !== "0";
        return sendJson(response, 200, stats());
      case "terminate": {
        const ended = live().map((entry) => entry.id);
        for (const entry of live()) entry.client.terminate();
        return sendJson(response, 200, { ended });
      }
      case "close": {
        const code = Number(params.get("code") ?? 1000);
        const reason = params.get("reason") ?? "";
        const ended = live().map((entry) => entry.id);
        for (const entry of live()) entry.client.close(code, reason);
        return sendJson(response, 200, { ended });
      }
      case "silence": {
        const silenced = live().filter((entry) => !entry.silent);
        for (const entry of silenced) silence(entry);
        return sendJson(response, 200, { silenced: silenced.map((entry) => entry.id) });
      }
      case "destroy": {
        // Ends one connection from the server's side, as a server that finally gives up on it.
        const entry = connections.get(Number(params.get("id")));
        if (!entry) return sendJson(response, 404, { error: "no such connection" });
        entry.raw.destroy();
        return sendJson(response, 200, describe(entry));
      }
      case "wait-end": {
        const entry = connections.get(Number(params.get("id")));
        if (!entry) return sendJson(response, 404, { error: "no such connection" });
        await waitForEnd(entry, Number(params.get("timeoutMs") ?? 5000));
        return sendJson(response, 200, describe(entry));
      }
      case "wait-idle": {
        // Resolves once no connection is live (or the timeout passed), then reports.
        const deadline = Date.now() + Math.min(Number(params.get("timeoutMs") ?? 5000), MAX_WAIT_MS);
        while (live().length > 0 && Date.now() < deadline) {
          await Promise.race(live().map((entry) => waitForEnd(entry, deadline - Date.now())));
        }
        return sendJson(response, 200, stats());
      }
      default:
        return sendJson(response, 404, { error: `unknown action ${action}` });
    }
  }

  function staticFile(pathname) {
    if (pathname === "/" || pathname === "/page.html") return pagePath;
    if (pathname === "/scenarios.mjs") return scenarioModule;
    if (pathname === "/package/index.js") return join(packageDir, "dist/index.js");
    const vendor = /^\/vendor\/xstate\/([A-Za-z0-9-]+\.esm\.js)$/.exec(pathname);
    if (vendor && !vendor[1].includes("development")) return join(xstateDistDir, vendor[1]);
    return null;
  }

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method === "OPTIONS") return sendJson(response, 204, {});
    const action = /^\/control\/([a-z-]+)$/.exec(url.pathname);
    if (action) return control(action[1], url.searchParams, response);
    if (url.pathname === "/favicon.ico") return response.writeHead(204).end();
    if (url.pathname === "/recipes/connect-timeout.js") {
      response.writeHead(200, { "content-type": contentTypes[".js"], "cache-control": "no-store" });
      return response.end(await connectTimeoutRecipeSource());
    }
    const file = staticFile(url.pathname);
    if (!file) return sendJson(response, 404, { error: "not found" });
    try {
      const body = await readFile(file);
      const type = contentTypes[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream";
      response.writeHead(200, { "content-type": type, "cache-control": "no-store" });
      response.end(body);
    } catch {
      sendJson(response, 404, { error: "not found" });
    }
  });

  server.on("upgrade", (request, socket, head) => {
    state.upgrades += 1;
    socket.on("error", () => {});
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/ws") {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    if (state.refuse) {
      // Like an expired token: the upgrade is answered with 401.
      state.refused += 1;
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    if (state.hang) {
      // A host that accepts the TCP connection and never answers the upgrade request.
      const entry = { raw: socket, arrivedAt: Date.now(), endedAt: null };
      hung.push(entry);
      // Read (and drop) what comes, so the client's FIN is seen ("end": HTTP sockets allow half-open).
      const ended = () => (entry.endedAt ??= Date.now());
      socket.once("end", ended);
      socket.once("close", ended);
      socket.resume();
      return;
    }
    wss.handleUpgrade(request, socket, head, (client) => wss.emit("connection", client, request));
  });

  await new Promise((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
  const { port } = server.address();
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    wsUrl: `ws://127.0.0.1:${port}/ws?token=secret-token`,
    stats,
    async close() {
      for (const entry of live()) entry.raw.destroy();
      for (const entry of hung.splice(0)) entry.raw.destroy();
      wss.close();
      server.closeAllConnections?.();
      await new Promise((resolveClose) => server.close(() => resolveClose()));
    },
  };
}
