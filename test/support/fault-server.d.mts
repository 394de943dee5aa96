import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { WebSocket } from "ws";

/** One WebSocket connection the server accepted. */
export interface Connection {
  /** 1, 2, 3… in the order the server accepted them. */
  readonly id: number;
  /** The server side of the connection. */
  readonly client: WebSocket;
  /** Its TCP socket. */
  readonly tcp: Socket;
  /** Accepted while the server flapped: closed at once, never given to `onConnection`. */
  readonly flapped: boolean;
  readonly openedAt: number;
  readonly silent: boolean;
  readonly silencedAt: number | null;
  /** When a client close frame arrived after the connection went silent. */
  readonly closeFrameAt: number | null;
  /** When the TCP connection ended (either side), or null while it lasts. */
  readonly endedAt: number | null;
  readonly ended: boolean;
  /** Sends unless the connection is silent or not open; returns whether it sent. */
  send(data: string | Buffer | ArrayBuffer | Uint8Array, options?: { binary?: boolean }): boolean;
  /** Ends the TCP connection without a close frame (the client sees 1006); false when already ended. */
  terminate(): boolean;
  /** Starts a closing handshake with `code` and `reason`; false when already ended. */
  close(code?: number, reason?: string): boolean;
  /** Goes silent: answers nothing from now on, but still sees the client's close frame and end. */
  silence(): boolean;
  /** Resolves true once the TCP connection ended, false after `timeoutMs` if it did not. */
  waitForEnd(timeoutMs: number): Promise<boolean>;
}

export interface FaultServerOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** The listen backlog (many clients reconnecting at the same instant need more than the default 511). */
  backlog?: number;
  /** Only upgrades to this pathname are answered (others get 404). @default every path */
  path?: string;
  /** Admits an upgrade (true) or refuses it with this HTTP status, when no fault decides first. */
  accept?: (request: IncomingMessage) => true | number;
  /** Runs for each connection accepted (not for flapped ones), e.g. to send a greeting. */
  onConnection?: (connection: Connection) => void;
  /** Runs for each message; `null` listens to none. @default echo */
  onMessage?: ((connection: Connection, data: Buffer, isBinary: boolean) => void) | null;
  /** Answers plain HTTP requests. @default 404 for every request */
  onRequest?: (request: IncomingMessage, response: ServerResponse) => void;
  /** A silent connection is terminated after this long. @default never */
  silentLimitMs?: number;
  /** Keep ended connections in `connections`. @default true */
  history?: boolean;
}

export interface FaultServerState {
  /** Connections whose TCP connection has not ended. */
  live: number;
  silent: number;
  refusing: boolean;
  refusingForMs: number;
  hanging: boolean;
  hangingForMs: number;
  flapping: boolean;
  flappingForMs: number;
  /** Upgrade requests held unanswered now, and how many of their TCP connections the client ended. */
  held: number;
  heldEnded: number;
  /** Every upgrade request, answered or not. */
  upgrades: number;
  refused: number;
  /** Upgrade requests that met the never-answer fault. */
  hung: number;
  /** Connections accepted (not flapped). */
  accepted: number;
  flapped: number;
  terminated: number;
  closed: number;
  silenced: number;
}

export interface FaultServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `ws://127.0.0.1:<port><path>` (`/` without a path). */
  readonly wsUrl: string;
  readonly port: number;
  /** Every connection accepted since the last `reset()`, in order (empty with `history: false`). */
  readonly connections: Connection[];
  /** Connections whose TCP connection has not ended. */
  live(): Connection[];
  /** The upgrade requests held unanswered now: when each arrived and when the client ended its TCP connection. */
  readonly held: ReadonlyArray<{ arrivedAt: number; endedAt: number | null }>;

  /** Answers every upgrade with `status` (default 401) for `forMs` (default: until stopped). */
  refuseUpgrades(options?: { status?: number; forMs?: number }): void;
  /**
   * Accepts the TCP connection of every upgrade and never answers it, for `forMs` (default: until
   * stopped). When the fault ends, the requests still held are answered as the server then is.
   */
  neverAnswerUpgrades(options?: { forMs?: number }): void;
  /** Accepts every upgrade and closes it at once with `code` (default 1012), for `forMs` (default: until stopped). */
  flap(options?: { code?: number; reason?: string; forMs?: number }): void;
  stop(fault: "refuse" | "hang" | "flap"): void;
  /** Stops every fault. */
  heal(): void;

  /** Terminates every live connection; returns how many. */
  terminateAll(): number;
  /** Closes every live connection with `code` and `reason`; returns how many. */
  closeAll(code?: number, reason?: string): number;
  /** Every live connection goes silent; returns how many did. */
  silenceAll(): number;
  /** Sends to every live connection that is not silent; returns how many. */
  broadcast(data: string): number;

  state(): FaultServerState;
  /** Ends every connection and held request, stops every fault, clears the counters and `connections`. */
  reset(): void;
  close(): Promise<void>;
}

/** Sends each message back as it came: the default `onMessage`. */
export function echo(connection: Connection, data: Buffer, isBinary: boolean): void;

export function startFaultServer(options?: FaultServerOptions): Promise<FaultServer>;
