import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { describeConfig } from "../../src/testing/model.js";
import { generateAllPaths } from "./configs.js";
import { replayPath } from "./replay.js";

// The path groups the representative subset (test/paths/paths.test.ts, npm test) leaves out.
const generated = generateAllPaths().filter((group) => !group.representative);

describe("paths generated from the connection statechart, beyond the representative subset", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });

  for (const { config, kind, paths } of generated) {
    it(`replay every ${kind} path of "${describeConfig(config)}" on a SocketStore with the machine's status, attempt and retryDelayMs after each step`, async () => {
      expect(paths.length).toBeGreaterThan(0);
      for (const [index, path] of paths.entries()) {
        await replayPath(config, path, `${kind} path ${index + 1} of ${paths.length}, ${describeConfig(config)}`);
      }
    });
  }
});
