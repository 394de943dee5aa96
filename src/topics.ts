import { assertListener } from "./options.js";
import { reportException } from "./report-exception.js";
import type { TopicView } from "./types.js";

/**
 * The latest value of one topic and who listens to it. The store clears the listeners on
 * dispose, so a listener that disposes the store ends the notification loop (Set iteration is
 * live); what a listener throws is reported and the others still run.
 */
export class Topic<Value> {
  #value: Value | undefined = undefined;
  readonly #listeners = new Set<() => void>();
  readonly view: TopicView<Value> = {
    get: () => this.#value,
    subscribe: (listener) => {
      assertListener(listener, "topic(name).subscribe");
      this.#listeners.add(listener);
      return () => {
        this.#listeners.delete(listener);
      };
    },
  };

  /** Stores `value`; listeners run only when it differs (`Object.is`) from the current one. */
  set(value: Value): void {
    if (Object.is(this.#value, value)) return;
    this.#value = value;
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (exception) {
        reportException(exception);
      }
    }
  }

  clearListeners(): void {
    this.#listeners.clear();
  }
}
