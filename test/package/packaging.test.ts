import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuiltPackage } from "../e2e/built-package.js";
import { installPackedPackage, installedFiles, projectRoot, type InstalledPackage } from "./installed-package.js";

const run = (command: string, args: string[], cwd = projectRoot) => execFileSync(command, args, { cwd, encoding: "utf8" });

interface Manifest {
  dependencies: Record<string, string>;
  main: string;
  module: string;
  types: string;
  typesVersions: Record<string, Record<string, string[]>>;
  exports: Record<string, string | { import: { types: string; default: string }; require: { types: string; default: string } }>;
}
const manifest = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as Manifest;
/** The package's code entries (".", "./react", ...), without "./package.json". */
const entries = Object.entries(manifest.exports).filter(([subpath]) => subpath !== "./package.json");

let installed: InstalledPackage;

beforeAll(async () => {
  await ensureBuiltPackage();
  installed = installPackedPackage(["xstate", "react", "vue"]);
}, 180_000);

afterAll(() => installed?.remove());

describe("the published package", () => {
  it("contains dist, and what the README links to: the docs, the recipes, the example, the statechart's source and its diagram", () => {
    const files = installedFiles(installed.appDir);
    const outsideDist = files.filter((file) => !file.startsWith("dist/"));
    expect(outsideDist.filter((file) => !/^(docs\/[\w-]+\.md|examples\/(recipes|status-line)\/[\w.-]+\.ts|machines\/[\w-]+\.ts)$/.test(file))).toEqual([
      "LICENSE",
      "README.md",
      "package.json",
      "visualizations/connection.svg",
    ]);
    // The example's test is part of the example (an app copies both); no other test is shipped.
    expect(outsideDist.filter((file) => file.endsWith(".test.ts"))).toEqual(["examples/status-line/status-line.test.ts"]);
    expect(outsideDist).toEqual(expect.arrayContaining(["docs/behaviour.md", "docs/testing-your-app.md", "examples/status-line/status-line.ts", "machines/connection.ts"]));
    expect(files.filter((file) => file.startsWith("dist/")).every((file) => /^dist\/[\w-]+\.(js|cjs|d\.ts|d\.cts)$/.test(file)), files.join(", ")).toBe(true);
  });

  it("resolves every relative link of its README and docs in the installed package (links to the tests and the demo point into the repository)", () => {
    const files = new Set(installedFiles(installed.appDir));
    const broken: string[] = [];
    const repositoryOnly: string[] = [];
    for (const document of [...files].filter((file) => file === "README.md" || /^docs\/.*\.md$/.test(file))) {
      const text = readFileSync(join(installed.appDir, "node_modules/socket-store", document), "utf8");
      for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = link!.split("#")[0]!;
        if (target === "" || /^[a-z]+:/.test(target)) continue;
        const resolved = posix.normalize(posix.join(posix.dirname(document), target)).replace(/\/$/, "");
        if (/^(test|examples\/demo)\//.test(resolved)) repositoryOnly.push(resolved);
        else if (!files.has(resolved) && ![...files].some((file) => file.startsWith(`${resolved}/`))) broken.push(`${document} → ${link}`);
      }
    }
    expect(broken).toEqual([]);
    expect(repositoryOnly.filter((path) => !existsSync(join(projectRoot, path)))).toEqual([]);
  });

  it("exports each entry as ESM for import and CommonJS for require, declarations first in each", () => {
    expect(entries.map(([subpath]) => subpath)).toEqual(expect.arrayContaining([".", "./react", "./vue", "./svelte"]));
    const files = installedFiles(installed.appDir);
    for (const [subpath, target] of entries) {
      const name = subpath === "." ? "index" : subpath.slice(2);
      expect(target, subpath).toEqual({
        import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
        require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
      });
      if (typeof target === "string") continue;
      expect(Object.keys(target.import), subpath).toEqual(["types", "default"]);
      expect(Object.keys(target.require), subpath).toEqual(["types", "default"]);
      for (const file of [target.import.types, target.import.default, target.require.types, target.require.default]) {
        expect(files, `${subpath} → ${file}`).toContain(file.slice(2));
      }
    }
  });

  it("points resolvers that ignore exports at the same files: main, module, types and typesVersions", () => {
    expect([manifest.main, manifest.module, manifest.types]).toEqual(["./dist/index.cjs", "./dist/index.js", "./dist/index.d.cts"]);
    const subpaths = entries.map(([subpath]) => subpath).filter((subpath) => subpath !== ".");
    expect(manifest.typesVersions).toEqual({
      "*": Object.fromEntries(subpaths.map((subpath) => [subpath.slice(2), [`./dist/${subpath.slice(2)}.d.cts`]])),
    });
  });

  it("loads every entry with import and with require, with the same export names", () => {
    const specifiers = entries.map(([subpath]) => (subpath === "." ? "socket-store" : `socket-store/${subpath.slice(2)}`));
    writeFileSync(
      join(installed.appDir, "every-entry.mjs"),
      `
      import { createRequire } from "node:module";
      const require = createRequire(import.meta.url);
      const loaded = {};
      for (const specifier of ${JSON.stringify(specifiers)}) {
        loaded[specifier] = {
          imported: Object.keys(await import(specifier)).sort(),
          required: Object.keys(require(specifier)).filter((name) => name !== "__esModule").sort(),
          requiredFile: require.resolve(specifier).split("/node_modules/socket-store/")[1],
        };
      }
      console.log(JSON.stringify(loaded));
      `,
    );
    const loaded = JSON.parse(run(process.execPath, ["every-entry.mjs"], installed.appDir)) as Record<string, { imported: string[]; required: string[]; requiredFile: string }>;
    expect(Object.keys(loaded)).toEqual(specifiers);
    for (const [specifier, { imported, required, requiredFile }] of Object.entries(loaded)) {
      expect(imported.length, specifier).toBeGreaterThan(0);
      expect(required, specifier).toEqual(imported);
      expect(requiredFile, specifier).toMatch(/^dist\/[\w-]+\.cjs$/);
    }
  });

  it("imports by name in plain Node ESM and works there", () => {
    const script = `
      import { SocketStore, SocketStoreError, isSocketStoreError, connectionMachine, backoffDelay } from "socket-store";
      const socket = { readyState: 1, addEventListener() {}, removeEventListener() {}, sent: [], send(d) { this.sent.push(d) }, close() {} };
      const store = new SocketStore(socket);
      store.send("x");
      let code;
      try { new SocketStore(null) } catch (e) { code = isSocketStoreError(e) && e instanceof SocketStoreError && e.code }
      console.log(JSON.stringify({ status: store.status, sent: socket.sent, code, id: connectionMachine.id, delay: backoffDelay(3, { backoff: "exponential", initialDelayMs: 100, maxDelayMs: 1000 }) }));
    `;
    const output = JSON.parse(run(process.execPath, ["--input-type=module", "-e", script], installed.appDir));
    expect(output).toEqual({ status: "open", sent: ["x"], code: "ERR_INVALID_ARGUMENT", id: "connection", delay: 400 });
  });

  it("requires by name in plain Node CommonJS and works there", () => {
    const script = `
      const { SocketStore, SocketStoreError, isSocketStoreError, connectionMachine, backoffDelay } = require("socket-store");
      const socket = { readyState: 1, addEventListener() {}, removeEventListener() {}, sent: [], send(d) { this.sent.push(d) }, close() {} };
      const store = new SocketStore(socket);
      store.send("x");
      let code;
      try { new SocketStore(null) } catch (e) { code = isSocketStoreError(e) && e instanceof SocketStoreError && e.code }
      console.log(JSON.stringify({ resolved: require.resolve("socket-store").split("/node_modules/")[1], status: store.status, sent: socket.sent, code, id: connectionMachine.id, delay: backoffDelay(3, { backoff: "exponential", initialDelayMs: 100, maxDelayMs: 1000 }) }));
    `;
    const output = JSON.parse(run(process.execPath, ["--input-type=commonjs", "-e", script], installed.appDir));
    expect(output).toEqual({ resolved: "socket-store/dist/index.cjs", status: "open", sent: ["x"], code: "ERR_INVALID_ARGUMENT", id: "connection", delay: 400 });
  });

  it("recognises an error from the CommonJS copy in the ESM copy and the other way round, in one process", () => {
    writeFileSync(
      join(installed.appDir, "two-copies.mjs"),
      `
      import { createRequire } from "node:module";
      import * as esm from "socket-store";
      const cjs = createRequire(import.meta.url)("socket-store");
      const refusal = (copy) => { try { new copy.SocketStore(null) } catch (error) { return error } };
      const fromEsm = refusal(esm);
      const fromCjs = refusal(cjs);
      console.log(JSON.stringify({
        twoCopies: esm.SocketStoreError !== cjs.SocketStoreError,
        esmAcceptsCjsError: esm.isSocketStoreError(fromCjs),
        cjsAcceptsEsmError: cjs.isSocketStoreError(fromEsm),
        instanceofAcrossCopies: fromCjs instanceof esm.SocketStoreError,
        codes: [fromEsm.code, fromCjs.code],
        otherErrors: [esm.isSocketStoreError(new Error("x")), cjs.isSocketStoreError({ code: "ERR_INVALID_ARGUMENT" })],
      }));
      `,
    );
    const output = JSON.parse(run(process.execPath, ["two-copies.mjs"], installed.appDir));
    expect(output).toEqual({
      twoCopies: true,
      esmAcceptsCjsError: true,
      cjsAcceptsEsmError: true,
      instanceofAcrossCopies: false,
      codes: ["ERR_INVALID_ARGUMENT", "ERR_INVALID_ARGUMENT"],
      otherErrors: [false, false],
    });
  });

  it("declares xstate as its only runtime dependency and leaves it out of both builds", () => {
    expect(Object.keys(manifest.dependencies)).toEqual(["xstate"]);
    const dist = join(installed.appDir, "node_modules", "socket-store", "dist");
    const esmBundle = readFileSync(join(dist, "index.js"), "utf8");
    const cjsBundle = readFileSync(join(dist, "index.cjs"), "utf8");
    expect(esmBundle).toMatch(/from "xstate"/);
    expect(cjsBundle).toMatch(/require\("xstate"\)/);
    for (const bundle of [esmBundle, cjsBundle]) {
      expect(bundle).not.toMatch(/function createActor\(|class Actor\b/);
      expect(bundle).not.toMatch(/console\.(log|warn|error|info|debug)/);
    }
  });

  it("has the react entry import the root entry as types only, in both builds", () => {
    const dist = join(installed.appDir, "node_modules", "socket-store", "dist");
    const read = (file: string) => readFileSync(join(dist, file), "utf8");
    const runtimeModules = (code: string) =>
      [...new Set([...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((match) => match[1]))].sort();
    expect(runtimeModules(read("react.js"))).toEqual(["react"]);
    expect(runtimeModules(read("react.cjs"))).toEqual(["react"]);
    expect(runtimeModules(read("react.d.ts"))).toEqual(["socket-store"]);
    expect(runtimeModules(read("react.d.cts"))).toEqual(["socket-store"]);
  });

  it("has the vue and svelte entries load the root entry by name (and vue), never a copy of it, in both builds", () => {
    const dist = join(installed.appDir, "node_modules", "socket-store", "dist");
    const read = (file: string) => readFileSync(join(dist, file), "utf8");
    // JSDoc examples in the declarations are not imports.
    const runtimeModules = (code: string) =>
      [...new Set([...code.replace(/\/\*[\s\S]*?\*\//g, "").matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((match) => match[1]))].sort();
    for (const file of ["vue.js", "vue.cjs", "vue.d.ts", "vue.d.cts"]) expect(runtimeModules(read(file)), file).toEqual(["socket-store", "vue"]);
    for (const file of ["svelte.js", "svelte.cjs", "svelte.d.ts", "svelte.d.cts"]) expect(runtimeModules(read(file)), file).toEqual(["socket-store"]);
    for (const file of ["vue.js", "vue.cjs", "svelte.js", "svelte.cjs"]) expect(read(file), file).not.toMatch(/class SocketStore|createActor/);
  });

  it("throws the root entry's SocketStoreError from the vue and svelte entries, with import and with require", () => {
    const script = (load: string) => `
      ${load}
      const refusals = [
        () => vue.effectScope().run(() => bindings.vue.useSocketStore("not a function")),
        () => bindings.svelte.socketStore("not a function"),
      ];
      console.log(JSON.stringify(refusals.map((refuse) => {
        try { refuse() } catch (error) { return error instanceof root.SocketStoreError && error.code }
      })));
    `;
    const esm = `
      import * as root from "socket-store";
      import * as vue from "vue";
      const bindings = { vue: await import("socket-store/vue"), svelte: await import("socket-store/svelte") };
    `;
    const cjs = `
      const root = require("socket-store");
      const vue = require("vue");
      const bindings = { vue: require("socket-store/vue"), svelte: require("socket-store/svelte") };
    `;
    expect(JSON.parse(run(process.execPath, ["--input-type=module", "-e", script(esm)], installed.appDir))).toEqual(["ERR_INVALID_ARGUMENT", "ERR_INVALID_ARGUMENT"]);
    expect(JSON.parse(run(process.execPath, ["--input-type=commonjs", "-e", script(cjs)], installed.appDir))).toEqual(["ERR_INVALID_ARGUMENT", "ERR_INVALID_ARGUMENT"]);
  });
});
