import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { connectionMachine } from "../../machines/connection.js";
import { STATECHART_BLOCK, toMermaid } from "../../scripts/mermaid.js";

describe("the statechart block of docs/statechart.md", () => {
  it("is the diagram generated from the machine (run npm run visualize when this fails)", () => {
    const doc = readFileSync(new URL("../../docs/statechart.md", import.meta.url), "utf8");
    const block = STATECHART_BLOCK.exec(doc);
    expect(block, "docs/statechart.md lacks the statechart markers").not.toBeNull();
    const embedded = /```mermaid\n([\s\S]*?)```/.exec(block![0])?.[1];
    expect(embedded, "the statechart block of docs/statechart.md is stale: run npm run visualize").toBe(toMermaid(connectionMachine));
  });
});
