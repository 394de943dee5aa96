import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuiltPackage } from "../e2e/built-package.js";
import { installPackedPackage, typeCheckConsumer, type InstalledPackage, type TypeCheckResult } from "./installed-package.js";

// The packed package, installed into an application folder and type-checked there the way a new
// user's project checks it: strict, and skipLibCheck off so the package's own declaration files
// are checked against the application's lib setting. Each project lists its lib and types
// explicitly, so nothing from this repository's tsconfig or @types leaks in.

const strict = { strict: true, skipLibCheck: false, target: "ES2022" };
const bundler = { ...strict, module: "ESNext", moduleResolution: "Bundler", types: [] };

/** Uses the root entry's classes, functions and types; `socket` comes from each project's header. */
const rootUsage = `
const store = new SocketStore<{ price: number }>(
  socket,
  { route: (event) => ({ topic: "price", value: Number(event.data) }), onError: (error) => console.log(error.code) },
  { reconnect: { enabled: true, maxAttempts: 3, backoff: "exponential" } },
);
const snapshot: ConnectionSnapshot = store.getSnapshot();
const price: number | undefined = store.topic("price").get();
// @ts-expect-error: not a topic of this store
store.topic("volume");
const delay: number = backoffDelay(2, { backoff: "fixed", initialDelayMs: 100, maxDelayMs: 1000 });
const machineId: string = connectionMachine.id;
try {
  store.send("hello");
} catch (error) {
  if (isSocketStoreError(error) && error instanceof SocketStoreError) console.log(error.code);
}
store.dispose();
export { snapshot, price, delay, machineId };
`;
const rootImport = `import { SocketStore, SocketStoreError, isSocketStoreError, backoffDelay, connectionMachine, type ConnectionSnapshot, type WebSocketLike } from "socket-store";\n`;
const browserApp = rootImport + `const socket: WebSocketLike = new WebSocket("ws://127.0.0.1:8080");\n` + rootUsage;
const nodeApp = rootImport + `declare const socket: WebSocketLike;\n` + rootUsage;

const reactApp = `import { SocketStore } from "socket-store";
import { useConnection, useSocketStore, useTopic } from "socket-store/react";
export function Ticker({ url }: { url: string }) {
  const store = useSocketStore(() => new SocketStore<{ price: number }>(new WebSocket(url)), [url]);
  const price: number | undefined = useTopic(store, "price");
  // @ts-expect-error: not a topic of this store
  useTopic(store, "volume");
  return <p>{useConnection(store)?.status} {price}</p>;
}
`;

const vueApp = `import { SocketStore, type ConnectionSnapshot } from "socket-store";
import { useConnection, useSocketStore, useTopic } from "socket-store/vue";
import { defineComponent, h, ref, type ShallowRef } from "vue";
export const Ticker = defineComponent({
  setup() {
    const url = ref("ws://127.0.0.1:8080");
    const store = useSocketStore(() => new SocketStore<{ price: number }>(new WebSocket(url.value)), url);
    const connection: Readonly<ShallowRef<ConnectionSnapshot | null>> = useConnection(store);
    const price = useTopic(store, "price");
    // @ts-expect-error: not a topic of this store
    useTopic(store, "volume");
    return () => h("p", \`\${connection.value?.status} \${price.value satisfies number | undefined}\`);
  },
});
`;

const svelteApp = `import { SocketStore, type ConnectionSnapshot } from "socket-store";
import { connection, socketStore, topic } from "socket-store/svelte";
import { derived, get, type Readable } from "svelte/store";
const store = new SocketStore<{ price: number }>(new WebSocket("ws://127.0.0.1:8080"));
const snapshots: Readable<ConnectionSnapshot> = connection(store);
export const status = derived(snapshots, (snapshot) => snapshot.status);
export const price: number | undefined = get(topic(store, "price"));
export const feed: Readable<SocketStore<{ price: number }> | null> = socketStore(() => store);
// @ts-expect-error: not a topic of this store
topic(store, "volume");
`;

/** The vue and svelte entries from a CommonJS file: their .d.cts declarations, and Vue's require types. */
const bindingsCommonJsApp = `import { SocketStore } from "socket-store";
import { useConnection, useSocketStore } from "socket-store/vue";
import { connection, socketStore } from "socket-store/svelte";
declare const create: () => SocketStore<{ price: number }>;
export function useStatus() {
  return useConnection(useSocketStore(create)).value?.status;
}
export const feed = socketStore(create);
export const statusOf = (store: SocketStore) => connection(store);
`;

const testingApp = `import { SocketStore } from "socket-store";
import { TestSocket, connectionPaths, startPath, type ConnectionPath } from "socket-store/testing";
const socket = new TestSocket();
const store = new SocketStore(socket);
const paths: ConnectionPath[] = connectionPaths();
export { store, paths, startPath };
`;

const usingApp = `${rootImport}
declare const socket: WebSocketLike;
export function session(): ConnectionSnapshot {
  using store = new SocketStore(socket);
  const disposable: Disposable = store;
  disposable[Symbol.dispose]();
  return store.getSnapshot();
}
export { SocketStoreError, isSocketStoreError, backoffDelay, connectionMachine };
`;

const usingNotDisposableApp = `${rootImport}
declare const socket: WebSocketLike;
using topic = new SocketStore<{ price: number }>(socket).topic("price");
export { SocketStoreError, isSocketStoreError, backoffDelay, connectionMachine, topic, type ConnectionSnapshot };
`;

const esm = JSON.stringify({ type: "module" });
const cjs = JSON.stringify({ type: "commonjs" });
const nodeOptions = (resolution: string) => ({ ...strict, module: resolution, moduleResolution: resolution, lib: ["ES2023"], types: ["node"] });

/** Every consumer project: a folder name, its compiler options and its files. */
const projects: Record<string, { options: Record<string, unknown>; files: Record<string, string> }> = {
  "bundler-es2020-dom": { options: { ...bundler, lib: ["ES2020", "DOM"] }, files: { "app.ts": browserApp } },
  "bundler-es2022-dom": { options: { ...bundler, lib: ["ES2022", "DOM"] }, files: { "app.ts": browserApp } },
  "bundler-es2023-dom": { options: { ...bundler, lib: ["ES2023", "DOM", "DOM.Iterable"] }, files: { "app.ts": browserApp } },
  "bundler-react": { options: { ...bundler, lib: ["ES2022", "DOM"], jsx: "react-jsx" }, files: { "app.tsx": reactApp } },
  "bundler-vue": { options: { ...bundler, lib: ["ES2022", "DOM"] }, files: { "app.ts": vueApp } },
  "bundler-svelte": { options: { ...bundler, lib: ["ES2022", "DOM"] }, files: { "app.ts": svelteApp } },
  "cjs-node16-vue-svelte": {
    options: { ...nodeOptions("Node16"), lib: ["ES2023", "DOM"] },
    files: { "package.json": cjs, "app.ts": bindingsCommonJsApp },
  },
  "bundler-testing": { options: { ...bundler, lib: ["ES2022", "DOM"] }, files: { "app.ts": testingApp } },
  "esm-node16": { options: nodeOptions("Node16"), files: { "package.json": esm, "app.ts": nodeApp } },
  "cjs-node16": { options: nodeOptions("Node16"), files: { "package.json": cjs, "app.ts": nodeApp } },
  "esm-nodenext": { options: nodeOptions("NodeNext"), files: { "package.json": esm, "app.ts": nodeApp } },
  "cjs-nodenext": { options: nodeOptions("NodeNext"), files: { "package.json": cjs, "app.ts": nodeApp } },
  "using-esnext-disposable": { options: { ...bundler, lib: ["ES2022", "DOM", "ESNext.Disposable"] }, files: { "app.ts": usingApp } },
  "using-esnext-and-node": {
    options: { ...nodeOptions("NodeNext"), lib: ["ES2023", "ESNext.Disposable"] },
    files: { "package.json": esm, "app.ts": usingApp },
  },
  "using-node-only": { options: { ...nodeOptions("Node16"), lib: ["ES2022"] }, files: { "package.json": esm, "app.ts": usingApp } },
  "using-not-disposable": { options: { ...bundler, lib: ["ES2022", "DOM", "ESNext.Disposable"] }, files: { "app.ts": usingNotDisposableApp } },
};

let installed: InstalledPackage | undefined;
const results = new Map<string, Promise<TypeCheckResult>>();

beforeAll(async () => {
  await ensureBuiltPackage();
  const app = installPackedPackage(["xstate", "@types/node", "undici-types", "@types/react", "csstype", "vue", "svelte"]);
  installed = app;
  // The projects are independent: check them three at a time.
  const names = Object.keys(projects);
  const started: Promise<TypeCheckResult>[] = [];
  for (const [index, name] of names.entries()) {
    const project = projects[name]!;
    const previous = started[index - 3];
    const run = (previous ?? Promise.resolve()).then(() => typeCheckConsumer(app.appDir, name, project.options, project.files));
    started.push(run);
    results.set(name, run);
  }
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(results.values());
  installed?.remove();
});

const check = (name: string) => {
  const result = results.get(name);
  if (!result) throw new Error(`no consumer project named ${name}`);
  return result;
};

/** The installed declaration files a program read, by name (index.d.ts, index.d.cts, ...). */
const packageDeclarations = ({ files }: TypeCheckResult) =>
  files
    .filter((file) => file.includes("/node_modules/socket-store/"))
    .map((file) => file.slice(file.lastIndexOf("/") + 1))
    .sort();

describe("the published types in a browser app (moduleResolution Bundler, DOM, no disposable lib)", () => {
  for (const [name, lib] of [["bundler-es2020-dom", "ES2020 + DOM"], ["bundler-es2022-dom", "ES2022 + DOM"], ["bundler-es2023-dom", "ES2023 + DOM"]] as const) {
    it(`type-check with lib ${lib}`, async () => {
      const result = await check(name);
      expect(result.errors).toEqual([]);
      expect(packageDeclarations(result)).toEqual(["index.d.ts"]);
    }, 300_000);
  }

  it("type-check socket-store/react with React's declarations", async () => {
    const result = await check("bundler-react");
    expect(result.errors).toEqual([]);
    expect(packageDeclarations(result)).toEqual(["index.d.ts", "react.d.ts"]);
  }, 300_000);
});

describe("the published types of socket-store/vue and socket-store/svelte", () => {
  it("type-check socket-store/vue with Vue's declarations (Bundler, ES2022 + DOM)", async () => {
    const result = await check("bundler-vue");
    expect(result.errors).toEqual([]);
    expect(packageDeclarations(result)).toEqual(["index.d.ts", "vue.d.ts"]);
  }, 300_000);

  it("type-check socket-store/svelte's stores as svelte/store's Readable (Bundler, ES2022 + DOM)", async () => {
    const result = await check("bundler-svelte");
    expect(result.errors).toEqual([]);
    expect(packageDeclarations(result)).toEqual(["index.d.ts", "svelte.d.ts"]);
  }, 300_000);

  it("type-check both from a CommonJS consumer (Node16), against the CommonJS declarations", async () => {
    const result = await check("cjs-node16-vue-svelte");
    expect(result.errors).toEqual([]);
    expect(packageDeclarations(result)).toEqual(["index.d.cts", "svelte.d.cts", "vue.d.cts"]);
  }, 300_000);
});

describe("the published types of socket-store/testing", () => {
  it("type-check a test file that replays the statechart's paths (Bundler, ES2022 + DOM)", async () => {
    const result = await check("bundler-testing");
    expect(result.errors).toEqual([]);
    expect(packageDeclarations(result)).toEqual(["index.d.ts", "testing.d.ts"]);
  }, 300_000);
});

describe("the published types in a Node project (@types/node, lib ES2023, no DOM)", () => {
  for (const resolution of ["node16", "nodenext"]) {
    it(`type-check an ES module consumer with module ${resolution}, against the ESM declarations`, async () => {
      const result = await check(`esm-${resolution}`);
      expect(result.errors).toEqual([]);
      expect(packageDeclarations(result)).toEqual(["index.d.ts"]);
    }, 300_000);

    it(`type-check a CommonJS consumer with module ${resolution}, against the CommonJS declarations`, async () => {
      const result = await check(`cjs-${resolution}`);
      expect(result.errors).toEqual([]);
      expect(packageDeclarations(result)).toEqual(["index.d.cts"]);
    }, 300_000);
  }
});

describe("`using store = new SocketStore(...)`", () => {
  it("type-checks with the ESNext.Disposable lib (Bundler, DOM)", async () => {
    expect((await check("using-esnext-disposable")).errors).toEqual([]);
  }, 300_000);

  it("type-checks with the ESNext.Disposable lib and @types/node together (NodeNext)", async () => {
    expect((await check("using-esnext-and-node")).errors).toEqual([]);
  }, 300_000);

  it("type-checks with @types/node's Disposable alone (Node16, lib ES2022)", async () => {
    expect((await check("using-node-only")).errors).toEqual([]);
  }, 300_000);

  it("is refused for a value that is not disposable, so the declarations are really checked", async () => {
    expect((await check("using-not-disposable")).errors.join("\n")).toMatch(/error TS2850/);
  }, 300_000);
});
