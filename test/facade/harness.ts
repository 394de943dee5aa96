/**
 * Facade test harness: mock-socket with fake timers (mock-socket delivers every step after a
 * 4 ms setTimeout, so fake timers must be on before a socket is created).
 */
import { Server, WebSocket } from "mock-socket";
import { vi } from "vitest";
import { SocketStore, isSocketStoreError, type ConnectionSnapshot, type SocketStoreError, type SocketStoreHandlers, type SocketStoreOptions, type WebSocketLike } from "../../src/index.js";

/** Counts the listeners registered on a socket from now on (the one helper the package's tests share). */
export { countListeners } from "../support/listeners.mjs";

/** Carries a credential on purpose: no message or snapshot may ever contain it. */
export const SECRET = "sekret-token-42";
export const URL = `ws://127.0.0.1:8765/stream?token=${SECRET}`;
export const STEP_MS = 4;

export interface ServerSide {
  send(data: unknown): void;
  close(options?: { code?: number; reason?: string }): void;
}

export class Harness {
  readonly server: Server;
  readonly connections: ServerSide[] = [];
  /** Every socket created through `connect()` or the default replacement factory. */
  readonly sockets: WebSocket[] = [];

  constructor() {
    vi.useFakeTimers();
    this.server = new Server(URL);
    this.server.on("connection", (socket) => {
      this.connections.push(socket as unknown as ServerSide);
    });
  }

  connect(): WebSocket {
    const socket = new WebSocket(URL);
    this.sockets.push(socket);
    return socket;
  }

  /** Lets mock-socket deliver what is pending (open, message, close). */
  flush(ms = STEP_MS): void {
    vi.advanceTimersByTime(ms);
  }

  get lastConnection(): ServerSide {
    const connection = this.connections.at(-1);
    if (!connection) throw new Error("no connection yet");
    return connection;
  }

  stop(): void {
    this.server.stop();
    vi.clearAllTimers();
    vi.useRealTimers();
  }
}

/** An open store on a fresh mock-socket, with its events recorded. */
export function openStore<Topics extends Record<string, unknown> = Record<string, unknown>>(
  harness: Harness,
  handlers: SocketStoreHandlers<Topics> = {},
  options?: SocketStoreOptions,
): SocketStore<Topics> {
  const store = new SocketStore<Topics>(harness.connect() as unknown as WebSocketLike, handlers, options);
  harness.flush();
  return store;
}

/** Handlers that log each call with the status the store shows at that moment. */
export function recordingHandlers(getStore: () => SocketStore<any> | undefined) {
  const log: string[] = [];
  const snapshots: ConnectionSnapshot[] = [];
  const statusNow = () => getStore()?.getSnapshot().status;
  const handlers: SocketStoreHandlers<any> = {
    onOpen: () => log.push(`onOpen@${statusNow()}`),
    onMessage: (event) => log.push(`onMessage:${String(event.data)}@${statusNow()}`),
    onClose: (event) => log.push(`onClose:${event.code}@${statusNow()}`),
    onError: (error) => {
      log.push(`onError:${error.code}@${statusNow()}`);
      snapshots.push(getStore()!.getSnapshot());
    },
    onStatusChange: (next, previous) => log.push(`status:${previous.status}->${next.status}`),
  };
  return { log, snapshots, handlers };
}

/** The SocketStoreError that `run` throws; anything else thrown, or nothing, fails the test. */
export function thrown(run: () => unknown): SocketStoreError {
  try {
    run();
  } catch (error) {
    if (isSocketStoreError(error)) return error;
    throw error;
  }
  throw new Error("expected a SocketStoreError");
}
