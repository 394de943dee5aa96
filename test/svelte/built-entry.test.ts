import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtDir, importedModules, installBuiltApp, readBuilt as read, type BuiltApp } from "../support/built-app.js";

let app: BuiltApp;

beforeAll(async () => {
  app = await installBuiltApp("svelte", ["svelte"]);
}, 120_000);

afterAll(() => app?.remove());

describe("the built svelte entry", () => {
  it("is never loaded by the root entry", () => {
    expect(importedModules(read("index.js"))).toEqual(["xstate"]);
    expect(importedModules(read("index.cjs"))).toEqual(["xstate"]);
    expect(read("index.d.ts")).not.toMatch(/svelte/);
  });

  it("imports only the root entry, by the package's name: nothing from Svelte, in both builds and their declarations", () => {
    for (const file of ["svelte.js", "svelte.cjs", "svelte.d.ts", "svelte.d.cts"]) {
      expect(existsSync(join(builtDir, file)), file).toBe(true);
      expect(importedModules(read(file)), file).toEqual(["socket-store"]);
    }
    expect(read("svelte.js")).toMatch(/export\s*\{[^}]*\bsocketStore\b[^}]*\}/);
  });

  it("holds no copy of the core: neither its code nor a second SocketStore declaration", () => {
    for (const file of ["svelte.js", "svelte.cjs"]) expect(read(file), file).not.toMatch(/class SocketStore|createActor|connectionMachine/);
    expect(read("svelte.d.ts")).not.toMatch(/declare class/);
    for (const name of ["connection", "topic", "socketStore"]) expect(read("svelte.d.ts")).toMatch(new RegExp(`declare function ${name}\\b`));
  });

  for (const [format, header] of [
    ["ESM", `import { SocketStore, SocketStoreError } from "socket-store"; import { connection, socketStore, topic } from "socket-store/svelte";`],
    ["CommonJS", `const { SocketStore, SocketStoreError } = require("socket-store"); const { connection, socketStore, topic } = require("socket-store/svelte");`],
  ] as const) {
    it(`loads through the package's exports in Node (${format}): socketStore holds null there and the stores follow a store`, () => {
      const script = `${header}
        let created = 0;
        const feed = socketStore(() => { created++; return new SocketStore({ readyState: 1, addEventListener() {}, removeEventListener() {}, send() {}, close() {} }); });
        const held = [];
        feed.subscribe((value) => held.push(value))();
        const store = new SocketStore({ readyState: 0, addEventListener() {}, removeEventListener() {}, send() {}, close() {} });
        const statuses = [];
        connection(store).subscribe((snapshot) => statuses.push(snapshot.status));
        store.close();
        const prices = [];
        topic(store, "price").subscribe((value) => prices.push(value));
        let sameErrorClass = false;
        try { socketStore(5); } catch (error) { sameErrorClass = error instanceof SocketStoreError && error.code === "ERR_INVALID_ARGUMENT"; }
        console.log(JSON.stringify({ held, created, statuses, prices, sameErrorClass }));
      `;
      const type = format === "ESM" ? "module" : "commonjs";
      const output = app.run(script, type);
      expect(JSON.parse(output)).toEqual({ held: [null], created: 0, statuses: ["connecting", "closing"], prices: [null], sameErrorClass: true });
    });
  }

  it("type-checks an application that hands the stores to svelte/store's derived and get", () => {
    expect(app.typeCheck({ "app.ts": `import { SocketStore, type ConnectionSnapshot } from "socket-store";
       import { connection, socketStore, topic, type Readable } from "socket-store/svelte";
       import { derived, get, type Readable as SvelteReadable } from "svelte/store";
       declare const url: string;
       const store = new SocketStore<{ price: number }>(new WebSocket(url));
       const snapshots: SvelteReadable<ConnectionSnapshot> = connection(store);
       const price: SvelteReadable<number | undefined> = topic(store, "price");
       export const status = derived(snapshots, (snapshot) => snapshot.status);
       export const latest: number | undefined = get(price);
       export const feed: Readable<SocketStore<{ price: number }> | null> = socketStore(() => store);
       export const socketOf = derived(feed, (current) => current?.socket ?? null);
       // @ts-expect-error: not a topic of this store
       topic(store, "volume");
      ` })).toBe("");
  }, 60_000);
});
