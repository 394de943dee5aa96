import { SocketStore, isSocketStoreError } from "socket-store";
// examples/recipes/heartbeat.ts, compiled for the browser by the demo server.
import { startHeartbeat } from "/recipes/heartbeat.js";
import { createStatechartView } from "/statechart.js";

// Small delays so a whole outage fits in a few seconds of watching; a connect timeout short enough
// to watch it end attempt after attempt while the server never answers upgrades (default 10 s).
const reconnect = { enabled: true, backoff: "fixed", initialDelayMs: 500, maxDelayMs: 1000, maxAttempts: 4, connectTimeoutMs: 3000 };
// The server answers "ping" with "pong"; a connection that goes silent is dropped within 1.5 s.
const heartbeatOptions = { intervalMs: 1000, timeoutMs: 500 };
const LOG_LIMIT = 60;

const $ = (id) => document.getElementById(id);
const time = () => new Date().toISOString().slice(11, 23);

function appendLog(text, { className = "", data = {} } = {}) {
  const item = document.createElement("li");
  item.textContent = `${time()}  ${text}`;
  if (className) item.className = className;
  for (const [key, value] of Object.entries(data)) item.dataset[key] = String(value);
  const log = $("log");
  log.prepend(item);
  while (log.children.length > LOG_LIMIT) log.lastElementChild.remove();
}

function describeAttempt(snapshot) {
  if (snapshot.status === "reconnecting") return `attempt ${snapshot.attempt}, retry in ${snapshot.retryDelayMs} ms`;
  if (snapshot.attempt > 0) return `attempt ${snapshot.attempt}`;
  return "";
}

function route(event) {
  if (typeof event.data !== "string") return undefined;
  let message;
  try {
    message = JSON.parse(event.data);
  } catch {
    return undefined;
  }
  if (message?.topic === "clock" || message?.topic === "echo") return { topic: message.topic, value: String(message.value) };
  return undefined;
}

const statechart = createStatechartView({ container: $("statechart"), stateOutput: $("machine-state"), trail: $("statechart-trail") });
try {
  await statechart.load("/statechart.svg");
} catch (error) {
  $("statechart").textContent = `The diagram could not be loaded: ${error.message}`;
}

const socketUrl = new URL("/ws", location.href);
socketUrl.protocol = location.protocol === "https:" ? "wss:" : "ws:";

const store = new SocketStore(
  new WebSocket(socketUrl),
  {
    route,
    onStatusChange(next, previous) {
      const detail = describeAttempt(next);
      appendLog(`${previous.status} → ${next.status}${detail ? ` (${detail})` : ""}`, {
        data: { testid: "transition", from: previous.status, to: next.status },
      });
    },
    onClose(event) {
      appendLog(`close ${event.code}${event.reason ? ` "${event.reason}"` : ""}${event.wasClean ? "" : " (not clean)"}`, { className: "event" });
    },
    onError(error) {
      appendLog(`error ${error.code}`, { className: "event" });
    },
  },
  // The diagram follows XState's inspection events, not a copy of the status logic.
  { reconnect, inspect: statechart.inspect },
);
startHeartbeat(store, heartbeatOptions);

function render() {
  const snapshot = store.getSnapshot();
  const status = $("status");
  status.textContent = snapshot.status;
  status.dataset.status = snapshot.status;
  $("attempt").textContent = snapshot.attempt === 0 ? "0" : `${snapshot.attempt} of ${reconnect.maxAttempts}`;
  $("retry-delay").textContent = snapshot.retryDelayMs === null ? "–" : `${snapshot.retryDelayMs} ms`;
  $("last-close").textContent = snapshot.lastClose
    ? `${snapshot.lastClose.code}${snapshot.lastClose.reason ? ` "${snapshot.lastClose.reason}"` : ""}${snapshot.lastClose.wasClean ? "" : " (not clean)"}`
    : "–";
  $("last-error").textContent = snapshot.lastError ? snapshot.lastError.code : "–";
  $("last-error").classList.toggle("error-text", snapshot.lastError !== null);
  $("retry").disabled = !["closed", "error", "reconnecting"].includes(snapshot.status);
  $("close").disabled = ["closed", "closing"].includes(snapshot.status);
}

store.subscribe(render);
store.topic("clock").subscribe(() => {
  $("clock").textContent = store.topic("clock").get() ?? "–";
});
store.topic("echo").subscribe(() => {
  $("echo").textContent = store.topic("echo").get() ?? "–";
});
render();

function showResult(outputId, error) {
  const output = $(outputId);
  output.textContent = isSocketStoreError(error) ? error.code : String(error);
  output.classList.add("error-text");
}

function clearResult(outputId, text = "") {
  const output = $(outputId);
  output.textContent = text;
  output.classList.remove("error-text");
}

$("send-form").addEventListener("submit", (event) => {
  event.preventDefault();
  try {
    store.send($("send-text").value);
    clearResult("send-result", "sent");
  } catch (error) {
    showResult("send-result", error);
  }
});

$("close").addEventListener("click", () => {
  try {
    store.close(1000, "closed from the demo page");
    clearResult("action-result");
  } catch (error) {
    showResult("action-result", error);
  }
});

$("retry").addEventListener("click", () => {
  try {
    store.reconnect();
    clearResult("action-result");
  } catch (error) {
    showResult("action-result", error);
  }
});

async function control(path) {
  const response = await fetch(path, { method: "POST" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

function secondsFrom(inputId) {
  const seconds = Number($(inputId).value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 0;
}

const serverControls = {
  "server-drop": () => control("/api/drop"),
  "server-silence": () => control("/api/silence"),
  "server-close": () => control(`/api/close?code=${encodeURIComponent($("server-close-code").value)}`),
  "server-refuse": () => control(`/api/refuse?seconds=${secondsFrom("server-refuse-seconds")}`),
  "server-never-answer": () => control(`/api/never-answer?seconds=${secondsFrom("server-never-answer-seconds")}`),
  "server-flap": () => control(`/api/flap?seconds=${secondsFrom("server-flap-seconds")}`),
  "server-heal": () => control("/api/heal"),
};

for (const [id, run] of Object.entries(serverControls)) {
  $(id).addEventListener("click", () => {
    run().then(refreshServerState, (error) => {
      $("server-state").textContent = `control failed: ${error.message}`;
    });
  });
}

async function refreshServerState() {
  try {
    const response = await fetch("/api/state");
    const state = await response.json();
    const faults = [];
    if (state.refusing) faults.push(`refusing ${Math.ceil(state.refusingForMs / 1000)} s`);
    if (state.neverAnswering) faults.push(`not answering upgrades ${Math.ceil(state.neverAnsweringForMs / 1000)} s`);
    if (state.flapping) faults.push(`flapping ${Math.ceil(state.flappingForMs / 1000)} s`);
    if (state.silent > 0) faults.push(`${state.silent} silent`);
    $("server-state").textContent = `${state.clients} client(s); ${faults.length ? faults.join(", ") : "healthy"}`;
  } catch {
    $("server-state").textContent = "server unreachable";
  }
}
setInterval(refreshServerState, 500);
refreshServerState();

$("policy").textContent =
  `fixed ${reconnect.initialDelayMs} ms, ${reconnect.maxAttempts} attempts, stable after ${reconnect.maxDelayMs} ms, ` +
  `connect timeout ${reconnect.connectTimeoutMs} ms; heartbeat every ${heartbeatOptions.intervalMs} ms, pong within ${heartbeatOptions.timeoutMs} ms`;
$("connect-timeout").textContent = `${reconnect.connectTimeoutMs / 1000} s`;

// Fitted to the page by default; at its actual size the diagram scrolls sideways.
$("statechart-size").addEventListener("click", () => {
  const svg = $("statechart").querySelector("svg");
  if (!svg) return;
  const actualSize = svg.style.width === "";
  svg.style.width = actualSize ? `${svg.viewBox.baseVal.width}px` : "";
  svg.style.maxWidth = actualSize ? "none" : "";
  $("statechart-size").textContent = actualSize ? "fit to width" : "actual size";
});

// For poking at the store from the devtools console.
globalThis.socketStore = store;
