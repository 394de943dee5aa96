import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

// A package of its own holds @types/react 18: the project itself develops against React 19's.
const folder = fileURLToPath(new URL("./react-18-types/", import.meta.url));
const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));

/** What tsc printed (its resolution trace and any errors) for react-18-types/tsconfig.json. */
let compilerOutput = "";

beforeAll(() => {
  if (!existsSync(`${folder}node_modules/@types/react/package.json`)) {
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--silent"], { cwd: folder });
  }
  try {
    compilerOutput = execFileSync(process.execPath, [tsc, "-p", folder, "--traceResolution"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    compilerOutput = String((error as { stdout?: string }).stdout ?? error);
  }
}, 180_000);

describe("socket-store/react with React 18's type declarations", () => {
  it("resolves react to the React 18 declarations", () => {
    expect(compilerOutput).toMatch(/Module name 'react' was successfully resolved to '[^']*react-18-types\/node_modules\/@types\/react\/index\.d\.ts'/);
  });

  it("type-checks the hooks and a component that uses them", () => {
    const errors = compilerOutput.split("\n").filter((line) => /error TS\d+/.test(line));
    expect(errors).toEqual([]);
  });
});
