// @ts-check
/**
 * Mutation testing of the library (`npm run test:mutation`): Stryker mutates the core (`src/`
 * without the react and testing entries, and `machines/`) and runs the tests of `vitest.mutation.config.ts` against every mutant.
 * The HTML report goes to reports/mutation/mutation.html.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  vitest: {
    configFile: "vitest.mutation.config.ts",
    // Run the tests Stryker's coverage analysis picks, not vitest's import-graph guess.
    related: false,
  },
  // The core: the optional entries (react, vue, svelte, testing) have suites of their own.
  mutate: ["src/**/*.ts", "!src/react/**", "!src/vue/**", "!src/svelte/**", "!src/bindings/**", "!src/testing/**", "machines/**/*.ts"],
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 85, break: null },
  cleanTempDir: true,
};
