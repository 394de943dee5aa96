export interface ScenarioResult {
  id: string;
  name: string;
  ok: boolean;
  ms: number;
  failures: string[];
  details: Record<string, unknown>;
}

export const SCENARIOS: ReadonlyArray<readonly [id: string, name: string]>;

export function runScenarios(options: {
  SocketStore: unknown;
  isSocketStoreError: (value: unknown) => boolean;
  /** The connect-timeout recipe (examples/recipes/connect-timeout.ts). */
  withConnectTimeout: (store: any, options: { timeoutMs: number; reason?: string }) => () => void;
  WebSocket: unknown;
  serverUrl: string;
  wsUrl: string;
  packageUrlPart: string;
  only?: string[];
  dropEndWaitMs?: number;
  waitMs?: number;
  /** What the runtime's WebSocket is declared to do after a refused upgrade: fire `close` (default) or never. */
  refusedUpgradeCloses?: boolean;
  /** Scenario d's connect timeout, 4000 ms by default. */
  refusalTimeoutMs?: number;
}): Promise<ScenarioResult[]>;
