/**
 * The built entries as an application meets them: read from `dist/`, and installed the way npm
 * would (the package's package.json and its dist) in an application folder, next to the
 * dependencies it needs as links to this project's copies.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuiltPackage, projectRoot } from "../e2e/built-package.js";

export const builtDir = join(projectRoot, "dist");

/** A file of `dist/`. */
export const readBuilt = (file: string): string => readFileSync(join(builtDir, file), "utf8");

/** Every module specifier a built file imports (static, dynamic and re-exports); comments (JSDoc examples) left out. */
export function importedModules(code: string): string[] {
  const specifiers = [...code.replace(/\/\*[\s\S]*?\*\//g, "").matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((match) => match[1]!);
  return [...new Set(specifiers)].sort();
}

export interface BuiltApp {
  readonly dir: string;
  /** Runs `script` with Node in the application folder (`type`: how Node reads it); returns what it printed. */
  run(script: string, type?: "module" | "commonjs"): string;
  /** Type-checks `files` (strict, Bundler resolution, DOM) with the project's tsc; returns its output, empty when clean. */
  typeCheck(files: Record<string, string>, compilerOptions?: Record<string, unknown>): string;
  remove(): void;
}

/** Builds the package if needed, then an application folder with it installed and `dependencies` linked. */
export async function installBuiltApp(name: string, dependencies: readonly string[]): Promise<BuiltApp> {
  await ensureBuiltPackage();
  const dir = mkdtempSync(join(tmpdir(), `socket-store-${name}-app-`));
  const installed = join(dir, "node_modules", "socket-store");
  mkdirSync(installed, { recursive: true });
  cpSync(join(projectRoot, "package.json"), join(installed, "package.json"));
  cpSync(builtDir, join(installed, "dist"), { recursive: true });
  for (const dependency of ["xstate", ...dependencies]) {
    mkdirSync(join(dir, "node_modules", dependency, ".."), { recursive: true });
    symlinkSync(join(projectRoot, "node_modules", dependency), join(dir, "node_modules", dependency), "dir");
  }
  return {
    dir,
    run: (script, type = "module") => execFileSync(process.execPath, [`--input-type=${type}`, "-e", script], { cwd: dir, encoding: "utf8" }),
    typeCheck(files, compilerOptions = {}) {
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
      const options = { strict: true, noEmit: true, target: "ES2022", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM", "ESNext.Disposable"], types: [], skipLibCheck: true };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...options, ...compilerOptions }, files: Object.keys(files) }));
      try {
        execFileSync(process.execPath, [join(projectRoot, "node_modules", "typescript", "bin", "tsc"), "-p", dir], { cwd: dir, encoding: "utf8" });
        return "";
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
