import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { projectRoot } from "../e2e/built-package.js";

export { projectRoot };

/** An application folder with the packed socket-store installed in its node_modules. */
export interface InstalledPackage {
  /** The application folder (holds node_modules/socket-store). */
  readonly appDir: string;
  /** The packed .tgz, as `npm pack` wrote it. */
  readonly tarball: string;
  /** Removes the application folder and the tarball. */
  remove(): void;
}

/**
 * Packs the project with `npm pack` (so only what would be published is used), extracts the
 * tarball into `<app>/node_modules/socket-store`, and links the named packages from this
 * project's node_modules next to it: what `npm install socket-store` gives an application,
 * without the network.
 */
export function installPackedPackage(linked: readonly string[] = ["xstate"]): InstalledPackage {
  const appDir = mkdtempSync(join(tmpdir(), "socket-store-consumer-"));
  const packDir = join(appDir, ".pack");
  mkdirSync(packDir);
  const [packed] = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--silent", "--pack-destination", packDir], { cwd: projectRoot, encoding: "utf8" }),
  ) as [{ filename: string }];
  const tarball = join(packDir, packed.filename);
  execFileSync("tar", ["-xzf", tarball, "-C", packDir]);
  mkdirSync(join(appDir, "node_modules"), { recursive: true });
  renameSync(join(packDir, "package"), join(appDir, "node_modules", "socket-store"));
  for (const name of linked) {
    const target = join(projectRoot, "node_modules", name);
    if (!existsSync(target)) throw new Error(`node_modules/${name} is missing in the project`);
    const link = join(appDir, "node_modules", name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, "dir");
  }
  return {
    appDir,
    tarball,
    remove: () => rmSync(appDir, { recursive: true, force: true }),
  };
}

/** The files of the installed package, relative to its folder, sorted. */
export function installedFiles(appDir: string): string[] {
  const base = join(appDir, "node_modules", "socket-store");
  return (readdirSync(base, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(base.length + 1))
    .sort();
}

const tsc = join(projectRoot, "node_modules", "typescript", "bin", "tsc");

/** What tsc reported for a consumer project. */
export interface TypeCheckResult {
  /** Its diagnostics, one line each (none when the project type-checks). */
  readonly errors: string[];
  /** Every file the program read (`--listFiles`), so a test can see which declarations resolved. */
  readonly files: string[];
}

/**
 * Runs tsc on a project of its own inside `appDir` (a folder named `name` holding `files` and a
 * tsconfig.json with `compilerOptions`).
 */
export async function typeCheckConsumer(
  appDir: string,
  name: string,
  compilerOptions: Record<string, unknown>,
  files: Record<string, string>,
): Promise<TypeCheckResult> {
  const folder = join(appDir, name);
  mkdirSync(folder, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
  writeFileSync(
    join(folder, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { noEmit: true, ...compilerOptions }, files: Object.keys(files).filter((file) => /\.[cm]?tsx?$/.test(file)) }, null, 2),
  );
  const output = await new Promise<string>((resolve) => {
    execFile(process.execPath, [tsc, "-p", folder, "--pretty", "false", "--listFiles"], { cwd: folder, encoding: "utf8" }, (error, stdout) =>
      resolve(error && !stdout ? String(error) : stdout),
    );
  });
  const lines = output.split("\n").filter((line) => line.trim() !== "");
  const isFile = (line: string) => line.startsWith("/") && !/error TS\d+/.test(line);
  return { errors: lines.filter((line) => !isFile(line)), files: lines.filter(isFile) };
}
