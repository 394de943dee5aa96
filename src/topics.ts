import { assertListener } from "./options.js";
import { notifyAll } from "./report-exception.js";
import type { TopicView } from "./types.js";

/** The latest value of one topic and who listens to it; the store clears the listeners on dispose. */
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
    notifyAll(this.#listeners);
  }

  clearListeners(): void {
    this.#listeners.clear();
  }
}
