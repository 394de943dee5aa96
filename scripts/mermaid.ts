import { toDirectedGraph, type DirectedGraphNode } from "xstate/graph";
import type { AnyStateMachine, AnyStateNode } from "xstate";

/** Options of {@link toMermaid}. */
export interface MermaidOptions {
  /**
   * Layout direction of the diagram.
   * @default "TB"
   */
  direction?: "TB" | "LR";
  /**
   * Mermaid layout engine. ELK routes arrows around compound states instead of through them;
   * where a renderer lacks ELK (older Mermaid), Mermaid falls back to dagre.
   * @default "elk"
   */
  layout?: "elk" | "dagre";
  /**
   * Append the actions of each transition to its label (`EVENT [guard] / actionA, actionB`),
   * and list the entry/exit actions of atomic states inside their box.
   * @default true
   */
  actions?: boolean;
  /**
   * Append the guard of each transition to its label (`EVENT [guard]`, `[else]` for an unguarded
   * fallback). Without guards, transitions of one event between the same two states share a line.
   * @default true
   */
  guards?: boolean;
  /**
   * Label the arrows with their transitions and list targetless transitions in their states.
   * `false` draws bare arrows: a compact overview for a live view, where the labels are elsewhere.
   * @default true
   */
  labels?: boolean;
}

type AnyTransition = AnyStateNode["transitions"] extends Map<string, Array<infer T>> ? T : never;

interface Edge {
  source: AnyStateNode;
  target: AnyStateNode;
  transition: AnyTransition;
  label: string;
}

interface Arrow {
  source: AnyStateNode;
  target: AnyStateNode;
  labels: string[];
}

/**
 * Renders an XState v5 machine as a Mermaid `stateDiagram-v2`. It draws what the connection
 * machine uses — nested (not parallel) states, final states, event, delayed and eventless
 * transitions, guards by name — and nothing more (no history, parallel regions or invoked actors).
 *
 * The state tree and the event and delayed transitions come from `xstate/graph`'s
 * `toDirectedGraph`; eventless (`always`) transitions, which it leaves out, are read from each
 * state node. Every state is drawn (compound states as nested blocks), every level gets
 * `[*] --> initial`, final states get `X --> [*]`, arrows end at the state a transition
 * targets (not at a compound state that contains it), and transitions are
 * labelled `EVENT [guard] / actions`: delays by name (`after backoff`), eventless transitions as
 * `always [guard]`, an unguarded fallback after guarded alternatives as `[else]`. Transitions
 * between the same two states share one arrow, a line each. A transition without a target
 * (it changes no state) is listed inside its state's box, or in a note beside a compound state;
 * the machine's own transitions start from an "any state" box. The text follows the order of
 * the machine definition, so the same machine always gives the same text.
 *
 * @example
 * ```ts
 * writeFileSync("visualizations/connection.mmd", toMermaid(connectionMachine));
 * ```
 */
export function toMermaid(machine: AnyStateMachine, options: MermaidOptions = {}): string {
  const { direction = "TB", layout = "elk", actions: withActions = true, guards: withGuards = true, labels: withLabels = true } = options;
  const graph = toDirectedGraph(machine);
  const root = graph.stateNode;
  const ids = assignMermaidIds(graph);
  const idOf = (node: AnyStateNode): string => ids.get(node) ?? fail(`no Mermaid id for state #${node.id}`);

  const edges = collectEdges(graph, { withActions, withGuards });
  const isTargetless = (edge: Edge): boolean => edge.transition.target === undefined;
  const targetlessLabels = (node: AnyStateNode): string[] =>
    edges.filter((edge) => edge.source === node && isTargetless(edge)).map((edge) => edge.label);

  const arrows = new Map<string, Arrow>();
  for (const edge of edges) {
    if (isTargetless(edge)) continue;
    const target = edge.target;
    const key = `${edge.source.id} -> ${target.id}`;
    const arrow = arrows.get(key) ?? { source: edge.source, target, labels: [] };
    if (!arrow.labels.includes(edge.label)) arrow.labels.push(edge.label);
    arrows.set(key, arrow);
  }

  // Mermaid wraps long labels at a fixed width, which splits one transition over several lines
  // and makes merged labels ambiguous; each transition keeps its own line instead.
  const config = ["config:", `  layout: ${layout}`, "  markdownAutoWrap: false"];
  // ELK keeps the order of the machine definition (start, live, the choices, disconnected), merges
  // arrows that share an end, and breaks cycles (a retry goes back up) where the model order says.
  if (layout === "elk") {
    config.push("  elk:", "    nodePlacementStrategy: NETWORK_SIMPLEX", "    mergeEdges: true", "    considerModelOrder: NODES_AND_EDGES", "    cycleBreakingStrategy: MODEL_ORDER");
  }
  const lines = ["---", ...config, "---", "stateDiagram-v2"];
  if (direction !== "TB") lines.push(`  direction ${direction}`);

  const writeChildren = (parent: DirectedGraphNode, indent: string): void => {
    const initial = parent.stateNode.initial?.target[0];
    if (initial) lines.push(`${indent}[*] --> ${idOf(initial)}`);
    for (const child of parent.children) writeState(child, indent);
  };

  const writeState = (node: DirectedGraphNode, indent: string): void => {
    const stateNode = node.stateNode;
    const id = idOf(stateNode);
    const name = stateNode.key;
    const notes = withLabels ? [...(withActions ? entryExitLabels(stateNode) : []), ...targetlessLabels(stateNode)] : [];
    if (node.children.length > 0) {
      lines.push(`${indent}state ${quote(name)} as ${id} {`);
      writeChildren(node, `${indent}  `);
      lines.push(`${indent}}`);
      // A description line would replace a compound state's title, so these go in a note.
      if (notes.length > 0) {
        lines.push(`${indent}note right of ${id}`, ...notes.map((note) => `${indent}  ${note}`), `${indent}end note`);
      }
    } else {
      lines.push(`${indent}state ${quote(name)} as ${id}`);
      for (const note of notes) lines.push(`${indent}${id} : ${note}`);
    }
    if (stateNode.type === "final") lines.push(`${indent}${id} --> [*]`);
  };

  writeChildren(graph, "  ");

  if (edges.some((edge) => edge.source === root)) {
    const anyStateId = uniqueId("any_state", new Set(ids.values()));
    ids.set(root, anyStateId);
    lines.push(`  state "any state" as ${anyStateId}`);
    if (withLabels) for (const label of targetlessLabels(root)) lines.push(`  ${anyStateId} : ${label}`);
    lines.push(`  class ${anyStateId} anyState`, "  classDef anyState stroke-dasharray: 4 4");
  }

  for (const { source, target, labels } of arrows.values()) {
    lines.push(`  ${idOf(source)} --> ${idOf(target)}${withLabels ? ` : ${labels.join("<br/>")}` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Every transition of every state node, one edge per target, in definition order. */
function collectEdges(graph: DirectedGraphNode, { withActions, withGuards }: { withActions: boolean; withGuards: boolean }): Edge[] {
  const edges: Edge[] = [];
  const add = (source: AnyStateNode, target: AnyStateNode, transition: AnyTransition, siblings: readonly AnyTransition[]) => {
    const isFallback =
      transition.guard === undefined && siblings.slice(0, siblings.indexOf(transition)).some((earlier) => earlier.guard !== undefined);
    edges.push({ source, target, transition, label: transitionLabel(transition, { withActions, withGuards, isFallback }) });
  };
  const visit = (node: DirectedGraphNode): void => {
    const stateNode = node.stateNode;
    for (const edge of node.edges) {
      add(edge.source, edge.target, edge.transition, stateNode.transitions.get(edge.transition.eventType) ?? []);
    }
    const always: readonly AnyTransition[] = stateNode.always ?? [];
    for (const transition of always) {
      for (const target of transition.target ?? [stateNode]) add(stateNode, target, transition, always);
    }
    node.children.forEach(visit);
  };
  visit(graph);
  return edges;
}

/** `EVENT [guard] / actions`, escaped for a Mermaid label. */
export function transitionLabel(
  transition: AnyTransition,
  { withActions = true, withGuards = true, isFallback = false }: { withActions?: boolean; withGuards?: boolean; isFallback?: boolean } = {},
): string {
  let label = eventLabel(transition);
  if (withGuards && transition.guard !== undefined) label += ` [${guardLabel(transition.guard)}]`;
  else if (withGuards && isFallback) label += " [else]";
  const actionNames = withActions ? transition.actions.map(actionLabel) : [];
  if (actionNames.length > 0) label += ` / ${actionNames.join(", ")}`;
  return escapeLabel(label);
}

/** The event of a transition: `always`, `after <delay>` for a delayed one (XState gives its delay), or its type. */
function eventLabel(transition: AnyTransition): string {
  const eventType: string = transition.eventType;
  if (eventType === "") return "always";
  const delay = (transition as { delay?: unknown }).delay;
  if (delay !== undefined) return typeof delay === "number" ? `after ${delay}ms` : `after ${String(delay)}`;
  return eventType;
}

/** A guard by name: the machine names every guard (composites are defined under a name in `setup`). */
export function guardLabel(guard: unknown): string {
  if (typeof guard === "string") return guard;
  if (typeof guard === "function") return functionName(guard, "guard");
  if (guard !== null && typeof guard === "object" && "type" in guard) return String(guard.type);
  return String(guard);
}

function actionLabel(action: unknown): string {
  if (typeof action === "string") return action;
  if (typeof action === "function") {
    const builtIn = (action as { type?: unknown }).type;
    if (typeof builtIn === "string") return builtIn.replace(/^xstate\./, "");
    return functionName(action, "actions");
  }
  if (action !== null && typeof action === "object" && "type" in action) return String(action.type);
  return String(action);
}

// An inline function is anonymous, or named after the config key it was written under.
function functionName(implementation: { name: string }, configKey: string): string {
  const name = implementation.name;
  return name && name !== configKey ? name : `inline ${configKey === "actions" ? "action" : configKey}`;
}

/**
 * `entry / …` and `exit / …` of a state, without the raise/cancel pairs that XState adds to
 * schedule the state's delayed transitions (those are drawn as `after` arrows).
 */
function entryExitLabels(stateNode: AnyStateNode): string[] {
  const delayEvents = new Set<string>((stateNode.after ?? []).map((transition: AnyTransition) => transition.eventType));
  const schedulesDelay = (action: unknown): boolean => {
    const builtIn = action as { type?: unknown; id?: unknown; sendId?: unknown };
    if (builtIn.type === "xstate.raise") return delayEvents.has(String(builtIn.id));
    if (builtIn.type === "xstate.cancel") return delayEvents.has(String(builtIn.sendId));
    return false;
  };
  const labels: string[] = [];
  for (const [kind, list] of [
    ["entry", stateNode.entry],
    ["exit", stateNode.exit],
  ] as const) {
    const names = list.filter((action: unknown) => !schedulesDelay(action)).map(actionLabel);
    if (names.length > 0) labels.push(escapeLabel(`${kind} / ${names.join(", ")}`));
  }
  return labels;
}

/**
 * The Mermaid id of every state, by its path (`"open.settling"` → `"open_settling"`): the ids
 * {@link toMermaid} writes, for finding a state's box in the rendered diagram.
 */
export function mermaidStateIds(machine: AnyStateMachine): Map<string, string> {
  const byPath = new Map<string, string>();
  for (const [stateNode, id] of assignMermaidIds(toDirectedGraph(machine))) byPath.set(stateNode.path.join("."), id);
  return byPath;
}

/** The options of the overview diagram the demo shows live: states and event names only. */
export const OVERVIEW_OPTIONS: MermaidOptions = { actions: false, guards: false };

/** Mermaid ids from the state path (`connecting_socket`): letters, digits and `_` only. */
function assignMermaidIds(graph: DirectedGraphNode): Map<AnyStateNode, string> {
  const ids = new Map<AnyStateNode, string>();
  const taken = new Set<string>();
  const visit = (node: DirectedGraphNode): void => {
    for (const child of node.children) {
      const id = uniqueId(child.stateNode.path.map((segment: string) => segment.replace(/\W/g, "_")).join("_"), taken);
      taken.add(id);
      ids.set(child.stateNode, id);
      visit(child);
    }
  };
  visit(graph);
  return ids;
}

const MERMAID_KEYWORDS = new Set(["state", "note", "end", "direction", "class", "classDef", "style", "click", "as"]);

function uniqueId(base: string, taken: ReadonlySet<string>): string {
  // Mermaid reads a keyword or an id starting with a digit as something else.
  const safe = /^[A-Za-z]/.test(base) && !MERMAID_KEYWORDS.has(base) ? base : `s_${base}`;
  let id = safe;
  for (let suffix = 2; taken.has(id); suffix += 1) id = `${safe}_${suffix}`;
  return id;
}

function quote(text: string): string {
  return `"${text.replace(/"/g, "#quot;")}"`;
}

// `;` ends a Mermaid statement and `#` starts an entity code, even inside a label.
function escapeLabel(label: string): string {
  return label.replace(/[#;\n]/g, (character) => (character === "\n" ? " " : `#${character.charCodeAt(0)};`));
}

function fail(message: string): never {
  throw new Error(message);
}

/** The block of docs/statechart.md that holds the generated diagram: `npm run visualize` rewrites it. */
export const STATECHART_BLOCK = /(<!-- statechart:begin -->)[\s\S]*?(<!-- statechart:end -->)/;
