import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const builtEntry = join(projectRoot, "dist/index.js");
const sourceDirs = ["src", "machines"].map((dir) => join(projectRoot, dir));
const buildInputs = ["package.json", "tsup.config.ts"].map((file) => join(projectRoot, file));

function newestModification(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestModification(join(path, entry)));
  return newest;
}

function isBuildStale(): boolean {
  if (!existsSync(builtEntry)) return true;
  const builtAt = statSync(builtEntry).mtimeMs;
  return [...sourceDirs, ...buildInputs].some((path) => newestModification(path) > builtAt);
}

/** The page runs the built package, so a fresh clone (or an edited `src/`) builds before the browser test. */
export async function ensureBuiltPackage(): Promise<void> {
  if (!isBuildStale()) return;
  await new Promise<void>((resolveBuild, rejectBuild) => {
    const build = spawn("npx", ["tsup"], { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    build.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    build.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    build.on("error", rejectBuild);
    build.on("exit", (code) => {
      if (code === 0) resolveBuild();
      else rejectBuild(new Error(`npx tsup exited with ${code}:\n${output}`));
    });
  });
  if (!existsSync(builtEntry)) throw new Error("npx tsup succeeded but dist/index.js is missing");
}
