import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtDir, importedModules, installBuiltApp, readBuilt as read, type BuiltApp } from "../support/built-app.js";

let app: BuiltApp;

beforeAll(async () => {
  app = await installBuiltApp("react", ["react", "react-dom", "scheduler", "@types/react"]);
}, 120_000);

afterAll(() => app?.remove());

describe("the built entries", () => {
  it("keep React out of the root entry", () => {
    expect(importedModules(read("index.js"))).toEqual(["xstate"]);
    expect(read("index.d.ts")).not.toMatch(/from ['"]react['"]/);
  });

  it("build socket-store/react with its declarations, importing React only", () => {
    expect(existsSync(join(builtDir, "react.js"))).toBe(true);
    expect(existsSync(join(builtDir, "react.d.ts"))).toBe(true);
    expect(importedModules(read("react.js"))).toEqual(["react"]);
    expect(read("react.js")).toMatch(/export\s*\{[^}]*\buseSocketStore\b[^}]*\}/);
  });

  it("hold one SocketStore class: the React entry neither bundles the core nor declares it again", () => {
    expect(read("react.js")).not.toMatch(/class SocketStore|createActor/);
    expect(read("react.d.ts")).not.toMatch(/declare class/);
    expect(importedModules(read("react.d.ts"))).toEqual(["socket-store"]);
    expect(read("react.d.ts")).toMatch(/declare function useSocketStore/);
    expect(read("react.d.ts")).toMatch(/declare function useConnection/);
    expect(read("react.d.ts")).toMatch(/declare function useTopic/);
  });

  it("load through the package's exports in Node and render the null state on the server", () => {
    const script = `
      import { createElement } from "react";
      import { renderToString } from "react-dom/server";
      import { SocketStore } from "socket-store";
      import { useConnection, useSocketStore, useTopic } from "socket-store/react";
      let created = 0;
      function Ticker() {
        const store = useSocketStore(() => { created++; return new SocketStore({ readyState: 1, addEventListener() {}, removeEventListener() {}, send() {}, close() {} }); }, []);
        return createElement("p", null, String(useConnection(store)) + " " + String(useTopic(store, "price")));
      }
      console.log(JSON.stringify({ html: renderToString(createElement(Ticker)), created }));
    `;
    const output = app.run(script);
    expect(JSON.parse(output)).toEqual({ html: "<p>null undefined</p>", created: 0 });
  });

  it("type-check an application that passes a store from the root entry to the hooks", () => {
    expect(app.typeCheck({ "app.tsx": `import { SocketStore, type ConnectionSnapshot } from "socket-store";
       import { useConnection, useSocketStore, useTopic } from "socket-store/react";
       export function Ticker({ url }: { url: string }) {
         const store = useSocketStore(() => new SocketStore<{ price: number }>(new WebSocket(url)), [url]);
         const connection: ConnectionSnapshot | null = useConnection(store);
         const price: number | undefined = useTopic(store, "price");
         // @ts-expect-error: not a topic of this store
         useTopic(store, "volume");
         return <p>{connection?.status} {price}</p>;
       }
      ` }, { jsx: "react-jsx" })).toBe("");
  }, 60_000);
});
