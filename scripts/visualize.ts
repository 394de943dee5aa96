/**
 * `npm run visualize`: regenerates the committed diagrams from the connection statechart.
 *
 * - `visualizations/connection.mmd`: Mermaid text from `toMermaid(connectionMachine)`;
 * - `visualizations/paths.md`: from `renderPathsMarkdown()` in `test/paths/paths-markdown.ts`,
 *   when that module exists;
 * - `visualizations/connection.svg` and `.png`: rendered with Mermaid and its ELK layout in
 *   Debian's chromium (`scripts/render-mermaid.ts`); no browser is ever downloaded;
 * - `visualizations/connection-overview.mmd` and `.svg`: states and event names only, each state's
 *   box marked with `data-state="<path>"`; the demo page highlights the running store's state in it.
 *
 * Each SVG starts with a comment holding the SHA-256 of the Mermaid text it was rendered from, so
 * a test can tell when it is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { connectionMachine } from "../machines/connection";
import { hasBrowser, installHint } from "../test/support/browsers.mjs";
import { annotateStates, stampSource } from "./diagram-svg";
import { mermaidStateIds, OVERVIEW_OPTIONS, STATECHART_BLOCK, toMermaid } from "./mermaid";
import { startMermaidRenderer } from "./render-mermaid";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outputDir = join(root, "visualizations");
const mermaidFile = join(outputDir, "connection.mmd");
const svgFile = join(outputDir, "connection.svg");
const pngFile = join(outputDir, "connection.png");
const overviewMermaidFile = join(outputDir, "connection-overview.mmd");
const overviewSvgFile = join(outputDir, "connection-overview.svg");
const pathsFile = join(outputDir, "paths.md");
const pathsModule = join(root, "test", "paths", "paths-markdown.ts");

const show = (file: string): string => relative(root, file);

mkdirSync(outputDir, { recursive: true });
writeFileSync(mermaidFile, toMermaid(connectionMachine));
console.log(`wrote ${show(mermaidFile)}`);
writeFileSync(overviewMermaidFile, toMermaid(connectionMachine, OVERVIEW_OPTIONS));
console.log(`wrote ${show(overviewMermaidFile)}`);

writeStatechartBlock();
await writePathsMarkdown();
await renderDiagrams();

/** docs/statechart.md embeds the same Mermaid text between two markers (it renders on code hosts). */
function writeStatechartBlock(): void {
  const docFile = join(root, "docs/statechart.md");
  const doc = readFileSync(docFile, "utf8");
  const next = doc.replace(STATECHART_BLOCK, (_all, begin: string, end: string) => `${begin}\n\`\`\`mermaid\n${toMermaid(connectionMachine)}\`\`\`\n${end}`);
  if (next === doc && !STATECHART_BLOCK.test(doc)) throw new Error("docs/statechart.md lacks the statechart markers");
  writeFileSync(docFile, next);
  console.log(`updated the diagram in ${show(docFile)}`);
}

async function writePathsMarkdown(): Promise<void> {
  // Checked up front rather than by catching the import's error, so that a failure inside an
  // existing module is reported instead of being mistaken for its absence.
  if (!existsSync(pathsModule)) {
    console.log(`skipped ${show(pathsFile)}: ${show(pathsModule)} does not exist yet`);
    return;
  }
  const { renderPathsMarkdown } = (await import(pathToFileURL(pathsModule).href)) as {
    renderPathsMarkdown: () => string;
  };
  writeFileSync(pathsFile, renderPathsMarkdown());
  console.log(`wrote ${show(pathsFile)}`);
}

async function renderDiagrams(): Promise<void> {
  if (!hasBrowser("chromium")) {
    console.error(`Rendering the diagram needs Debian's Chromium: ${installHint(["chromium"])}\n${show(mermaidFile)} is up to date; the SVG and PNG were not rendered.`);
    process.exit(1);
  }
  const stamp = (svg: string, source: string): string => stampSource(svg, relative(outputDir, source), readFileSync(source, "utf8"));
  const renderer = await startMermaidRenderer();
  try {
    const svg = stamp(await renderer.render("connection", readFileSync(mermaidFile, "utf8")), mermaidFile);
    writeFileSync(svgFile, svg);
    console.log(`wrote ${show(svgFile)}`);
    // The PNG at the diagram's natural width, so its text keeps its size.
    const naturalWidth = Number(/<svg[^>]*max-width:\s*([\d.]+)px/.exec(svg)?.[1] ?? 1200);
    writeFileSync(pngFile, await renderer.screenshot(svg, Math.ceil(naturalWidth) + 32));
    console.log(`wrote ${show(pngFile)}`);
    const overview = annotateStates(await renderer.render("overview", readFileSync(overviewMermaidFile, "utf8")), mermaidStateIds(connectionMachine));
    writeFileSync(overviewSvgFile, stamp(overview, overviewMermaidFile));
    console.log(`wrote ${show(overviewSvgFile)}`);
  } finally {
    await renderer.close();
  }
}
