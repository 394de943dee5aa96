/** The pinned runtimes: their npm package and the binary inside it. */
export const PINNED: Readonly<Record<"node22" | "node24" | "bun", { spec: string; bin: string }>>;

/** The binary of a pinned runtime package, installed from the npm registry into the cache on first use. */
export function pinnedBinary(name: "node22" | "node24" | "bun"): string;
