// The benchmarks' socket is the package's own test socket (`socket-store/testing`'s TestSocket,
// from the build): an EventTarget with the WHATWG WebSocket shape, driven by the benchmark, so
// every subject pays the same dispatch cost and the difference between rows is the library's own work.

import { TestSocket } from "../dist/testing.js";

/**
 * Peers construct their sockets themselves (and the store's default factory constructs
 * `new previous.constructor(url, protocol)`): every one is found in FakeSocket.created. send()
 * only counts (sentCount) and listeners are not tracked: keeping either would be measured too.
 */
export class FakeSocket extends TestSocket {
  static created = [];

  constructor(url, protocols) {
    super(url, protocols, { keepSentData: false, countListeners: false });
    FakeSocket.created.push(this);
  }
}

/** Message events made before timing starts; consecutive events carry different data. */
export function createMessageEvents(count) {
  const events = new Array(count);
  for (let i = 0; i < count; i++) {
    events[i] = new MessageEvent("message", { data: `{"topic":"ticks","seq":${i}}` });
  }
  return events;
}
