export const projectRoot: string;

export interface ScenarioServerStats {
  upgrades: number;
  refused: number;
  accepted: number;
  live: number[];
  connections: Array<{ id: number; silent: boolean; ended: boolean; msToEnd: number | null; msToCloseFrame: number | null }>;
  /** Upgrade requests left unanswered while the server hangs, and how many of their TCP connections have ended. */
  hung: number;
  hungEnded: number;
}

export interface ScenarioServer {
  baseUrl: string;
  wsUrl: string;
  stats(): ScenarioServerStats;
  close(): Promise<void>;
}

export function startScenarioServer(options: { packageDir: string; xstateDistDir: string }): Promise<ScenarioServer>;
