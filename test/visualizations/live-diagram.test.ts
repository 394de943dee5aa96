import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setup } from "xstate";
import { describe, expect, it } from "vitest";
import { connectionMachine } from "../../machines/connection.js";
import { annotateStates, readSourceStamp, sourceStamp, stampSource } from "../../scripts/diagram-svg.js";
import { mermaidStateIds, OVERVIEW_OPTIONS, toMermaid } from "../../scripts/mermaid.js";

const visualization = (name: string): string => fileURLToPath(new URL(`../../visualizations/${name}`, import.meta.url));
const readIfThere = (file: string): string => (existsSync(file) ? readFileSync(file, "utf8") : "(the file does not exist)");

describe("mermaidStateIds()", () => {
  it("gives the Mermaid id toMermaid() writes for every state, by its path", () => {
    const ids = mermaidStateIds(connectionMachine);
    const text = toMermaid(connectionMachine);
    expect(ids.get("live.open.settling")).toBe("live_open_settling");
    expect(ids.get("live.connecting")).toBe("live_connecting");
    for (const [path, id] of ids) expect(text, path).toContain(`state "${path.split(".").at(-1)}" as ${id}`);
  });
});

describe("toMermaid() with the overview options", () => {
  it("labels arrows with event names only: no guards, no [else], no actions", () => {
    const machine = setup({ guards: { isReady: () => true }, actions: { record: () => {} } }).createMachine({
      id: "toy",
      initial: "a",
      states: {
        a: { entry: "record", on: { GO: [{ guard: "isReady", target: "b", actions: "record" }, { target: "b" }] } },
        b: {},
      },
    });
    const text = toMermaid(machine, OVERVIEW_OPTIONS);
    expect(text).toContain("  a --> b : GO\n");
    expect(text).not.toContain("isReady");
    expect(text).not.toContain("record");
  });

  it("draws bare arrows when labels are off", () => {
    const machine = setup({}).createMachine({ id: "toy", initial: "a", states: { a: { on: { GO: "b" } }, b: {} } });
    expect(toMermaid(machine, { labels: false })).toContain("  a --> b\n");
  });
});

describe("annotateStates()", () => {
  const svg = [
    '<svg id="my-svg" class="statediagram">',
    '<g class="statediagram-state statediagram-cluster" id="[object Object]" data-id="open" data-look="classic"></g>',
    '<g class="node  statediagram-state" id="my-svg-state-open_settling-24" data-look="classic"></g>',
    '<g class="node default" id="my-svg-state-open_start-2"></g>',
    '<path data-id="open"></path>',
    "</svg>",
  ].join("");
  const ids = new Map([
    ["open", "open"],
    ["open.settling", "open_settling"],
  ]);

  it("marks each state's box with its path: a compound state's cluster, an atomic state's node", () => {
    const annotated = annotateStates(svg, ids);
    expect(annotated).toContain('data-id="open" data-state="open" data-look');
    expect(annotated).toContain('id="my-svg-state-open_settling-24" data-state="open.settling"');
    expect(annotated.match(/data-state=/g)).toHaveLength(2);
  });

  it("gives the same text when run twice", () => {
    expect(annotateStates(annotateStates(svg, ids), ids)).toBe(annotateStates(svg, ids));
  });

  it("throws for a state that has no box in the SVG", () => {
    expect(() => annotateStates(svg, new Map([["closed", "closed"]]))).toThrow(/closed/);
  });
});

describe("the stamp of a rendered SVG", () => {
  it("names the Mermaid file and its SHA-256, and replaces an earlier stamp", () => {
    const once = stampSource("<svg></svg>", "a.mmd", "text one");
    const twice = stampSource(once, "a.mmd", "text two");
    expect(readSourceStamp(once)).toBe(sourceStamp("a.mmd", "text one"));
    expect(readSourceStamp(twice)).toBe(sourceStamp("a.mmd", "text two"));
    expect(twice.endsWith("\n<svg></svg>")).toBe(true);
    expect(sourceStamp("a.mmd", "text one")).not.toBe(sourceStamp("a.mmd", "text two"));
  });
});

describe("visualizations/ (run npm run visualize when these fail)", () => {
  it("connection-overview.mmd is the overview of the connection machine", () => {
    expect(readIfThere(visualization("connection-overview.mmd")), "connection-overview.mmd is stale").toBe(
      toMermaid(connectionMachine, OVERVIEW_OPTIONS),
    );
  });

  it.each([
    ["connection.svg", "connection.mmd"],
    ["connection-overview.svg", "connection-overview.mmd"],
  ])("%s was rendered from the committed %s", (svgName, mermaidName) => {
    const stamp = readSourceStamp(readIfThere(visualization(svgName)));
    expect(stamp, `${svgName} is stale`).toBe(sourceStamp(mermaidName, readIfThere(visualization(mermaidName))));
  });

  it("connection-overview.svg has a box marked with the path of every state of the machine", () => {
    const svg = readIfThere(visualization("connection-overview.svg"));
    const marked = [...svg.matchAll(/ data-state="([^"]+)"/g)].map((match) => match[1]).sort();
    expect(marked).toEqual([...mermaidStateIds(connectionMachine).keys()].sort());
  });
});
