import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The slow layers: in `npm run test:all` only. */
const SLOW = [
  "test/package/**/*.test.ts",
  "test/e2e/**/*.test.ts",
  "test/stately/**/*.test.ts",
  "test/soak/**/*.test.ts",
  "test/runtimes/**/*.test.ts",
  "test/react/react-18-types.test.ts",
  "test/paths/paths-full.test.ts",
];

export default defineConfig({
  plugins: [
    {
      // Compiles the `.svelte` components of the Svelte entry's tests with Svelte's own compiler:
      // the client build for DOM (jsdom) tests, the server build for server-rendering (node) tests.
      name: "socket-store:svelte-components",
      async transform(source, id) {
        if (!id.endsWith(".svelte")) return null;
        const { compile } = await import("svelte/compiler");
        const generate = this.environment.config.consumer === "server" ? "server" : "client";
        return compile(source, { filename: id, generate }).js;
      },
    },
  ],
  resolve: {
    alias: [
      // The Vue and Svelte entries import the root by the package's name (external in the build):
      // in tests that name means the sources, as in tsconfig.json's paths.
      { find: /^socket-store$/, replacement: fromRoot("./src/index.ts") },
      { find: /^socket-store\/testing$/, replacement: fromRoot("./src/testing/index.ts") },
      // `mount` works only in Svelte's browser build, which Vitest's DOM environments do not
      // select (they resolve without the `browser` condition, for every package alike).
      { find: /^svelte$/, replacement: fromRoot("./node_modules/svelte/src/index-client.js") },
    ],
  },
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        // `npm test`: every behaviour, in about a minute (test/README.md lists the layers).
        extends: true,
        test: {
          name: "fast",
          include: ["test/**/*.test.ts", "test/**/*.test.tsx", "examples/**/*.test.ts"],
          exclude: SLOW,
        },
      },
      {
        // Added by `npm run test:all` (what CI runs): the packed package, browsers, Stately's
        // parser, the soak, React 18's types, the runtime scenarios and the full path sets.
        extends: true,
        test: {
          name: "slow",
          include: SLOW,
          typecheck: { enabled: true, include: ["test/**/*.test-d.ts"] },
        },
      },
    ],
  },
});
