import { describe } from "vitest";
import { generateAllPaths } from "./configs.js";
import { replayEachGroup } from "./replay.js";

describe("paths generated from the connection statechart, beyond the representative subset", () => {
  // The path groups the representative subset (test/paths/paths.test.ts, npm test) leaves out.
  replayEachGroup(generateAllPaths().filter((group) => !group.representative));
});
