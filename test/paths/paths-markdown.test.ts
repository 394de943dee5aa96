import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderPathsMarkdown } from "./paths-markdown.js";

const PATHS_MD = fileURLToPath(new URL("../../visualizations/paths.md", import.meta.url));

function firstDifference(committed: string, rendered: string): string {
  const committedLines = committed.split("\n");
  const renderedLines = rendered.split("\n");
  const line = committedLines.findIndex((text, index) => text !== renderedLines[index]);
  const at = line === -1 ? committedLines.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(committedLines[at] ?? "(end of file)")}, generated ${JSON.stringify(renderedLines[at] ?? "(end of file)")}`;
}

describe("visualizations/paths.md", () => {
  it("renders the same listing every time", () => {
    expect(renderPathsMarkdown() === renderPathsMarkdown()).toBe(true);
  });

  it("matches the paths generated from the current statechart", () => {
    expect(existsSync(PATHS_MD), "visualizations/paths.md is missing: run npm run visualize").toBe(true);
    const committed = readFileSync(PATHS_MD, "utf8");
    const rendered = renderPathsMarkdown();
    if (committed !== rendered) {
      expect.fail(`visualizations/paths.md is stale: run npm run visualize (first difference at ${firstDifference(committed, rendered)})`);
    }
  });
});
