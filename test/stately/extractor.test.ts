import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AnyStateMachine } from "xstate";
import { beforeAll, describe, expect, it } from "vitest";
import {
  compareWithStately,
  describeRunningMachine,
  ensureExtractorInstalled,
  losses,
  readMachinesWithStately,
  summarize,
} from "./stately-reading";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const machinesDir = join(projectRoot, "machines");
const machineFiles = readdirSync(machinesDir).filter((file) => /\.[cm]?[jt]s$/.test(file) && !file.endsWith(".d.ts"));
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function isStateMachine(value: unknown): value is AnyStateMachine {
  return typeof value === "object" && value !== null && "root" in value && "config" in value && typeof (value as { transition?: unknown }).transition === "function";
}

async function machinesExportedBy(file: string): Promise<AnyStateMachine[]> {
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  return Object.values(module).filter(isStateMachine);
}

// A fresh clone has not installed the parser's own package yet: npm ci there, from its lockfile.
beforeAll(() => ensureExtractorInstalled(), 300_000);

describe("Stately's parser (@xstate/machine-extractor 0.16.0) on machines/", () => {
  it("finds machine files to read", () => {
    expect(machineFiles).toContain("connection.ts");
  });

  for (const file of machineFiles) {
    it(`reads every state, and every transition with its event, targets and guard name, of machines/${file} as the running machine has them`, async () => {
      const path = join(machinesDir, file);
      const source = readFileSync(path, "utf8");
      const machines = await machinesExportedBy(path);
      expect(machines.length, `machines/${file} exports no machine`).toBeGreaterThan(0);

      for (const machine of machines) {
        const comparison = compareWithStately(source, machine);
        console.log(`machines/${file} ${summarize(comparison)}`);
        expect(losses(comparison), `what Stately's parser misreads in machines/${file}`).toEqual([]);
        expect(comparison.states.read).toBe(comparison.states.expected);
        expect(comparison.transitions.read).toBe(comparison.transitions.expected);
      }
    });

    it(`finds no machine in machines/${file} that the module does not export`, async () => {
      const path = join(machinesDir, file);
      const exportedIds = (await machinesExportedBy(path)).map((machine) => machine.root.id);
      const readIds = readMachinesWithStately(readFileSync(path, "utf8")).map((config) => config.id);
      expect(readIds.filter((id) => id === undefined || !exportedIds.includes(id))).toEqual([]);
    });
  }
});

describe("the comparison with Stately's reading", () => {
  it("finds nothing missing in a machine written inline with named guards, its always and after transitions included", async () => {
    const [machine] = await machinesExportedBy(fixture("inline-machine.ts"));
    const comparison = compareWithStately(readFileSync(fixture("inline-machine.ts"), "utf8"), machine!);

    expect(losses(comparison)).toEqual([]);
    expect(comparison.states).toMatchObject({ expected: 7, read: 7 });
    expect(comparison.transitions).toMatchObject({ expected: 10, read: 10 });
    const keys = describeRunningMachine(machine!).transitions.map((transition) => transition.key);
    expect(keys).toEqual(expect.arrayContaining(["door RESET #1", "door.checking always #2", "door.open after autoClose #1", "door.open after 60000 #1"]));
  });

  it("reports a transition held in a shared constant as not read, and an inline and() guard as a guard without a name", async () => {
    const [machine] = await machinesExportedBy(fixture("shared-constant-machine.ts"));
    const comparison = compareWithStately(readFileSync(fixture("shared-constant-machine.ts"), "utf8"), machine!);

    expect(comparison.transitions).toMatchObject({ expected: 10, read: 8, missing: ["door.open CLOSE #1 → door.shut"] });
    expect(comparison.inlineGuards).toEqual(['door.checking always #1 → door.open [inline and(["isUnlocked", not("isAlarmed")])]']);
    expect(losses(comparison)).toEqual([
      "transition not read: door.open CLOSE #1 → door.shut",
      'guard without a name: door.checking always #1 → door.open [inline and(["isUnlocked", not("isAlarmed")])]',
    ]);
  });
});
