import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { connectionMachine } from "../../machines/connection.js";
import { README_DIAGRAM, toMermaid } from "../../scripts/mermaid.js";

describe("the README's statechart block", () => {
  it("is the diagram generated from the machine (run npm run visualize when this fails)", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const block = README_DIAGRAM.exec(readme);
    expect(block, "README.md lacks the statechart markers").not.toBeNull();
    const embedded = /```mermaid\n([\s\S]*?)```/.exec(block![0])?.[1];
    expect(embedded, "README.md's statechart block is stale: run npm run visualize").toBe(toMermaid(connectionMachine));
  });
});
