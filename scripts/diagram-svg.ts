import { createHash } from "node:crypto";

/** The comment `npm run visualize` puts in front of a rendered SVG: which Mermaid text it shows. */
export function sourceStamp(mermaidFileName: string, mermaidText: string): string {
  const digest = createHash("sha256").update(mermaidText).digest("hex");
  return `<!-- rendered from ${mermaidFileName} (sha256 ${digest}) by npm run visualize -->`;
}

/** The stamp at the start of a rendered SVG, or null when it has none. */
export function readSourceStamp(svg: string): string | null {
  return /^<!-- rendered from [^>]* -->/.exec(svg)?.[0] ?? null;
}

export function stampSource(svg: string, mermaidFileName: string, mermaidText: string): string {
  const unstamped = svg.replace(/^<!-- rendered from [^>]* -->\n?/, "");
  return `${sourceStamp(mermaidFileName, mermaidText)}\n${unstamped}`;
}

/**
 * Marks each state's box in an SVG rendered by Mermaid with `data-state="<path>"`
 * (`data-state="open.settling"`), so a page can highlight the states of a snapshot's value.
 * Mermaid draws an atomic state as `<g id="<svg id>-state-<mermaid id>-<n>">` and a compound
 * state as `<g data-id="<mermaid id>">`; a state it cannot find is an error, so a renderer that
 * draws states differently does not go unnoticed.
 */
export function annotateStates(svg: string, mermaidIds: ReadonlyMap<string, string>): string {
  const svgId = /<svg[^>]*\sid="([^"]+)"/.exec(svg)?.[1];
  if (!svgId) throw new Error("the SVG has no id: is it Mermaid output?");
  let annotated = svg.replace(/ data-state="[^"]*"/g, "");
  for (const [path, mermaidId] of mermaidIds) {
    const atomic = new RegExp(`(<g [^>]*id="${escapeRegExp(`${svgId}-state-${mermaidId}`)}-\\d+")`);
    const compound = new RegExp(`(<g class="[^"]*\\bstatediagram-cluster\\b[^"]*"[^>]*data-id="${escapeRegExp(mermaidId)}")`);
    const pattern = atomic.test(annotated) ? atomic : compound.test(annotated) ? compound : null;
    if (!pattern) throw new Error(`no box for state ${path} (Mermaid id ${mermaidId}) in the SVG`);
    annotated = annotated.replace(pattern, `$1 data-state="${escapeAttribute(path)}"`);
  }
  return annotated;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}
