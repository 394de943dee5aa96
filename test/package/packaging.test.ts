import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url);
const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: root, encoding: "utf8" });

// `npm test` builds dist/ before vitest runs.
describe("the published package", () => {
  it("contains only dist, README, LICENSE and package.json", () => {
    const [pack] = JSON.parse(run("npm", ["pack", "--dry-run", "--json", "--silent"])) as [{ files: { path: string }[] }];
    const files = pack.files.map((file) => file.path).sort();
    expect(files).toEqual(["LICENSE", "README.md", "dist/index.d.ts", "dist/index.js", "dist/react.d.ts", "dist/react.js", "package.json"]);
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
    const output = JSON.parse(run(process.execPath, ["--input-type=module", "-e", script]));
    expect(output).toEqual({ status: "open", sent: ["x"], code: "ERR_INVALID_ARGUMENT", id: "connection", delay: 400 });
  });

  it("declares xstate as its only runtime dependency and leaves it out of the bundle", () => {
    const manifest = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).toEqual(["xstate"]);
    const bundle = readFileSync(new URL("dist/index.js", root), "utf8");
    expect(bundle).toMatch(/from "xstate"/);
    expect(bundle).not.toMatch(/console\.(log|warn|error|info|debug)/);
  });
});
