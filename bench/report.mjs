// What `npm run bench` and `npm run bench:herd` share: the summary of a sample, the machine
// line, and writing a generated table into docs/performance.md between its markers.

import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";

const PERFORMANCE_DOC = new URL("../docs/performance.md", import.meta.url);

/** Median, min, max and count of the samples. */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), count: sorted.length };
}

/** CPU, cores, OS, Node version and the current time, for the line above a table. */
export function machine() {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores, ${os.platform()} ${os.release()}; Node ${process.version}; ${new Date().toISOString()}`;
}

/** Replaces what lies between `<!-- name:begin -->` and `<!-- name:end -->` in docs/performance.md. */
export async function writeGenerated(name, markdown) {
  const begin = `<!-- ${name}:begin (generated, do not edit) -->`;
  const end = `<!-- ${name}:end -->`;
  const text = await readFile(PERFORMANCE_DOC, "utf8");
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from === -1 || to < from) throw new Error(`docs/performance.md has no ${begin} … ${end} block`);
  await writeFile(PERFORMANCE_DOC, `${text.slice(0, from + begin.length)}\n${markdown.trim()}\n${text.slice(to)}`);
}
