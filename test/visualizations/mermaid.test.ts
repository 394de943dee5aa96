import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { and, assign, emit, not, setup, type AnyStateNode } from "xstate";
import { describe, expect, it } from "vitest";
import { connectionMachine } from "../../machines/connection";
import { guardLabel, toMermaid } from "../../scripts/mermaid";

const FRONT_MATTER = [
  "---",
  "config:",
  "  layout: elk",
  "  markdownAutoWrap: false",
  "  elk:",
  "    nodePlacementStrategy: NETWORK_SIMPLEX",
  "    mergeEdges: true",
  "    considerModelOrder: NODES_AND_EDGES",
  "    cycleBreakingStrategy: MODEL_ORDER",
  "---",
  "stateDiagram-v2",
];

const diagram = (...body: string[]): string => `${[...FRONT_MATTER, ...body].join("\n")}\n`;

const toyGuards = { isReady: () => true, isBusy: () => false, isLate: () => false, isIdleAndReady: and(["isReady", not("isBusy")]) };

function createToyMachine() {
  return setup({
    guards: toyGuards,
    actions: { notify: () => {}, count: assign({}) },
    delays: { backoff: 100 },
  }).createMachine({
    id: "toy",
    initial: "checking",
    states: {
      checking: {
        always: [{ guard: "isIdleAndReady", target: "active" }, { target: "idle" }],
      },
      idle: {
        on: { START: { target: "active", actions: ["notify", "count"] } },
      },
      active: {
        initial: "fast",
        on: { STOP: "done" },
        states: {
          fast: { after: { backoff: "slow" } },
          slow: { after: { 500: { target: "fast", guard: "isLate" } } },
        },
      },
      done: { type: "final" },
    },
  });
}

describe("toMermaid()", () => {
  it("draws nested states, initial markers, a final state, named and numeric delays and always transitions", () => {
    expect(toMermaid(createToyMachine())).toBe(
      diagram(
        "  [*] --> checking",
        '  state "checking" as checking',
        '  state "idle" as idle',
        '  state "active" as active {',
        "    [*] --> active_fast",
        '    state "fast" as active_fast',
        '    state "slow" as active_slow',
        "  }",
        '  state "done" as done',
        "  done --> [*]",
        "  checking --> active : always [isIdleAndReady]",
        "  checking --> idle : always [else]",
        "  idle --> active : START / notify, count",
        "  active --> done : STOP",
        "  active_fast --> active_slow : after backoff",
        "  active_slow --> active_fast : after 500ms [isLate]",
      ),
    );
  });

  it("labels delayed transitions with the delay's name, never its resolved duration", () => {
    const text = toMermaid(createToyMachine());
    expect(text).toContain("after backoff");
    expect(text).not.toContain("after 100");
    expect(text).not.toContain("xstate.after");
  });

  it("leaves actions out of the labels when asked to", () => {
    expect(toMermaid(createToyMachine(), { actions: false })).toContain("  idle --> active : START\n");
  });

  it("lays out left to right with dagre when asked to", () => {
    const text = toMermaid(createToyMachine(), { direction: "LR", layout: "dagre" });
    expect(text.startsWith("---\nconfig:\n  layout: dagre\n  markdownAutoWrap: false\n---\nstateDiagram-v2\n  direction LR\n")).toBe(
      true,
    );
  });

  it("gives the same text for the same machine definition", () => {
    expect(toMermaid(createToyMachine())).toBe(toMermaid(createToyMachine()));
  });

  it("draws an arrow to the state a transition targets, inside a compound state too", () => {
    const machine = setup({}).createMachine({
      id: "entry",
      initial: "outside",
      states: {
        outside: { on: { ENTER: "box.first", JUMP: "box.second" } },
        box: {
          initial: "first",
          states: { first: { on: { NEXT: "second" } }, second: { on: { BACK: "first" } } },
        },
      },
    });
    const text = toMermaid(machine);
    expect(text).toContain("  outside --> box_first : ENTER\n");
    expect(text).toContain("  outside --> box_second : JUMP\n");
    expect(text).toContain("  box_second --> box_first : BACK\n");
  });

  it("shares one arrow between transitions that join the same two states, one label line each", () => {
    const machine = setup({ guards: toyGuards }).createMachine({
      id: "shared",
      initial: "a",
      states: {
        a: { on: { RETRY: { guard: "isReady", target: "b" }, FAIL: "b" } },
        b: {},
      },
    });
    expect(toMermaid(machine)).toContain("  a --> b : RETRY [isReady]<br/>FAIL\n");
  });

  it("lists transitions without a target inside an atomic state and in a note beside a compound state", () => {
    const machine = setup({ actions: { record: () => {} } }).createMachine({
      id: "targetless",
      initial: "parent",
      states: {
        parent: {
          initial: "child",
          on: { LOG: { actions: "record" } },
          states: { child: { entry: "record", on: { PING: { actions: "record" } } } },
        },
      },
    });
    expect(toMermaid(machine)).toBe(
      diagram(
        "  [*] --> parent",
        '  state "parent" as parent {',
        "    [*] --> parent_child",
        '    state "child" as parent_child',
        "    parent_child : entry / record",
        "    parent_child : PING / record",
        "  }",
        "  note right of parent",
        "    LOG / record",
        "  end note",
      ),
    );
  });

  it("starts the machine's own transitions from an 'any state' box", () => {
    const machine = setup({}).createMachine({
      id: "rooted",
      initial: "running",
      on: { DISPOSE: ".disposed" },
      states: { running: {}, disposed: { type: "final" } },
    });
    expect(toMermaid(machine)).toBe(
      diagram(
        "  [*] --> running",
        '  state "running" as running',
        '  state "disposed" as disposed',
        "  disposed --> [*]",
        '  state "any state" as any_state',
        "  class any_state anyState",
        "  classDef anyState stroke-dasharray: 4 4",
        "  any_state --> disposed : DISPOSE",
      ),
    );
  });

  it("names built-in actions without their xstate prefix and leaves out the timers of delayed transitions", () => {
    const machine = setup({ delays: { soon: 10 } }).createMachine({
      id: "builtins",
      initial: "waiting",
      states: {
        waiting: {
          entry: emit({ type: "waiting" }),
          after: { soon: { target: "done", actions: assign({}) } },
        },
        done: {},
      },
    });
    const text = toMermaid(machine);
    expect(text).toContain("  waiting : entry / emit\n");
    expect(text).toContain("  waiting --> done : after soon / assign\n");
    expect(text).not.toContain("raise");
    expect(text).not.toContain("cancel");
  });

  it("escapes the characters that end a Mermaid statement or start an entity code", () => {
    const machine = setup({}).createMachine({
      id: "escaping",
      initial: "a",
      states: { a: { on: { "GO;NOW#1": "b" } }, b: {} },
    });
    expect(toMermaid(machine)).toContain("  a --> b : GO#59;NOW#35;1\n");
  });

  it("keeps state ids apart from Mermaid keywords and from each other", () => {
    const machine = setup({}).createMachine({
      id: "ids",
      initial: "end",
      states: { end: { on: { GO: "a_b" } }, a: { initial: "b", states: { b: {} } }, a_b: {} },
    });
    const text = toMermaid(machine);
    expect(text).toContain('  state "end" as s_end\n');
    expect(text).toContain('    state "b" as a_b\n');
    expect(text).toContain('  state "a_b" as a_b_2\n');
    expect(text).toContain("  s_end --> a_b_2 : GO\n");
  });
});

describe("guardLabel()", () => {
  it("names guard objects by type, and inline functions as inline", () => {
    expect(guardLabel({ type: "isReady", params: { at: 1 } })).toBe("isReady");
    expect(guardLabel(() => true)).toBe("inline guard");
    expect(guardLabel(function hasQuota() { return true; })).toBe("hasQuota");
  });
});

describe("visualizations/connection.mmd", () => {
  const committed = fileURLToPath(new URL("../../visualizations/connection.mmd", import.meta.url));
  const text = toMermaid(connectionMachine);

  it("matches the connection machine (run npm run visualize when it does not)", () => {
    const onDisk = existsSync(committed) ? readFileSync(committed, "utf8") : "(the file does not exist)";
    expect(onDisk, "visualizations/connection.mmd is stale: run npm run visualize").toBe(text);
  });

  it("draws every state of the connection machine", () => {
    const missing: string[] = [];
    const walk = (node: AnyStateNode): void => {
      for (const child of Object.values(node.states) as AnyStateNode[]) {
        if (!text.includes(`state "${child.key}" as ${child.path.join("_")}`)) missing.push(child.id);
        walk(child);
      }
    };
    walk(connectionMachine.root);
    expect(missing).toEqual([]);
    for (const [name, id] of [
      ["connecting", "live_connecting"],
      ["open", "live_open"],
      ["closing", "live_closing"],
      ["closed", "disconnected_closed"],
      ["reconnecting", "disconnected_reconnecting"],
      ["error", "disconnected_error"],
      ["start", "start"],
      ["checkingBudget", "checkingBudget"],
      ["disposed", "disposed"],
    ]) {
      expect(text).toContain(`state "${name}" as ${id}`);
    }
  });

  it("labels every event the connection machine accepts and its named delays", () => {
    const events = [...connectionMachine.events].filter((type) => !type.startsWith("xstate."));
    expect(events.length).toBeGreaterThan(0);
    for (const type of events) expect(text).toContain(type);
    expect(text).toContain("after backoff");
    expect(text).toContain("after stabilityWindow");
    expect(text).not.toContain("xstate.");
  });
});
