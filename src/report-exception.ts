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
