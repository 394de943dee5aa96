import { assertListener } from "./options.js";
import type { TopicView } from "./types.js";

/** The latest value of one topic and who listens to it. */
export class Topic<Value> {
  #value: Value | undefined = undefined;
  readonly #listeners = new Set<() => void>();
  readonly view: TopicView<Value>;

  constructor(notify: (listener: () => void) => void) {
    this.view = {
      get: () => this.#value,
      subscribe: (listener) => {
        assertListener(listener, "topic(name).subscribe");
        this.#listeners.add(listener);
        return () => {
          this.#listeners.delete(listener);
        };
      },
    };
    this.#notify = notify;
  }

  readonly #notify: (listener: () => void) => void;

  /** Stores `value`; listeners run only when it differs (`Object.is`) from the current one. */
  set(value: Value): void {
    if (Object.is(this.#value, value)) return;
    this.#value = value;
    for (const listener of this.#listeners) this.#notify(listener);
  }

  clearListeners(): void {
    this.#listeners.clear();
  }
}
