import { TestSocket, type TestSocketOptions } from "../../src/testing/test-socket.js";

/**
 * Makes TestSockets and watches every readyState change of each, so a test can tell the
 * most sockets that were ever CONNECTING or OPEN at the same moment.
 *
 * @example
 * const log = new SocketLog();
 * const store = new SocketStore(log.create());
 * expect(log.mostLiveAtOnce).toBe(1);
 */
export class SocketLog {
  readonly sockets: TestSocket[] = [];
  /** The most sockets that were CONNECTING or OPEN together, at any construction or readyState change. */
  mostLiveAtOnce = 0;

  create = (options?: TestSocketOptions): TestSocket => {
    const socket = new TestSocket(`ws://127.0.0.1/socket-${this.sockets.length + 1}`, undefined, options);
    let readyState = socket.readyState;
    Object.defineProperty(socket, "readyState", {
      configurable: true,
      enumerable: true,
      get: () => readyState,
      set: (next: TestSocket["readyState"]) => {
        readyState = next;
        this.#count();
      },
    });
    this.sockets.push(socket);
    this.#count();
    return socket;
  };

  /** The sockets CONNECTING or OPEN now. */
  live(): TestSocket[] {
    return this.sockets.filter((socket) => socket.readyState === 0 || socket.readyState === 1);
  }

  #count(): void {
    this.mostLiveAtOnce = Math.max(this.mostLiveAtOnce, this.live().length);
  }
}
