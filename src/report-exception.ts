/**
 * Reports an exception thrown by an application callback without letting it unwind the store:
 * `globalThis.reportError` where it exists at that moment (browsers, Deno, Bun), otherwise
 * re-thrown in a microtask so that it still reaches the runtime's uncaught-exception handling.
 */
export function reportException(exception: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === "function") {
    report(exception);
    return;
  }
  queueMicrotask(() => {
    throw exception;
  });
}

/**
 * Runs every listener of a set; what one throws is reported and the others still run. The
 * iteration is live: when a listener clears the set (the store's `dispose()` does), no further
 * listener runs.
 */
export function notifyAll(listeners: Iterable<() => void>): void {
  for (const listener of listeners) {
    try {
      listener();
    } catch (exception) {
      reportException(exception);
    }
  }
}
