// Budgets for what an application's bundle gains from socket-store: esbuild, minified, brotli.
// `npm run size` measures the built dist/ (run after the build); the figures and the headroom
// are in docs/packaging.md.
module.exports = [
  {
    name: "socket-store: import { SocketStore }, xstate included",
    path: "dist/index.js",
    import: "{ SocketStore }",
    limit: "99 kB",
  },
  {
    name: "socket-store: import { SocketStore }, without xstate (the package's own code)",
    path: "dist/index.js",
    import: "{ SocketStore }",
    ignore: ["xstate"],
    limit: "99 kB",
  },
  {
    name: "socket-store/react: the three hooks, without React",
    path: "dist/react.js",
    import: "{ useSocketStore, useConnection, useTopic }",
    ignore: ["react"],
    limit: "99 kB",
  },
];
