export interface BundleSize {
  /** Minified bytes. */
  minified: number;
  /** Bytes after gzip level 9. */
  gzip: number;
  /** Bytes after brotli at maximum quality. */
  brotli: number;
}

export interface SocketStoreBundleSize {
  /** The xstate runtime bindings imported by `machines/` and `src/` ("*" for a namespace import). */
  xstateImports: string[];
  /** An app importing `SocketStore`, xstate included. */
  total: BundleSize;
  /** An app importing the same xstate functions alone. */
  xstate: BundleSize;
  /** `total` − `xstate`: what socket-store adds on top of xstate. */
  own: BundleSize;
}

export const repoRoot: string;
export function measureEntry(source: string, resolveDir?: string): Promise<BundleSize>;
export function xstateImportsOf(root?: string): Promise<string[]>;
export function measureSocketStore(root?: string): Promise<SocketStoreBundleSize>;
export const peerEntries: Record<string, string>;
export function measurePeers(root?: string): Promise<Record<string, BundleSize>>;
