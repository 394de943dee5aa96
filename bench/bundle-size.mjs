// Bundle-size measurement shared by `npm run bench` and test/size-budget.test.ts,
// so the benchmark table and the budget test always report the same bytes.
// Browser ESM, minified, tree-shaken, every dependency bundled (xstate included).

import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { build } from "esbuild";

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Bundles `source` (an ES module) as a browser app would and returns its sizes in bytes. */
export async function measureEntry(source, resolveDir = repoRoot) {
  const result = await build({
    stdin: { contents: source, resolveDir, loader: "js", sourcefile: "bundle-size-entry.js" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    treeShaking: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  const [gzipped, brotlied] = await Promise.all([
    gzip(code, { level: 9 }),
    brotli(code, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: code.byteLength,
      },
    }),
  ]);
  return { minified: code.byteLength, gzip: gzipped.byteLength, brotli: brotlied.byteLength };
}

async function sourceFilesOf(directory) {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts"))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

const XSTATE_IMPORT = /(?:import|export)\s+(type\s+)?(?:\{([^}]*)\}|\*(?:\s+as\s+\w+)?)\s+from\s+["']xstate["']/g;

/**
 * The xstate runtime bindings the package imports or re-exports (type-only ones left out),
 * read from `machines/` and `src/` so the xstate-only entry follows the code.
 * `"*"` in the list means a namespace import: all of xstate.
 */
export async function xstateImportsOf(root = repoRoot) {
  const files = [
    ...(await sourceFilesOf(path.join(root, "machines"))),
    ...(await sourceFilesOf(path.join(root, "src"))),
  ];
  const names = new Set();
  for (const file of files) {
    const text = await readFile(file, "utf8");
    for (const match of text.matchAll(XSTATE_IMPORT)) {
      if (match[1]) continue;
      if (match[2] === undefined) {
        names.add("*");
        continue;
      }
      for (const specifier of match[2].split(",")) {
        const trimmed = specifier.trim();
        if (trimmed === "" || trimmed.startsWith("type ")) continue;
        names.add(trimmed.split(/\s+as\s+/)[0].trim());
      }
    }
  }
  return [...names].sort();
}

function xstateOnlyEntry(names) {
  if (names.includes("*")) return 'import * as xstate from "xstate";\nconsole.log(xstate);\n';
  return `import { ${names.join(", ")} } from "xstate";\nconsole.log(${names.join(", ")});\n`;
}

/**
 * Sizes of socket-store in a browser bundle: `total` for an app that imports
 * `SocketStore`, `xstate` for an app that imports the same xstate functions
 * alone, and `own` = total − xstate (what socket-store adds on top of xstate).
 */
export async function measureSocketStore(root = repoRoot) {
  const xstateImports = await xstateImportsOf(root);
  if (xstateImports.length === 0) throw new Error("found no runtime import from xstate in machines/ or src/");
  const entryPath = JSON.stringify(path.join(root, "src", "index.ts"));
  const [total, xstate] = await Promise.all([
    measureEntry(`import { SocketStore } from ${entryPath};\nconsole.log(SocketStore);\n`, root),
    measureEntry(xstateOnlyEntry(xstateImports), root),
  ]);
  const own = {
    minified: total.minified - xstate.minified,
    gzip: total.gzip - xstate.gzip,
    brotli: total.brotli - xstate.brotli,
  };
  return { xstateImports, total, xstate, own };
}

/** How each peer is imported for the size comparison (its documented entry point). */
export const peerEntries = {
  "reconnecting-websocket": 'import ReconnectingWebSocket from "reconnecting-websocket";\nconsole.log(ReconnectingWebSocket);\n',
  partysocket: 'import PartySocket from "partysocket";\nconsole.log(PartySocket);\n',
  sockette: 'import sockette from "sockette";\nconsole.log(sockette);\n',
  "websocket-ts":
    'import { WebsocketBuilder, ConstantBackoff } from "websocket-ts";\nconsole.log(WebsocketBuilder, ConstantBackoff);\n',
};

export async function measurePeers(root = repoRoot) {
  const sizes = {};
  for (const [name, source] of Object.entries(peerEntries)) sizes[name] = await measureEntry(source, root);
  return sizes;
}
