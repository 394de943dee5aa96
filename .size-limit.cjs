// Size budgets (`npm run size`, on the built dist/): what an application's bundle gains from
// socket-store, bundled by esbuild, minified, brotli. Each limit leaves about 5 % over the
// figure measured when it was set; docs/packaging.md lists those figures.
module.exports = [
  {
    // 16.7 kB measured (15.65 kB before the connect timeout, the error-without-close rule, the factory signal and the machine taking over the factory call).
    name: "socket-store: import { SocketStore }, xstate included",
    path: "dist/index.js",
    import: "{ SocketStore }",
    limit: "17.4 kB",
  },
  {
    // 5.01 kB measured (4.38 kB before the connect timeout, the error-without-close rule, the factory signal and the machine taking over the factory call).
    name: "socket-store: import { SocketStore }, xstate left out (the package's own code)",
    path: "dist/index.js",
    import: "{ SocketStore }",
    ignore: ["xstate"],
    limit: "5.3 kB",
  },
  {
    // 215 B measured.
    name: "socket-store/react: the three hooks, React left out",
    path: "dist/react.js",
    import: "{ useSocketStore, useConnection, useTopic }",
    ignore: ["react"],
    limit: "250 B",
  },
  {
    // 699 B measured.
    name: "socket-store/vue: the three composables, Vue and the root entry left out",
    path: "dist/vue.js",
    import: "{ useSocketStore, useConnection, useTopic }",
    ignore: ["vue", "socket-store"],
    limit: "735 B",
  },
  {
    // 481 B measured.
    name: "socket-store/svelte: the three stores, the root entry left out",
    path: "dist/svelte.js",
    import: "{ connection, topic, socketStore }",
    ignore: ["socket-store"],
    limit: "505 B",
  },
];
