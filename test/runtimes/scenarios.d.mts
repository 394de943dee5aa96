export interface ScenarioResult {
  id: string;
  name: string;
  ok: boolean;
  ms: number;
  failures: string[];
  details: Record<string, unknown>;
}

/** The runtime scenarios, in table order: `name` says what each checks, `label` is its legend under the table. */
export const SCENARIOS: ReadonlyArray<{ readonly id: string; readonly name: string; readonly label: string }>;

/** How a refused attempt ended (scenario d's `details.endedBy`). */
export const ENDED_BY: Readonly<{
  runtimeClose: "runtime close";
  errorWithoutClose: "error without close";
  connectTimeout: "connect timeout";
  unknown: "unknown";
}>;

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
  /** Scenario d: how long one refused attempt may take to fail at most (2000 ms by default). */
  refusalAllowanceMs?: number;
}): Promise<ScenarioResult[]>;
