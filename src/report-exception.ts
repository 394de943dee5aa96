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
 * Listeners of a store or a topic. `notify()` runs each; what one throws is reported and the
 * others still run. The iteration is live: once `clear()` ran (the store's `dispose()`, maybe
 * from a listener), no further listener runs.
 */
export class ListenerSet {
  readonly #listeners = new Set<() => void>();

  /** @returns The function that removes `listener`. */
  add(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  notify(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (exception) {
        reportException(exception);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
