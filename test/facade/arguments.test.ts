import { describe, expect, it } from "vitest";
import { SocketStore, SocketStoreError, isSocketStoreError, type WebSocketLike } from "../../src/index.js";
import { thrown } from "./harness.js";

const SECRET_URL = "wss://example.test/stream?token=hunter2";

function socket(overrides: Record<string, unknown> = {}): WebSocketLike {
  return { url: SECRET_URL, readyState: 1, addEventListener() {}, removeEventListener() {}, send() {}, close() {}, ...overrides } as WebSocketLike;
}

function expectInvalid(run: () => unknown, ...named: string[]): void {
  const error = thrown(run);
  expect(error.code).toBe("ERR_INVALID_ARGUMENT");
  expect(error).toBeInstanceOf(SocketStoreError);
  expect(error.name).toBe("SocketStoreError");
  for (const name of named) expect(error.message).toContain(name);
  expect(error.message).not.toContain("hunter2");
  expect(error.message).not.toContain("example.test");
}

describe("constructor arguments", () => {
  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a string", SECRET_URL],
    ["no addEventListener", socket({ addEventListener: undefined })],
    ["no removeEventListener", socket({ removeEventListener: 1 })],
    ["no send", socket({ send: undefined })],
    ["no close", socket({ close: "close" })],
    ["a string readyState", socket({ readyState: "1" })],
    ["an unknown readyState", socket({ readyState: 7 })],
  ])("refuse a socket that is %s, naming socket", (_name, value) => {
    expectInvalid(() => new SocketStore(value as never), "socket");
  });

  it.each([
    ["null", null],
    ["a function", () => {}],
    ["a string", "handlers"],
  ])("refuse handlers that are %s", (_name, value) => {
    expectInvalid(() => new SocketStore(socket(), value as never), "handlers");
  });

  it.each(["onOpen", "onMessage", "onClose", "onError", "onStatusChange", "route"])("refuse a %s that is not a function", (name) => {
    expectInvalid(() => new SocketStore(socket(), { [name]: "yes" } as never), `handlers.${name}`);
    expectInvalid(() => new SocketStore(socket(), { [name]: null } as never), `handlers.${name}`);
  });

  it("refuse options that are not an object, and an inspect that is neither a function nor an observer", () => {
    expectInvalid(() => new SocketStore(socket(), {}, null as never), "options");
    expectInvalid(() => new SocketStore(socket(), {}, 5 as never), "options");
    expectInvalid(() => new SocketStore(socket(), {}, { inspect: "console" } as never), "options.inspect");
    expectInvalid(() => new SocketStore(socket(), {}, { inspect: null } as never), "options.inspect");
    for (const method of ["next", "error", "complete"]) {
      expectInvalid(() => new SocketStore(socket(), {}, { inspect: { [method]: true } } as never), `options.inspect.${method}`);
    }
  });

  it("accept handlers and options left out or undefined, and unknown handler names", () => {
    expect(new SocketStore(socket()).status).toBe("open");
    expect(new SocketStore(socket(), undefined, undefined).status).toBe("open");
    expect(new SocketStore(socket(), { somethingElse: 1 } as never).status).toBe("open");
  });
});

describe("isSocketStoreError()", () => {
  it("recognises the package's errors only", () => {
    expect(isSocketStoreError(new SocketStoreError("ERR_ROUTE", "m"))).toBe(true);
    expect(isSocketStoreError(new Error("m"))).toBe(false);
    expect(isSocketStoreError({ code: "ERR_ROUTE", name: "SocketStoreError" })).toBe(false);
    expect(isSocketStoreError(null)).toBe(false);
    expect(isSocketStoreError(undefined)).toBe(false);
    expect(isSocketStoreError("SocketStoreError")).toBe(false);
  });

  it("keeps the cause", () => {
    const cause = new Error("inner");
    expect(new SocketStoreError("ERR_SOCKET_FACTORY", "m", { cause }).cause).toBe(cause);
  });
});

describe("isSocketStoreError() across copies of the package", () => {
  it("recognises an error branded by another copy", () => {
    const foreign = Object.defineProperty(new Error("m"), Symbol.for("socket-store.SocketStoreError"), { value: true });
    expect(isSocketStoreError(foreign)).toBe(true);
  });

  it("recognises an error made by a second instance of the module, in both directions", async () => {
    // A query string makes vitest load src/errors.ts once more: another class, as with two copies installed.
    const secondCopy = "../../src/errors.js?second-copy";
    const other = (await import(/* @vite-ignore */ secondCopy)) as typeof import("../../src/errors.js");
    expect(other.SocketStoreError).not.toBe(SocketStoreError);
    const theirs = new other.SocketStoreError("ERR_ROUTE", "m");
    expect(theirs).not.toBeInstanceOf(SocketStoreError);
    expect(isSocketStoreError(theirs)).toBe(true);
    expect(other.isSocketStoreError(new SocketStoreError("ERR_ROUTE", "m"))).toBe(true);
  });
});
