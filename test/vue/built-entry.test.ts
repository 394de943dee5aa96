import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtDir, importedModules, installBuiltApp, readBuilt as read, type BuiltApp } from "../support/built-app.js";

let app: BuiltApp;

beforeAll(async () => {
  app = await installBuiltApp("vue", ["vue"]);
}, 120_000);

afterAll(() => app?.remove());

describe("the built vue entry", () => {
  it("is never loaded by the root entry", () => {
    expect(importedModules(read("index.js"))).toEqual(["xstate"]);
    expect(importedModules(read("index.cjs"))).toEqual(["xstate"]);
    expect(read("index.d.ts")).not.toMatch(/from ['"]vue['"]/);
  });

  it("imports Vue and the root entry by the package's name, in both builds and their declarations", () => {
    for (const file of ["vue.js", "vue.cjs", "vue.d.ts", "vue.d.cts"]) {
      expect(existsSync(join(builtDir, file)), file).toBe(true);
      expect(importedModules(read(file)), file).toEqual(["socket-store", "vue"]);
    }
    expect(read("vue.js")).toMatch(/export\s*\{[^}]*\buseSocketStore\b[^}]*\}/);
  });

  it("holds no copy of the core: neither its code nor a second SocketStore declaration", () => {
    for (const file of ["vue.js", "vue.cjs"]) expect(read(file), file).not.toMatch(/class SocketStore|createActor|connectionMachine/);
    expect(read("vue.d.ts")).not.toMatch(/declare class/);
    for (const name of ["useSocketStore", "useConnection", "useTopic"]) expect(read("vue.d.ts")).toMatch(new RegExp(`declare function ${name}\\b`));
  });

  it("loads through the package's exports in Node, server-renders the null state, and shares the root's error class", () => {
    const script = `
      import { createSSRApp, defineComponent, effectScope, h } from "vue";
      import { renderToString } from "vue/server-renderer";
      import { SocketStore, SocketStoreError } from "socket-store";
      import { useConnection, useSocketStore, useTopic } from "socket-store/vue";
      let created = 0;
      const Ticker = defineComponent({
        setup() {
          const store = useSocketStore(() => { created++; return new SocketStore({ readyState: 1, addEventListener() {}, removeEventListener() {}, send() {}, close() {} }); });
          const connection = useConnection(store);
          const price = useTopic(store, "price");
          return () => h("p", String(connection.value) + " " + String(price.value));
        },
      });
      let sameErrorClass = false;
      try { effectScope().run(() => useSocketStore("not a function")); } catch (error) { sameErrorClass = error instanceof SocketStoreError && error.code === "ERR_INVALID_ARGUMENT"; }
      console.log(JSON.stringify({ html: await renderToString(createSSRApp(Ticker)), created, sameErrorClass }));
    `;
    const output = app.run(script);
    expect(JSON.parse(output)).toEqual({ html: "<p>null undefined</p>", created: 0, sameErrorClass: true });
  });

  it("type-checks an application that passes a store from the root entry to the composables", () => {
    expect(app.typeCheck({ "app.ts": `import { SocketStore, type ConnectionSnapshot } from "socket-store";
       import { useConnection, useSocketStore, useTopic } from "socket-store/vue";
       import { ref, type ShallowRef } from "vue";
       export function useTicker() {
         const url = ref("ws://127.0.0.1:8080");
         const store = useSocketStore(() => new SocketStore<{ price: number }>(new WebSocket(url.value)), url);
         const connection: Readonly<ShallowRef<ConnectionSnapshot | null>> = useConnection(store);
         const price: number | undefined = useTopic(store, "price").value;
         // @ts-expect-error: not a topic of this store
         useTopic(store, "volume");
         // @ts-expect-error: the store ref is read-only
         store.value = null;
         return { connection, price };
       }
      ` })).toBe("");
  }, 60_000);
});
