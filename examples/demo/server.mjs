// `npm start`: builds the package, then serves the demo until Ctrl+C.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startDemoServer } from "./demo-server.mjs";

const requestedPort = process.env.PORT === undefined ? 0 : Number(process.env.PORT);
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
  console.error(`socket-store demo: PORT must be an integer 0..65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

if (!existsSync(fileURLToPath(new URL("../../dist/index.js", import.meta.url)))) {
  console.warn("socket-store demo: dist/index.js is missing, the page needs the built package: run `npm start` (it builds first)");
}

const demo = await startDemoServer({ port: requestedPort });
console.log(`socket-store demo: ${demo.url}`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    demo.close().then(() => process.exit(0));
  });
}
