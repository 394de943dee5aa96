/**
 * Compares what Stately's parser (`@xstate/machine-extractor`, the one behind the XState VS Code
 * extension and Stately's CLI) reads from a machine's source with the machine that actually runs.
 *
 * The parser needs xstate 4 beside it, so it lives in a package of its own under
 * `test/stately/extractor/` and is loaded with Node's own `require` from there; the root package
 * keeps xstate 5 only.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { and, not, or, stateIn, type AnyStateMachine, type AnyStateNode } from "xstate";

export const extractorDir = join(dirname(fileURLToPath(import.meta.url)), "extractor");
const EXTRACTOR_VERSION = "0.16.0";

/** One state of a machine as both sides see it. */
export interface StateEntry {
  /** `connection.open.settling`: the machine id, then the path. */
  id: string;
  type: "atomic" | "compound" | "parallel" | "final" | "history";
  /** The id of the initial child of a compound state. */
  initial?: string;
}

/** One transition candidate, in the order the machine tries them. */
export interface TransitionEntry {
  /** `connection.open SOCKET.CLOSED #1`, `connection.start always #2`, `connection.reconnecting after backoff #1`. */
  key: string;
  /** Full ids of the targets, sorted; empty for a transition that changes no state. */
  targets: string[];
  /** The guard's name; undefined when there is none. */
  guard?: string;
  /** The source text (extractor) or helper (running machine) of a guard that has no name. */
  inlineGuard?: string;
}

export interface MachineModel {
  id: string;
  states: StateEntry[];
  transitions: TransitionEntry[];
}

export interface Comparison {
  machineId: string;
  states: { expected: number; read: number; missing: string[]; differing: string[]; extra: string[] };
  transitions: { expected: number; read: number; missing: string[]; differing: string[]; extra: string[] };
  /** Guards the parser reports as inline expressions instead of names. */
  inlineGuards: string[];
  /** Targets in the parser's reading that name no state it read. */
  unresolvedTargets: string[];
}

// ---------------------------------------------------------------------------------------------
// The running machine (xstate 5)

type RunningTransition = AnyStateNode["transitions"] extends Map<string, Array<infer T>> ? T : never;

const checkOf = (guard: unknown): unknown => (guard as { check?: unknown }).check;
const compositeChecks = new Map<unknown, string>([
  [checkOf(and([])), "and"],
  [checkOf(or([])), "or"],
  [checkOf(not("guard")), "not"],
  [checkOf(stateIn("state")), "stateIn"],
]);

function runningGuard(guard: unknown): Pick<TransitionEntry, "guard" | "inlineGuard"> {
  if (guard === undefined) return {};
  if (typeof guard === "string") return { guard };
  if (guard !== null && typeof guard === "object" && "type" in guard) return { guard: String(guard.type) };
  const helper = compositeChecks.get(checkOf(guard));
  return { inlineGuard: helper ? `${helper}(...)` : "inline function" };
}

function runningEventKey(node: AnyStateNode, transition: RunningTransition): string {
  const eventType: string = transition.eventType;
  const delay = (transition as { delay?: unknown }).delay;
  if (eventType === "") return "always";
  if (delay !== undefined) return `after ${String(delay)}`;
  if (eventType === `xstate.done.state.${node.id}`) return "onDone";
  if (eventType.startsWith("xstate.")) throw new Error(`#${node.id}: transitions on ${eventType} are not compared yet`);
  return eventType;
}

/** Every state and transition of a running xstate 5 machine, walked from `machine.root`. */
export function describeRunningMachine(machine: AnyStateMachine): MachineModel {
  const states: StateEntry[] = [];
  const transitions: TransitionEntry[] = [];
  const visit = (node: AnyStateNode): void => {
    const initial = node.type === "compound" ? node.initial?.target[0]?.id : undefined;
    states.push({ id: node.id, type: node.type, ...(initial ? { initial } : {}) });
    const groups = new Map<string, RunningTransition[]>();
    for (const list of node.transitions.values()) {
      for (const transition of list) {
        const key = runningEventKey(node, transition);
        groups.set(key, [...(groups.get(key) ?? []), transition]);
      }
    }
    if (node.always?.length) groups.set("always", [...node.always]);
    for (const [eventKey, list] of groups) {
      list.forEach((transition, index) => {
        transitions.push({
          key: `${node.id} ${eventKey} #${index + 1}`,
          targets: (transition.target ?? []).map((target: AnyStateNode) => target.id).sort(),
          ...runningGuard(transition.guard),
        });
      });
    }
    for (const child of Object.values(node.states) as AnyStateNode[]) visit(child);
  };
  visit(machine.root);
  return { id: machine.root.id, states, transitions };
}

// ---------------------------------------------------------------------------------------------
// What the parser reads

/** The parts of the parser's config (`machine.toConfig()`, xstate 4 shape) that are compared. */
export interface ExtractedStateConfig {
  id?: string;
  type?: string;
  initial?: string;
  states?: Record<string, ExtractedStateConfig>;
  on?: Record<string, ExtractedTransitionValue>;
  after?: Record<string, ExtractedTransitionValue>;
  always?: ExtractedTransitionValue;
  onDone?: ExtractedTransitionValue;
}
type ExtractedTransition = string | { target?: string | string[]; cond?: { kind?: string; type?: string } };
type ExtractedTransitionValue = ExtractedTransition | ExtractedTransition[];

interface ExtractorModule {
  extractMachinesFromFile(source: string): { machines: Array<{ toConfig(): ExtractedStateConfig | null } | undefined> } | null;
}

let extractor: ExtractorModule | undefined;

/** True when `npm ci --prefix test/stately/extractor` has run. */
export function isExtractorInstalled(): boolean {
  const manifest = join(extractorDir, "node_modules/@xstate/machine-extractor/package.json");
  const xstate4 = join(extractorDir, "node_modules/xstate/package.json");
  if (!existsSync(manifest) || !existsSync(xstate4)) return false;
  const version = (file: string): string => (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  return version(manifest) === EXTRACTOR_VERSION && version(xstate4).startsWith("4.");
}

/** Installs the parser's own package from its lockfile when it is missing (a fresh clone). */
export async function ensureExtractorInstalled(): Promise<void> {
  if (isExtractorInstalled()) return;
  await new Promise<void>((resolveInstall, rejectInstall) => {
    const install = spawn("npm", ["ci", "--no-audit", "--no-fund"], { cwd: extractorDir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    install.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    install.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    install.on("error", rejectInstall);
    install.on("exit", (code) => {
      if (code === 0) resolveInstall();
      else rejectInstall(new Error(`npm ci in ${extractorDir} exited with ${code}:\n${output}`));
    });
  });
  if (!isExtractorInstalled()) throw new Error(`npm ci in ${extractorDir} did not install @xstate/machine-extractor ${EXTRACTOR_VERSION}`);
}

function loadExtractor(): ExtractorModule {
  if (!isExtractorInstalled()) throw new Error("@xstate/machine-extractor is not installed: npm ci --prefix test/stately/extractor");
  // Node's own require, from the nested package, so that the parser finds xstate 4 beside it.
  extractor ??= createRequire(join(extractorDir, "package.json"))("@xstate/machine-extractor") as ExtractorModule;
  return extractor;
}

/** The configs of every machine the parser finds in `source` (TypeScript or JavaScript). */
export function readMachinesWithStately(source: string): ExtractedStateConfig[] {
  const result = loadExtractor().extractMachinesFromFile(source);
  return (result?.machines ?? []).flatMap((machine) => {
    const config = machine?.toConfig();
    return config ? [config] : [];
  });
}

/** Every state and transition in the parser's config, with targets resolved the way xstate does. */
export function describeExtractedConfig(config: ExtractedStateConfig): MachineModel & { unresolvedTargets: string[] } {
  interface Node {
    id: string;
    config: ExtractedStateConfig;
    parent: Node | undefined;
    children: Map<string, Node>;
  }
  const byId = new Map<string, Node>();
  const build = (nodeConfig: ExtractedStateConfig, id: string, parent: Node | undefined): Node => {
    const node: Node = { id: nodeConfig.id ?? id, config: nodeConfig, parent, children: new Map() };
    byId.set(node.id, node);
    for (const [key, child] of Object.entries(nodeConfig.states ?? {})) {
      // Without an id of its own, a state's id is its parent's id, a dot and its key.
      node.children.set(key, build(child, `${node.id}.${key}`, node));
    }
    return node;
  };
  const machineId = config.id ?? "(machine)";
  const root = build(config, machineId, undefined);

  const descend = (from: Node | undefined, path: string[]): Node | undefined =>
    path.reduce<Node | undefined>((node, key) => node?.children.get(key), from);
  const resolveTarget = (source: Node, target: string): Node | undefined => {
    if (target.startsWith("#")) {
      const reference = target.slice(1);
      if (byId.has(reference)) return byId.get(reference);
      const [head = "", ...path] = reference.split(".");
      return descend(byId.get(head), path);
    }
    if (target.startsWith(".")) return descend(source, target.slice(1).split("."));
    return descend(source.parent, target.split("."));
  };

  const states: StateEntry[] = [];
  const transitions: TransitionEntry[] = [];
  const unresolvedTargets: string[] = [];
  const visit = (node: Node): void => {
    const { config: nodeConfig } = node;
    const type = (nodeConfig.type ?? (node.children.size > 0 ? "compound" : "atomic")) as StateEntry["type"];
    const initial = type === "compound" && nodeConfig.initial !== undefined ? node.children.get(nodeConfig.initial)?.id : undefined;
    states.push({ id: node.id, type, ...(initial ? { initial } : {}) });

    const groups: Array<[string, ExtractedTransitionValue | undefined]> = [
      ...Object.entries(nodeConfig.on ?? {}),
      ...Object.entries(nodeConfig.after ?? {}).map(([delay, value]): [string, ExtractedTransitionValue] => [`after ${delay}`, value]),
      ["always", nodeConfig.always],
      ["onDone", nodeConfig.onDone],
    ];
    for (const [eventKey, value] of groups) {
      if (value === undefined) continue;
      const list = Array.isArray(value) ? value : [value];
      list.forEach((transition, index) => {
        const key = `${node.id} ${eventKey} #${index + 1}`;
        const object = typeof transition === "string" ? { target: transition } : transition;
        const rawTargets = object.target === undefined ? [] : Array.isArray(object.target) ? object.target : [object.target];
        const targets = rawTargets.map((target) => {
          const resolved = resolveTarget(node, target);
          if (!resolved) unresolvedTargets.push(`${key}: ${target}`);
          return resolved?.id ?? `(unresolved ${target})`;
        });
        const cond = object.cond;
        const guard = cond === undefined ? {} : cond.kind === "named" ? { guard: String(cond.type) } : { inlineGuard: String(cond.type) };
        transitions.push({ key, targets: targets.sort(), ...guard });
      });
    }
    for (const child of node.children.values()) visit(child);
  };
  visit(root);
  return { id: machineId, states, transitions, unresolvedTargets };
}

// ---------------------------------------------------------------------------------------------
// The comparison

const describeState = (state: StateEntry): string => `${state.id} (${state.type}${state.initial ? `, initial ${state.initial}` : ""})`;
// An inline guard is compared as "inline" only: the parser gives its source text, the running
// machine a function.
const describeTransition = (transition: TransitionEntry, withInlineText = false): string =>
  `${transition.key} → ${transition.targets.length ? transition.targets.join(", ") : "(no target)"}` +
  (transition.guard !== undefined
    ? ` [${transition.guard}]`
    : transition.inlineGuard !== undefined
      ? ` [inline${withInlineText ? ` ${transition.inlineGuard}` : ""}]`
      : "");

function diff<T>(
  expected: T[],
  read: T[],
  keyOf: (entry: T) => string,
  describe: (entry: T) => string,
  isWhole: (entry: T) => boolean = () => true,
): { expected: number; read: number; missing: string[]; differing: string[]; extra: string[] } {
  const readByKey = new Map(read.map((entry) => [keyOf(entry), entry]));
  const expectedKeys = new Set(expected.map(keyOf));
  const missing: string[] = [];
  const differing: string[] = [];
  let matched = 0;
  for (const entry of expected) {
    const other = readByKey.get(keyOf(entry));
    if (!other) missing.push(describe(entry));
    else if (describe(other) !== describe(entry)) differing.push(`expected ${describe(entry)}, read ${describe(other)}`);
    else if (isWhole(other)) matched += 1;
  }
  const extra = read.filter((entry) => !expectedKeys.has(keyOf(entry))).map(describe);
  return { expected: expected.length, read: matched, missing, differing, extra };
}

/** What the parser reads of the machine with `machine`'s id in `source`, against `machine` itself. */
export function compareWithStately(source: string, machine: AnyStateMachine): Comparison {
  const running = describeRunningMachine(machine);
  const configs = readMachinesWithStately(source);
  const config = configs.find((candidate) => candidate.id === running.id);
  const read = config ? describeExtractedConfig(config) : { id: running.id, states: [], transitions: [], unresolvedTargets: [] };
  return {
    machineId: running.id,
    states: diff(running.states, read.states, (state) => state.id, describeState),
    transitions: diff(
      running.transitions,
      read.transitions, (transition) => transition.key,
      (transition) => describeTransition(transition),
      // A guard read as an inline expression is listed under inlineGuards, and not counted as read.
      (transition) => transition.inlineGuard === undefined,
    ),
    inlineGuards: inlineGuardsOf(running.transitions, read.transitions),
    unresolvedTargets: read.unresolvedTargets,
  };
}

/** The parser's text for each inline guard it read, then those of the running machine it did not read. */
function inlineGuardsOf(running: TransitionEntry[], read: TransitionEntry[]): string[] {
  const readInline = read.filter((transition) => transition.inlineGuard !== undefined);
  const readKeys = new Set(readInline.map((transition) => transition.key));
  const unread = running.filter((transition) => transition.inlineGuard !== undefined && !readKeys.has(transition.key));
  return [...readInline, ...unread].map((transition) => describeTransition(transition, true));
}

/** `read 14/14 states, 36/36 transitions, 0 inline guards` */
export function summarize(comparison: Comparison): string {
  const { states, transitions } = comparison;
  return (
    `#${comparison.machineId}: read ${states.read}/${states.expected} states, ${transitions.read}/${transitions.expected} transitions, ` +
    `${comparison.inlineGuards.length} inline guard(s)`
  );
}

/** Every loss, one line each; empty when the parser read the whole machine. */
export function losses(comparison: Comparison): string[] {
  return [
    ...comparison.states.missing.map((line) => `state not read: ${line}`),
    ...comparison.states.differing.map((line) => `state read differently: ${line}`),
    ...comparison.states.extra.map((line) => `state read that the machine lacks: ${line}`),
    ...comparison.transitions.missing.map((line) => `transition not read: ${line}`),
    ...comparison.transitions.differing.map((line) => `transition read differently: ${line}`),
    ...comparison.transitions.extra.map((line) => `transition read that the machine lacks: ${line}`),
    ...comparison.inlineGuards.map((line) => `guard without a name: ${line}`),
    ...comparison.unresolvedTargets.map((line) => `target names no state: ${line}`),
  ];
}
