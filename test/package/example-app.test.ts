import { execFile } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuiltPackage } from "../e2e/built-package.js";
import { installPackedPackage, projectRoot, type InstalledPackage } from "./installed-package.js";

let installed: InstalledPackage;

beforeAll(async () => {
  await ensureBuiltPackage();
  // What an application has: socket-store from the tarball, and its own test tools.
  installed = installPackedPackage(["xstate", "vitest", "jsdom"]);
}, 180_000);

afterAll(() => installed?.remove());

describe("the example app in the packed package", () => {
  it("passes its tests copied into an application, run by vitest against the installed socket-store and socket-store/testing", async () => {
    const app = installed.appDir;
    // The example as the tarball ships it, copied whole into the application.
    cpSync(join(app, "node_modules/socket-store/examples/status-line"), join(app, "status-line"), { recursive: true });
    const report = join(app, "report.json");
    const vitest = join(projectRoot, "node_modules/vitest/vitest.mjs");
    await new Promise<void>((resolve) => {
      execFile(process.execPath, [vitest, "run", "--root", app, "--reporter", "json", "--outputFile", report], { cwd: app }, () => resolve());
    });
    const results = JSON.parse(readFileSync(report, "utf8")) as {
      numTotalTests: number;
      numFailedTests: number;
      testResults: Array<{ name: string; status: string; message: string }>;
    };
    expect(results.testResults.map((file) => file.name.slice(app.length + 1))).toEqual(["status-line/status-line.test.ts"]);
    expect(results.testResults[0]!.message).toBe("");
    expect(results.numFailedTests).toBe(0);
    expect(results.numTotalTests).toBeGreaterThan(100);
  }, 180_000);
});
