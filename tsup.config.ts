import { defineConfig } from "tsup";

export default defineConfig({
  // The react entry imports the root entry by the package's own name, kept external: its
  // declarations refer to the root's SocketStore instead of declaring a second one.
  entry: { index: "src/index.ts", react: "src/react/index.ts" },
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: false,
  target: "es2022",
  platform: "neutral",
  external: ["xstate", "react", "socket-store"],
});
