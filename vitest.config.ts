import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

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
    include: ["test/**/*.test.ts", "test/**/*.test.tsx", "examples/**/*.test.ts"],
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"] },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
