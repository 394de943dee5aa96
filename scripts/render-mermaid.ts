/**
 * Renders Mermaid text to SVG (and SVG to PNG) in Debian's Chromium with Mermaid itself and its
 * ELK layout (`@mermaid-js/layout-elk`, the layout engine Stately's editor uses): esbuild bundles
 * both into one script, the page runs `mermaid.render`. No browser is downloaded.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import type { Browser } from "puppeteer-core";
import { launchBrowser } from "../test/support/browsers.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

const ENTRY = `
import mermaid from "mermaid";
import elkLayouts from "@mermaid-js/layout-elk";
mermaid.registerLayoutLoaders(elkLayouts);
mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
window.renderMermaid = async (id, text) => (await mermaid.render(id, text)).svg;
`;

async function bundleMermaid(): Promise<string> {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: root, loader: "js" },
    bundle: true,
    format: "iife",
    minify: true,
    write: false,
    logLevel: "error",
  });
  return result.outputFiles[0]!.text;
}

/** A browser page that renders Mermaid; `close()` when done. */
export interface MermaidRenderer {
  /** The SVG of `text`; `id` becomes the SVG's id and the prefix of its elements' ids. */
  render(id: string, text: string): Promise<string>;
  /** A PNG of `svg` at its natural size, on white, `width` px wide at most. */
  screenshot(svg: string, width: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export async function startMermaidRenderer(): Promise<MermaidRenderer> {
  const [script, browser] = await Promise.all([bundleMermaid(), launchBrowser("chromium") as Promise<Browser>]);
  try {
    const page = await browser.newPage();
    await page.setContent("<!doctype html><html><body></body></html>");
    await page.addScriptTag({ content: script });
    return {
      render: (id, text) => page.evaluate((id, text) => (window as unknown as { renderMermaid(id: string, text: string): Promise<string> }).renderMermaid(id, text), id, text),
      async screenshot(svg, width) {
        const shot = await browser.newPage();
        await shot.setViewport({ width, height: 800, deviceScaleFactor: 1 });
        await shot.setContent(`<!doctype html><html><body style="margin:16px;background:white">${svg}</body></html>`);
        const image = await (await shot.$("svg"))!.screenshot({ type: "png" });
        await shot.close();
        return image;
      },
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
