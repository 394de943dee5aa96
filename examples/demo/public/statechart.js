// The live statechart: the diagram `npm run visualize` renders from the machine
// (visualizations/connection-overview.svg, each state's box marked with data-state="<path>"),
// with the states of the store's current snapshot highlighted. It is driven by the store's
// `inspect` option: XState's `@xstate.snapshot` inspection events carry the machine snapshot,
// whose `value` names the exact state, substates included.

/** `{ open: "settling" }` → `["open", "open.settling"]`: every active state, parents first. */
export function activePaths(value, prefix = "") {
  if (typeof value === "string") return [`${prefix}${value}`];
  return Object.entries(value).flatMap(([key, child]) => [`${prefix}${key}`, ...activePaths(child, `${prefix}${key}.`)]);
}

/** The active states that have no active child: `{ open: "settling" }` → `["open.settling"]`. */
export function leafPaths(value) {
  const paths = activePaths(value);
  return paths.filter((path) => !paths.some((other) => other.startsWith(`${path}.`)));
}

/** Each delayed event of a machine, by its delay's name, read from the state nodes' `after`. */
export function delayNamesOf(machine) {
  const names = new Map();
  const visit = (node) => {
    for (const transition of node.after) names.set(transition.eventType, String(transition.delay));
    Object.values(node.states).forEach(visit);
  };
  visit(machine.root);
  return names;
}

/** A delayed event → `after backoff`; `xstate.init` → `start`; any other event by its type. */
export function eventLabel(type, delayNames) {
  if (type === "xstate.init") return "start";
  const delay = delayNames.get(type);
  return delay === undefined ? type : `after ${delay}`;
}

/**
 * @param {{ container: HTMLElement, stateOutput: HTMLElement, trail: HTMLOListElement, trailLimit?: number }} elements
 * @returns {{ load(url: string): Promise<void>, inspect(event: { type: string }): void }}
 */
export function createStatechartView({ container, stateOutput, trail, trailLimit = 12 }) {
  let svg = null;
  let shownValue = null;
  let delayNames = new Map();

  /** Highlights the states of `value` and returns the leaves the diagram now shows as current. */
  function highlight(value) {
    const leaves = leafPaths(value);
    if (!svg) return leaves;
    for (const box of svg.querySelectorAll("[data-state].active, [data-state].active-leaf")) {
      box.classList.remove("active", "active-leaf");
    }
    for (const path of activePaths(value)) {
      const box = svg.querySelector(`[data-state="${CSS.escape(path)}"]`);
      box?.classList.add(leaves.includes(path) ? "active-leaf" : "active");
    }
    // Read back from the diagram, so that what is reported is what is highlighted.
    return [...svg.querySelectorAll("[data-state].active-leaf")].map((box) => box.dataset.state);
  }

  function record(states, eventType) {
    const item = document.createElement("li");
    item.dataset.testid = "highlight";
    item.dataset.state = states.join(" ");
    item.dataset.event = eventType;
    const event = document.createElement("span");
    event.className = "event";
    event.textContent = `${eventLabel(eventType, delayNames)} → `;
    const state = document.createElement("strong");
    state.textContent = states.join(", ");
    item.append(event, state);
    trail.append(item);
    while (trail.children.length > trailLimit) trail.firstElementChild.remove();
  }

  return {
    async load(url) {
      const response = await fetch(url);
      if (!response.ok) throw new Error((await response.json().catch(() => null))?.error ?? `HTTP ${response.status}`);
      container.innerHTML = await response.text();
      svg = container.querySelector("svg");
      if (!svg) throw new Error(`${url} holds no SVG`);
      svg.removeAttribute("height");
    },
    inspect(inspectionEvent) {
      // Snapshots of the store's machine actor only (the root of its actor system).
      if (inspectionEvent.type !== "@xstate.snapshot") return;
      if (inspectionEvent.actorRef.sessionId !== inspectionEvent.rootId) return;
      const { value, machine } = inspectionEvent.snapshot;
      if (delayNames.size === 0) delayNames = delayNamesOf(machine);
      const key = JSON.stringify(value);
      if (key === shownValue) return;
      shownValue = key;
      const states = highlight(value);
      stateOutput.textContent = states.join(", ");
      stateOutput.dataset.state = states.join(" ");
      record(states, inspectionEvent.event.type);
    },
  };
}
