import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The tests Stryker runs against each mutant (`npm run test:mutation`): every test that exercises
 * `src/` and `machines/` behaviour. Left out: the browser and soak runs (slow, and they use the
 * built `dist/`, which mutants never reach), the React entry, recipes and runtime matrix, packaging checks, type tests, and
 * the staleness checks of generated files (they would "kill" any change to the machine by
 * comparing text, without saying anything about behaviour).
 */
export default defineConfig({
  // As in vitest.config.ts: the testing entry's model imports the root by the package's name.
  resolve: {
    alias: [
      { find: /^socket-store$/, replacement: fromRoot("./src/index.ts") },
      { find: /^socket-store\/testing$/, replacement: fromRoot("./src/testing/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [
      "test/e2e/**",
      // The optional entries, the recipes and the runtime matrix have their own subjects.
      "test/react/**",
      "test/vue/**",
      "test/svelte/**",
      "test/recipes/**",
      "test/runtimes/**",
      "test/soak/**",
      "test/package/**",
      "test/visualizations/**",
      // Stately's parser reads the source text, which Stryker instruments with every mutant.
      "test/stately/**",
      "test/paths/paths-markdown.test.ts",
      "test/paths/docs-steps.test.ts",
      // The representative subset of the paths takes every transition; the rest only adds time.
      "test/paths/paths-full.test.ts",
      // socket-store/testing's own checks (the path replay above already runs through it).
      "test/paths/testing-entry.test.ts",
    ],
    typecheck: { enabled: false },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
