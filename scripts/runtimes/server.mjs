// The server every runtime's scenarios run against: the fault server (test/support/fault-server.mjs)
// on one HTTP port of 127.0.0.1, with its WebSocket endpoint at /ws, a small control API the
// scenarios call with fetch() to trigger faults and read what the server saw, and (for browsers)
// the page, the scenario modules and the built package.
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startFaultServer } from "../../test/support/fault-server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const projectRoot = resolve(here, "../..");
const pagePath = join(here, "page.html");
/** The modules the page imports, served at their path in the project so that their relative imports resolve. */
const scenarioModules = ["test/runtimes/scenarios.mjs", "test/support/listeners.mjs"];

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
  /** @type {import("../../test/support/fault-server.d.mts").FaultServer} */
  let faults;

  const describe = (connection) => ({
    id: connection.id,
    silent: connection.silent,
    ended: connection.ended,
    msToEnd: connection.endedAt === null || connection.silencedAt === null ? null : connection.endedAt - connection.silencedAt,
    msToCloseFrame: connection.closeFrameAt === null || connection.silencedAt === null ? null : connection.closeFrameAt - connection.silencedAt,
  });
  const stats = () => {
    const state = faults.state();
    return {
      upgrades: state.upgrades,
      refused: state.refused,
      accepted: state.accepted,
      live: faults.live().map((connection) => connection.id),
      connections: faults.connections.map(describe),
      hung: state.hung,
      hungEnded: faults.held.filter((entry) => entry.endedAt !== null).length,
    };
  };
  const byId = (params) => faults.connections.find((connection) => connection.id === Number(params.get("id")));
  const waitMs = (params, fallback) => Math.min(Number(params.get("timeoutMs") ?? fallback), MAX_WAIT_MS);

  async function control(action, params, response) {
    switch (action) {
      case "reset":
        faults.reset();
        return sendJson(response, 200, stats());
      case "stats":
        return sendJson(response, 200, stats());
      case "refuse":
        // Like an expired token: upgrades are answered with 401.
        if (params.get("on") === "0") faults.stop("refuse");
        else faults.refuseUpgrades({ status: 401 });
        return sendJson(response, 200, stats());
      case "hang":
        if (params.get("on") === "0") faults.stop("hang");
        else faults.neverAnswerUpgrades();
        return sendJson(response, 200, stats());
      case "terminate": {
        const ended = faults.live().map((connection) => connection.id);
        faults.terminateAll();
        return sendJson(response, 200, { ended });
      }
      case "close": {
        const ended = faults.live().map((connection) => connection.id);
        faults.closeAll(Number(params.get("code") ?? 1000), params.get("reason") ?? "");
        return sendJson(response, 200, { ended });
      }
      case "silence": {
        const silenced = faults.live().filter((connection) => connection.silence());
        return sendJson(response, 200, { silenced: silenced.map((connection) => connection.id) });
      }
      case "destroy": {
        // Ends one connection from the server's side, as a server that finally gives up on it.
        const connection = byId(params);
        if (!connection) return sendJson(response, 404, { error: "no such connection" });
        connection.tcp.destroy();
        return sendJson(response, 200, describe(connection));
      }
      case "wait-end": {
        const connection = byId(params);
        if (!connection) return sendJson(response, 404, { error: "no such connection" });
        await connection.waitForEnd(waitMs(params, 5000));
        return sendJson(response, 200, describe(connection));
      }
      case "wait-idle": {
        // Resolves once no connection is live (or the timeout passed), then reports.
        const deadline = Date.now() + waitMs(params, 5000);
        while (faults.live().length > 0 && Date.now() < deadline) {
          await Promise.race(faults.live().map((connection) => connection.waitForEnd(deadline - Date.now())));
        }
        return sendJson(response, 200, stats());
      }
      default:
        return sendJson(response, 404, { error: `unknown action ${action}` });
    }
  }

  function staticFile(pathname) {
    if (pathname === "/" || pathname === "/page.html") return pagePath;
    const module = scenarioModules.find((path) => pathname === `/${path}`);
    if (module) return join(projectRoot, module);
    if (pathname === "/package/index.js") return join(packageDir, "dist/index.js");
    const vendor = /^\/vendor\/xstate\/([A-Za-z0-9-]+\.esm\.js)$/.exec(pathname);
    if (vendor && !vendor[1].includes("development")) return join(xstateDistDir, vendor[1]);
    return null;
  }

  async function onRequest(request, response) {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method === "OPTIONS") return sendJson(response, 204, {});
    const action = /^\/control\/([a-z-]+)$/.exec(url.pathname);
    if (action) return control(action[1], url.searchParams, response);
    if (url.pathname === "/favicon.ico") return response.writeHead(204).end();
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
  }

  faults = await startFaultServer({
    path: "/ws",
    onRequest,
    onConnection: (connection) => connection.send(JSON.stringify({ topic: "greeting", value: `hello ${connection.id}` })),
    onMessage: (connection, data, isBinary) => connection.send(JSON.stringify({ topic: "echo", value: isBinary ? `binary:${data.length}` : String(data) })),
  });
  return {
    baseUrl: faults.url,
    wsUrl: `${faults.wsUrl}?token=secret-token`,
    stats,
    close: () => faults.close(),
  };
}
