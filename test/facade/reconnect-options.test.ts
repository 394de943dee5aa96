import { describe, expect, it } from "vitest";
import { SocketStore, isSocketStoreError, type WebSocketLike } from "../../src/index.js";

function socket(): WebSocketLike {
  return { url: "wss://example.test/?token=hunter2", readyState: 1, addEventListener() {}, removeEventListener() {}, send() {}, close() {} };
}

function create(reconnect: Record<string, unknown>) {
  return new SocketStore(socket(), {}, { reconnect: { enabled: true, ...reconnect } as never });
}

function invalidMessage(reconnect: Record<string, unknown>): string {
  try {
    create(reconnect);
  } catch (error) {
    if (isSocketStoreError(error) && error.code === "ERR_INVALID_ARGUMENT") {
      expect(error.message).not.toContain("hunter2");
      return error.message;
    }
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(reconnect)}`);
}

describe("reconnect options", () => {
  it.each([0, -1, 1.5, NaN, Infinity, -Infinity, "3", null, true])("refuse maxAttempts %s, naming it", (value) => {
    expect(invalidMessage({ maxAttempts: value })).toContain("maxAttempts");
  });

  it.each(["initialDelayMs", "maxDelayMs"])("refuse a bad %s, naming it", (name) => {
    for (const value of [-1, NaN, Infinity, -Infinity, "100", null, 2 ** 31]) {
      expect(invalidMessage({ [name]: value, backoff: "fixed" })).toContain(name);
    }
  });

  it("refuse initialDelayMs above maxDelayMs with exponential backoff, naming both (after defaults)", () => {
    for (const options of [{ maxDelayMs: 100 }, { initialDelayMs: 6000 }, { initialDelayMs: 300, maxDelayMs: 200, backoff: "exponential" }]) {
      const message = invalidMessage(options);
      expect(message).toContain("initialDelayMs");
      expect(message).toContain("maxDelayMs");
    }
  });

  it("accept initialDelayMs above maxDelayMs with fixed backoff", () => {
    expect(create({ backoff: "fixed", initialDelayMs: 300, maxDelayMs: 200 }).status).toBe("open");
  });

  it.each(["linear", "", null, 1])("refuse backoff %j", (value) => {
    expect(invalidMessage({ backoff: value })).toContain("backoff");
  });

  it.each(["retryOnClose", "createSocket"])("refuse a %s that is not a function", (name) => {
    expect(invalidMessage({ [name]: true })).toContain(name);
    expect(invalidMessage({ [name]: null })).toContain(name);
  });

  it("treat undefined as the default", () => {
    const store = create({ maxAttempts: undefined, backoff: undefined, initialDelayMs: undefined, maxDelayMs: undefined, retryOnClose: undefined, createSocket: undefined });
    expect(store.status).toBe("open");
  });

  it.each([[true], [null], ["yes"], [1], [{ enabled: 1, maxAttempts: -5 }], [{ enabled: "true", backoff: "linear" }], [{ maxAttempts: 0 }]])(
    "never validate a reconnect that is not enabled === true (%j)",
    (reconnect) => {
      const store = new SocketStore(socket(), {}, { reconnect: reconnect as never });
      expect(() => store.reconnect()).toThrowError(expect.objectContaining({ code: "ERR_RECONNECT_DISABLED" }));
    },
  );

  it("show the defaults, frozen, as reconnectOptions, with enabled false when reconnect is off", () => {
    const defaults = { maxAttempts: 5, backoff: "exponential", initialDelayMs: 250, maxDelayMs: 5000, connectTimeoutMs: 10_000 };
    const off = new SocketStore(socket());
    expect(off.reconnectOptions).toEqual({ enabled: false, ...defaults });
    expect(Object.isFrozen(off.reconnectOptions)).toBe(true);
    expect(create({}).reconnectOptions).toEqual({ enabled: true, ...defaults });
  });

  it("accept the longest delay a timer can wait, 2,147,483,647 ms", () => {
    expect(create({ initialDelayMs: 2_147_483_647, maxDelayMs: 2_147_483_647 }).status).toBe("open");
  });
});
