// The demo server: one HTTP port serves the page, the built package, the live statechart and a
// WebSocket endpoint (the tests' fault server) whose faults can be triggered from the page, over
// HTTP, or from tests.
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { startFaultServer } from "../../test/support/fault-server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, "../..");
const publicDir = join(here, "public");
const defaultDistDir = join(projectRoot, "dist");
const xstateDistDir = join(projectRoot, "node_modules/xstate/dist");
const statechartSvg = join(projectRoot, "visualizations/connection-overview.svg");
const heartbeatRecipe = join(projectRoot, "examples/recipes/heartbeat.ts");

export const DEMO_CLOSE_CODES = Object.freeze([1000, 1001, 1008, 4001, 4401]);
export const FLAP_CLOSE_CODE = 1012;
const MAX_FAULT_SECONDS = 600;
// A silenced connection is terminated after this long, so none is left behind.
const SILENT_LIMIT_MS = 30_000;

const contentTypes = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml; charset=utf-8",
};

/** Static routes: only these files are served, so no request path reaches the file system. */
function staticFile(pathname, distDir) {
  if (pathname === "/" || pathname === "/index.html") return join(publicDir, "index.html");
  if (pathname === "/app.js") return join(publicDir, "app.js");
  if (pathname === "/statechart.js") return join(publicDir, "statechart.js");
  if (pathname === "/style.css") return join(publicDir, "style.css");
  if (pathname === "/statechart.svg") return statechartSvg;
  if (pathname === "/socket-store/index.js") return join(distDir, "index.js");
  // xstate's ESM build imports its chunks relatively; production builds only.
  const vendor = /^\/vendor\/xstate\/([A-Za-z0-9-]+\.esm\.js)$/.exec(pathname);
  if (vendor && !vendor[1].includes("development")) return join(xstateDistDir, vendor[1]);
  return null;
}

function extensionOf(path) {
  const dot = path.lastIndexOf(".");
  return dot === -1 ? "" : path.slice(dot);
}

/**
 * The heartbeat recipe for the page: browsers cannot import TypeScript, so esbuild compiles it.
 * Its import of the package source becomes the page's `socket-store` (the import map's built
 * package), so the recipe and the page share one SocketStore class.
 */
async function bundleHeartbeatRecipe() {
  const result = await build({
    entryPoints: [heartbeatRecipe],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "package-from-import-map",
        setup(esbuild) {
          esbuild.onResolve({ filter: /^socket-store$/ }, () => ({ path: "socket-store", external: true }));
        },
      },
    ],
  });
  return result.outputFiles[0].text;
}

function sendJson(response, status, body) {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

function parseSeconds(value) {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_FAULT_SECONDS) return null;
  return seconds;
}

/**
 * Starts the demo on 127.0.0.1.
 * @param {{ port?: number, tickMs?: number, distDir?: string }} [options] port 0 (default) picks a
 *   free one; distDir is the build of the package the page runs (default: the project's dist/).
 */
export async function startDemoServer({ port = 0, tickMs = 1000, distDir = defaultDistDir } = {}) {
  let heartbeatBundle = null;
  /** @type {import("../../test/support/fault-server.d.mts").FaultServer} */
  let faults;

  const forMs = (seconds) => seconds * 1000;

  const controls = {
    /** Terminates every connection (no close frame: clients see 1006). */
    dropConnections: () => faults.terminateAll(),
    /** Closes every connection with a close frame carrying `code`. */
    closeConnections(code, reason = "closed by the demo server") {
      if (!DEMO_CLOSE_CODES.includes(code)) throw new RangeError(`close code must be one of ${DEMO_CLOSE_CODES.join(", ")}`);
      return faults.closeAll(code, reason);
    },
    /**
     * Every open connection goes silent without closing: nothing more reaches its WebSocket
     * layer and the server writes nothing to it. Only the client's heartbeat can tell; the server
     * terminates the connection after 30 s.
     */
    silenceConnections: () => faults.silenceAll(),
    /** Answers every upgrade with 401 for `seconds` (0 stops refusing). */
    refuseUpgrades: (seconds) => faults.refuseUpgrades({ status: 401, forMs: forMs(seconds) }),
    stopRefusing: () => faults.stop("refuse"),
    /** Accepts the TCP connection of every upgrade and never answers it, for `seconds` (0 stops). */
    neverAnswerUpgrades: (seconds) => faults.neverAnswerUpgrades({ forMs: forMs(seconds) }),
    stopNeverAnswering: () => faults.stop("hang"),
    /** Accepts every upgrade and closes it at once, for `seconds` (0 stops flapping). */
    flap: (seconds) => faults.flap({ code: FLAP_CLOSE_CODE, reason: "flapping", forMs: forMs(seconds) }),
    stopFlapping: () => faults.stop("flap"),
    /** Stops every fault. */
    heal: () => faults.heal(),
    state() {
      const state = faults.state();
      return {
        clients: state.live,
        silent: state.silent,
        refusing: state.refusing,
        refusingForMs: state.refusingForMs,
        neverAnswering: state.hanging,
        neverAnsweringForMs: state.hangingForMs,
        flapping: state.flapping,
        flappingForMs: state.flappingForMs,
        accepted: state.accepted,
        refused: state.refused,
        unanswered: state.hung,
        flapped: state.flapped,
        dropped: state.terminated,
        closed: state.closed,
        silenced: state.silenced,
      };
    },
  };

  /** POST /api/<fault>?seconds=N: a fault for N seconds (0 stops it). */
  const timedFaults = { "/api/refuse": controls.refuseUpgrades, "/api/never-answer": controls.neverAnswerUpgrades, "/api/flap": controls.flap };

  async function handleApi(request, response, url) {
    if (request.method === "GET" && url.pathname === "/api/state") return sendJson(response, 200, controls.state());
    if (request.method !== "POST") return sendJson(response, 405, { error: "use POST" });
    const timed = timedFaults[url.pathname];
    if (timed) {
      const seconds = parseSeconds(url.searchParams.get("seconds") ?? "10");
      if (seconds === null) return sendJson(response, 400, { error: `seconds must be 0..${MAX_FAULT_SECONDS}` });
      timed(seconds);
      return sendJson(response, 200, controls.state());
    }
    switch (url.pathname) {
      case "/api/drop":
        return sendJson(response, 200, { dropped: controls.dropConnections() });
      case "/api/silence":
        return sendJson(response, 200, { silenced: controls.silenceConnections() });
      case "/api/close": {
        const code = Number(url.searchParams.get("code"));
        if (!DEMO_CLOSE_CODES.includes(code)) return sendJson(response, 400, { error: `code must be one of ${DEMO_CLOSE_CODES.join(", ")}` });
        return sendJson(response, 200, { closed: controls.closeConnections(code) });
      }
      case "/api/heal":
        controls.heal();
        return sendJson(response, 200, controls.state());
      default:
        return sendJson(response, 404, { error: "unknown control" });
    }
  }

  async function onRequest(request, response) {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    try {
      if (url.pathname.startsWith("/api/")) return await handleApi(request, response, url);
      if (request.method === "GET" && url.pathname === "/recipes/heartbeat.js") {
        heartbeatBundle ??= bundleHeartbeatRecipe().catch((error) => {
          heartbeatBundle = null;
          throw error;
        });
        response.writeHead(200, { "content-type": contentTypes[".js"], "cache-control": "no-store" });
        return response.end(await heartbeatBundle);
      }
      const file = request.method === "GET" ? staticFile(url.pathname, distDir) : null;
      if (!file) return sendJson(response, 404, { error: "not found" });
      const body = await readFile(file);
      response.writeHead(200, { "content-type": contentTypes[extensionOf(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      response.end(body);
    } catch (error) {
      const missingBuild = error?.code === "ENOENT" && isPackagePath(url.pathname);
      const missingDiagram = error?.code === "ENOENT" && url.pathname === "/statechart.svg";
      sendJson(response, missingBuild || missingDiagram ? 503 : 500, {
        error: missingBuild
          ? "dist/index.js is missing: run `npm run build` (or `npm start`)"
          : missingDiagram
            ? "visualizations/connection-overview.svg is missing: run `npm run visualize`"
            : "server error",
      });
    }
  }

  faults = await startFaultServer({
    port,
    path: "/ws",
    silentLimitMs: SILENT_LIMIT_MS,
    onRequest,
    // A fresh connection sees the clock at once instead of waiting for the next tick.
    onConnection: (connection) => connection.send(JSON.stringify({ topic: "clock", value: new Date().toISOString() })),
    onMessage(connection, data, isBinary) {
      // The page's heartbeat: an application-level ping, answered with a plain "pong".
      if (!isBinary && data.toString() === "ping") return connection.send("pong");
      const value = isBinary ? `<${data.length} bytes>` : data.toString();
      connection.send(JSON.stringify({ topic: "echo", value }));
    },
  });
  const ticker = setInterval(() => faults.broadcast(JSON.stringify({ topic: "clock", value: new Date().toISOString() })), tickMs);

  let closing = null;
  function close() {
    closing ??= (clearInterval(ticker), faults.close());
    return closing;
  }

  return {
    url: `${faults.url}/`,
    wsUrl: faults.wsUrl,
    port: faults.port,
    close,
    ...controls,
  };
}

function isPackagePath(pathname) {
  return pathname === "/socket-store/index.js";
}
