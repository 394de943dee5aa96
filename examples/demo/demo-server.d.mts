export declare const DEMO_CLOSE_CODES: readonly [1000, 1001, 1008, 4001, 4401];
export declare const FLAP_CLOSE_CODE: 1012;

export type DemoCloseCode = (typeof DEMO_CLOSE_CODES)[number];

export interface DemoServerState {
  /** Connections open (or closing) now. */
  clients: number;
  /** Connections that went silent and are not terminated yet. */
  silent: number;
  refusing: boolean;
  refusingForMs: number;
  neverAnswering: boolean;
  neverAnsweringForMs: number;
  flapping: boolean;
  flappingForMs: number;
  accepted: number;
  refused: number;
  /** Upgrade requests the server left unanswered. */
  unanswered: number;
  flapped: number;
  dropped: number;
  closed: number;
  silenced: number;
}

export interface DemoServer {
  /** The page, e.g. `http://127.0.0.1:40123/`. */
  url: string;
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:40123/ws`. */
  wsUrl: string;
  port: number;
  close(): Promise<void>;
  /** Terminates every connection (no close frame: clients see 1006); returns how many. */
  dropConnections(): number;
  /** Closes every connection with a close frame carrying `code`; returns how many. */
  closeConnections(code: DemoCloseCode, reason?: string): number;
  /**
   * Every open connection goes silent without closing: nothing more reaches its WebSocket layer
   * and the server writes nothing to it (terminated after 30 s); returns how many.
   */
  silenceConnections(): number;
  /** Answers every upgrade with 401 for `seconds` (0 stops refusing). */
  refuseUpgrades(seconds: number): void;
  stopRefusing(): void;
  /**
   * Accepts the TCP connection of every upgrade and never answers it, for `seconds` (0 stops);
   * requests still held then are answered.
   */
  neverAnswerUpgrades(seconds: number): void;
  stopNeverAnswering(): void;
  /** Accepts every upgrade and closes it at once with 1012, for `seconds` (0 stops). */
  flap(seconds: number): void;
  stopFlapping(): void;
  /** Stops every fault. */
  heal(): void;
  state(): DemoServerState;
}

export interface DemoServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** How often the clock topic is broadcast, in ms. @default 1000 */
  tickMs?: number;
  /** The build of the package the page runs. @default the project's dist/ */
  distDir?: string;
}

export declare function startDemoServer(options?: DemoServerOptions): Promise<DemoServer>;
