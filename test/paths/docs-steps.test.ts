import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { connectionPaths, type ConnectionPathsOptions } from "../../src/testing/index.js";

const read = (file: string) => readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), "utf8");

/** The configuration docs/testing-your-app.md shows the steps of. */
const DOCUMENTED: ConnectionPathsOptions = {
  readyState: 0,
  closeCodes: [4401],
  reconnect: { maxAttempts: 2, initialDelayMs: 500, connectTimeoutMs: 3000, retryOnClose: (event) => event.code !== 4401 },
};

/** The block the guide shows: every step description of the shortest paths, then the first paths. */
function renderStepsBlock(): string {
  const paths = connectionPaths(DOCUMENTED);
  const steps = [...new Set(paths.flatMap((path) => path.steps.map((step) => step.description)))];
  return [
    "```text",
    "steps:",
    ...steps.map((step) => `  ${step}`),
    `paths (${paths.length} in all):`,
    ...paths.slice(0, 5).map((path) => `  ${path.description}`),
    "  …",
    "```",
  ].join("\n");
}

/** Every step description a range of configurations gives, for the examples quoted in the README. */
function knownStepDescriptions(): Set<string> {
  const known = new Set<string>();
  const configurations: ConnectionPathsOptions[] = [
    DOCUMENTED,
    { readyState: 1 },
    { readyState: 1, reconnect: { factory: "scripted", connectTimeoutMs: 3000 } },
    { readyState: 1, reconnect: { factory: "default" } },
  ];
  for (const options of configurations) {
    for (const path of connectionPaths({ ...options, kind: "transition" })) for (const step of path.steps) known.add(step.description);
  }
  return known;
}

describe("the README", () => {
  it("stays within 16 KB: what a reader takes in on the package page", () => {
    expect(Buffer.byteLength(read("README.md"))).toBeLessThanOrEqual(16 * 1024);
  });
});

describe("the step descriptions the docs show", () => {
  it("are what the package generates, in docs/testing-your-app.md", () => {
    const block = renderStepsBlock();
    console.log(block);
    const guide = read("docs/testing-your-app.md");
    const shown = /<!-- steps:begin -->\n([\s\S]*?)\n<!-- steps:end -->/.exec(guide)?.[1];
    expect(shown, "docs/testing-your-app.md has the steps block").toBeDefined();
    expect(shown).toBe(block);
  });

  it("are real step descriptions where the README quotes them", () => {
    const readme = read("README.md");
    const quoted = [...readme.matchAll(/`((?:server closes |wait \d+ ms |app calls |createSocket (?:returns|resolves|throws|rejects)|the socket |the store (?:constructs|ends))[^`]*)`/g)].map(
      (match) => match[1]!,
    );
    expect(quoted.length, "step descriptions quoted in the README").toBeGreaterThan(2);
    const known = knownStepDescriptions();
    expect(quoted.filter((description) => !known.has(description))).toEqual([]);
  });
});
