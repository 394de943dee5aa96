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
  WebSocket: unknown;
  serverUrl: string;
  wsUrl: string;
  packageUrlPart: string;
  only?: string[];
  dropEndWaitMs?: number;
  waitMs?: number;
}): Promise<ScenarioResult[]>;
