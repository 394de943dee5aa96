/**
 * The shortest paths generated from the connection statechart, as readable Markdown: for each
 * store configuration, the paths as a tree of steps (a path is read from the top down to the
 * line that carries its number), each step with what the store shows after it.
 * `scripts/visualize.ts` writes it to `visualizations/paths.md`; a test fails when that file is stale.
 */
import { describeConfig, describeModelAction, shortestPathsOf, type ModelPath, type ModelSnapshot } from "../../src/testing/model.js";
import { stateNameOf } from "../../src/testing/paths.js";
import { SHORTEST_PATH_CONFIGS } from "./configs.js";

interface StepNode {
  line: string;
  pathNumbers: number[];
  children: Map<string, StepNode>;
}

function stateName(snapshot: ModelSnapshot): string {
  if (snapshot.status === "done") return "disposed (the snapshot stays as it was)";
  const { attempt, retryDelayMs } = snapshot.context;
  return `\`${stateNameOf(snapshot)}\` · attempt ${attempt} · retryDelayMs ${retryDelayMs ?? "null"}`;
}

function treeOf(paths: ModelPath[], readyState: number): StepNode {
  const root: StepNode = { line: "", pathNumbers: [], children: new Map() };
  for (const [index, path] of paths.entries()) {
    let node = root;
    for (const [stepIndex, step] of path.steps.entries()) {
      const action = stepIndex === 0 ? `new SocketStore(socket in readyState ${readyState})` : describeModelAction(step.event.action);
      const line = `${action} → ${stateName(step.state)}`;
      let child = node.children.get(line);
      if (!child) {
        child = { line, pathNumbers: [], children: new Map() };
        node.children.set(line, child);
      }
      node = child;
    }
    node.pathNumbers.push(index + 1);
  }
  return root;
}

function renderTree(node: StepNode, depth: number, lines: string[]): void {
  for (const child of node.children.values()) {
    const numbers = child.pathNumbers.length ? ` — path ${child.pathNumbers.join(", ")}` : "";
    lines.push(`${"  ".repeat(depth)}- ${child.line}${numbers}`);
    renderTree(child, depth + 1, lines);
  }
}

export function renderPathsMarkdown(): string {
  const lines: string[] = [
    "# Shortest paths of the connection statechart",
    "",
    "Generated from `machines/connection.ts` with `getShortestPaths` of `xstate/graph` by `npm run visualize`;",
    "do not edit. `test/paths/` replays each path (and every transition out of each state it reaches)",
    "against a real `SocketStore` on a controllable socket with fake timers, checking `status`,",
    "`attempt` and `retryDelayMs` after every step. Each state is named by its status, then the",
    "sub-states below it (internal).",
    "",
    "Each configuration's paths form a tree: a path is read from the top line down to the line",
    "that carries its number, one step per line, with what the store shows after that step.",
    "",
  ];
  const configs = SHORTEST_PATH_CONFIGS.map((config) => ({ config, paths: shortestPathsOf(config) }));
  const total = configs.reduce((sum, { paths }) => sum + paths.length, 0);
  lines.push(`${total} paths for ${configs.length} configurations.`, "");
  for (const [configIndex, { config, paths }] of configs.entries()) {
    lines.push(`## ${configIndex + 1}. ${describeConfig(config)}`, "", `${paths.length} paths.`, "");
    renderTree(treeOf(paths, config.readyState), 0, lines);
    lines.push("");
  }
  return lines.join("\n");
}
