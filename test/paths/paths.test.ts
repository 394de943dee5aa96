import { describe, expect, it } from "vitest";
import { MACHINE_STATE_IDS, MACHINE_TRANSITION_KEYS, machineTransitionsAlong, statesOf } from "./machine-transitions.js";
import { generateAllPaths } from "./configs.js";
import { replayEachGroup, TRANSITIONS_TAKEN_BY_STORES } from "./replay.js";

const generationStarted = performance.now();
const all = generateAllPaths();
const generationMs = performance.now() - generationStarted;
// The representative subset; test/paths/paths-full.test.ts (npm run test:all) replays the rest.
const generated = all.filter((group) => group.representative);
const countOf = (kind: string): number =>
  generated.filter((group) => group.kind === kind).reduce((sum, group) => sum + group.paths.length, 0);
console.log(
  `paths: ${countOf("shortest")} shortest, ${countOf("transition")} transition (${generated.length} of ${all.length} groups, ` +
    `the representative subset) generated from the statechart in ${Math.round(generationMs)} ms`,
);

describe("paths generated from the connection statechart", () => {
  replayEachGroup(generated);

  it("take every transition of the machine definition, always and after included, and pass through every state, in the representative subset alone", () => {
    // What the machine takes along the paths, and what the replayed stores took beside it (their
    // reports, the late close of a failed replacement).
    const taken = new Set<string>(TRANSITIONS_TAKEN_BY_STORES);
    for (const { config, paths } of generated) {
      for (const path of paths) for (const key of machineTransitionsAlong(config, path)) taken.add(key);
    }
    const untaken = MACHINE_TRANSITION_KEYS.filter((key) => !taken.has(key));
    expect(untaken, "transitions no generated path takes").toEqual([]);
    const visited = statesOf(taken);
    expect(
      MACHINE_STATE_IDS.filter((id) => !visited.has(id)),
      "states no generated path passes through",
    ).toEqual([]);
  });
});
