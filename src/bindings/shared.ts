// Helpers of the Vue and Svelte entries. Each entry is built on its own, so each bundles its
// copy of these few lines; they import the error class from the package root, never a copy of it.
import { SocketStoreError, type SocketStore } from "socket-store";

/** What a bad value was, as the root entry says it: numbers, booleans, null and undefined as they are; others by their type only. */
function describe(value: unknown): string {
  if (value === null || value === undefined || typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Throws ERR_INVALID_ARGUMENT; messages start with "SocketStore:" like the root entry's. */
export function invalidArgument(message: string): never {
  throw new SocketStoreError("ERR_INVALID_ARGUMENT", `SocketStore: ${message}`);
}

/** Throws ERR_INVALID_ARGUMENT naming `name` unless `valid`. The message never shows strings (they may be URLs). */
export function check(valid: boolean, name: string, expected: string, value: unknown): void {
  if (!valid) invalidArgument(`${name} must be ${expected} (got ${describe(value)})`);
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** True for an object with the store methods a binding calls. */
export function hasMethods(value: unknown, ...methods: string[]): boolean {
  return isObject(value) && methods.every((method) => typeof value[method] === "function");
}

/** Closes the socket the store observes, then lets the store go: no handler of it runs again. */
export function retire(store: SocketStore<any>): void {
  try {
    store.close();
  } finally {
    store.dispose();
  }
}
