/**
 * Every transition and state node of the connection statechart, read from its definition, and
 * the transitions an actor takes (through `inspect`), named the same way, so coverage can be
 * computed as a difference of two sets.
 */
import { createActor, type AnyStateNode, type InspectionEvent } from "xstate";
import { connectionMachine, type ConnectionEvent } from "../../machines/connection.js";
import { inputFor, type ModelPath, type PathConfig } from "../../src/testing/model.js";

export interface MachineTransition {
  /** `source --EVENT [guard]--> target`, unique per transition of the definition. */
  key: string;
  source: AnyStateNode;
  targets: AnyStateNode[];
}

/** `and(isReconnectEnabled, not(retryOnCloseDeclines))` for higher-order guards, the name for named ones. */
export function guardLabel(guard: unknown): string {
  if (guard === undefined || guard === null) return "";
  if (typeof guard === "string") return guard;
  if (typeof guard === "object" && "type" in guard) return String((guard as { type: unknown }).type);
  if (typeof guard === "function") {
    const nested = (guard as { guards?: unknown[] }).guards;
    return nested ? `${guard.name}(${nested.map(guardLabel).join(", ")})` : guard.name || "inline guard";
  }
  return String(guard);
}

function allStateNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allStateNodes(child as AnyStateNode))];
}

function describeTransition(source: AnyStateNode, eventType: string, guard: unknown, targets: readonly AnyStateNode[]): string {
  const label = guardLabel(guard);
  const event = eventType === "" ? "(always)" : eventType;
  return `${source.id} --${event}${label ? ` [${label}]` : ""}--> ${targets.map((target) => target.id).join(", ") || "(self)"}`;
}

const STATE_NODES = allStateNodes(connectionMachine.root as AnyStateNode);

/** Transition definitions (as XState holds them) → their description. */
const TRANSITIONS = new Map<object, MachineTransition>();
for (const node of STATE_NODES) {
  const definitions = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
  for (const definition of definitions) {
    const targets = (definition.target ?? []) as AnyStateNode[];
    TRANSITIONS.set(definition, {
      key: describeTransition(node, definition.eventType, definition.guard, targets),
      source: node,
      targets,
    });
  }
}

/** Every transition of the machine (including `always` and `after`), by key. */
export const MACHINE_TRANSITION_KEYS: readonly string[] = [...TRANSITIONS.values()].map((transition) => transition.key).sort();

/** Every state node of the machine, by id. */
export const MACHINE_STATE_IDS: readonly string[] = STATE_NODES.map((node) => node.id).sort();

const KEYS = new Set([...TRANSITIONS.values()].map((transition) => transition.key));

/**
 * The keys of the transitions of one `@xstate.microstep` inspection event (empty for other
 * events). Named from the definition itself: a store runs the machine with its own `createSocket`
 * provided, whose transition objects are copies of these.
 */
export function transitionKeysOf(inspectionEvent: InspectionEvent): string[] {
  if (inspectionEvent.type !== "@xstate.microstep") return [];
  return inspectionEvent._transitions.map((definition) => {
    const key = describeTransition(definition.source as AnyStateNode, definition.eventType, definition.guard, (definition.target ?? []) as AnyStateNode[]);
    if (!KEYS.has(key)) throw new Error(`a transition that is not in the machine definition was taken: ${key}`);
    return key;
  });
}

/** The state nodes a set of taken transitions went through: sources, targets, their ancestors and initial children. */
export function statesOf(transitionKeys: Iterable<string>): Set<string> {
  const taken = new Set(transitionKeys);
  const states = new Set<string>();
  const enter = (node: AnyStateNode): void => {
    for (let ancestor: AnyStateNode | undefined = node; ancestor; ancestor = ancestor.parent) states.add(ancestor.id);
    for (const initial of node.initial?.target ?? []) enter(initial as AnyStateNode);
  };
  for (const transition of TRANSITIONS.values()) {
    if (!taken.has(transition.key)) continue;
    enter(transition.source);
    transition.targets.forEach(enter);
  }
  return states;
}

/**
 * The transitions the statechart takes along a generated path, from an actor of the machine
 * alone (delays are sent as their `xstate.after…` events; its clock never fires).
 */
export function machineTransitionsAlong(config: PathConfig, path: ModelPath): string[] {
  const taken: string[] = [];
  const actor = createActor(connectionMachine, {
    input: inputFor(config),
    inspect: (event) => taken.push(...transitionKeysOf(event)),
    clock: { setTimeout: () => 0, clearTimeout: () => {} },
  });
  actor.start();
  // SOCKET.MESSAGE is model-only: the machine takes no transition for it.
  for (const step of path.steps.slice(1)) actor.send(step.event as ConnectionEvent);
  actor.stop();
  return taken;
}
