import { defineConfig } from "tsup";

export default defineConfig({
  // The react, vue and svelte entries import the root entry by the package's own name, kept
  // external: their declarations refer to the root's SocketStore instead of declaring a second
  // one, and the vue and svelte builds (which use the root's error class at run time) hold no
  // copy of the core.
  // The testing entry bundles the statechart it walks; no shared chunks, so the root entry's
  // files stay exactly what they are without it.
  entry: {
    index: "src/index.ts",
    react: "src/react/index.ts",
    vue: "src/vue/index.ts",
    svelte: "src/svelte/index.ts",
    testing: "src/testing/index.ts",
  },
  splitting: false,
  // ESM (.js, .d.ts) for `import`, CommonJS (.cjs, .d.cts) for `require`: see docs/packaging.md.
  format: ["esm", "cjs"],
  dts: {
    // SocketStore declares `[Symbol.dispose]()` for `using`. Projects whose lib setting lacks
    // esnext.disposable (es2020–es2023 + dom, the usual templates) have no `Symbol.dispose` type:
    // declare it as @types/node does; it merges with the lib's declaration where that exists.
    footer: "declare global {\n  interface SymbolConstructor {\n    readonly dispose: unique symbol;\n  }\n}",
  },
  clean: true,
  sourcemap: false,
  target: "es2022",
  platform: "neutral",
  external: ["xstate", "react", "vue", "socket-store"],
});
