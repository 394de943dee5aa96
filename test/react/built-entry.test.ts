import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuiltPackage, projectRoot } from "../e2e/built-package.js";

const builtDir = join(projectRoot, "dist");
const read = (file: string) => readFileSync(join(builtDir, file), "utf8");

/** Every module specifier a built file imports (static, dynamic and re-exports). */
function importedModules(code: string): string[] {
  const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((match) => match[1]!);
  return [...new Set(specifiers)].sort();
}

/**
 * An application folder with socket-store installed the way npm would (its package.json and
 * its built dist), next to the React and xstate it needs as links to this project's copies.
 */
let appDir: string;

beforeAll(async () => {
  await ensureBuiltPackage();
  appDir = mkdtempSync(join(tmpdir(), "socket-store-react-app-"));
  const installed = join(appDir, "node_modules", "socket-store");
  mkdirSync(installed, { recursive: true });
  cpSync(join(projectRoot, "package.json"), join(installed, "package.json"));
  cpSync(builtDir, join(installed, "dist"), { recursive: true });
  for (const dependency of ["react", "react-dom", "xstate", "scheduler", "@types/react"]) {
    mkdirSync(join(appDir, "node_modules", dependency, ".."), { recursive: true });
    symlinkSync(join(projectRoot, "node_modules", dependency), join(appDir, "node_modules", dependency), "dir");
  }
}, 120_000);

afterAll(() => {
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

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
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: appDir, encoding: "utf8" });
    expect(JSON.parse(output)).toEqual({ html: "<p>null undefined</p>", created: 0 });
  });

  it("type-check an application that passes a store from the root entry to the hooks", () => {
    writeFileSync(
      join(appDir, "app.tsx"),
      `import { SocketStore, type ConnectionSnapshot } from "socket-store";
       import { useConnection, useSocketStore, useTopic } from "socket-store/react";
       export function Ticker({ url }: { url: string }) {
         const store = useSocketStore(() => new SocketStore<{ price: number }>(new WebSocket(url)), [url]);
         const connection: ConnectionSnapshot | null = useConnection(store);
         const price: number | undefined = useTopic(store, "price");
         // @ts-expect-error: not a topic of this store
         useTopic(store, "volume");
         return <p>{connection?.status} {price}</p>;
       }
      `,
    );
    writeFileSync(
      join(appDir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "ES2022",
          module: "ESNext",
          moduleResolution: "Bundler",
          jsx: "react-jsx",
          lib: ["ES2022", "DOM", "ESNext.Disposable"],
          types: [],
          skipLibCheck: true,
        },
        files: ["app.tsx"],
      }),
    );
    const tsc = join(projectRoot, "node_modules", "typescript", "bin", "tsc");
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", appDir], { cwd: appDir, encoding: "utf8" });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe("");
  }, 60_000);
});
