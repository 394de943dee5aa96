import { assertListener } from "./options.js";
import { ListenerSet } from "./report-exception.js";
import type { TopicView } from "./types.js";

/** The latest value of one topic and who listens to it; the store clears the listeners on dispose. */
export class Topic<Value> {
  #value: Value | undefined = undefined;
  readonly #listeners = new ListenerSet();
  readonly view: TopicView<Value> = {
    get: () => this.#value,
    subscribe: (listener) => {
      assertListener(listener, "topic(name).subscribe");
      return this.#listeners.add(listener);
    },
  };

  /** Stores `value`; listeners run only when it differs (`Object.is`) from the current one. */
  set(value: Value): void {
    if (Object.is(this.#value, value)) return;
    this.#value = value;
    this.#listeners.notify();
  }

  clearListeners(): void {
    this.#listeners.clear();
  }
}

/** The topics of one store, created on first use (many stores never route messages to topics). */
export class TopicRegistry<Topics extends Record<string, unknown>> {
  #topics: Map<keyof Topics, Topic<any>> | undefined;

  view<K extends keyof Topics>(name: K): TopicView<Topics[K]> {
    return this.#topic(name).view;
  }

  /** Applies what `handlers.route` returned; false when it is neither `{ topic, value }` nor undefined. */
  apply(update: unknown): boolean {
    if (update === undefined) return true;
    if (typeof update !== "object" || update === null || !("topic" in update)) return false;
    const { topic, value } = update as { topic: keyof Topics; value: unknown };
    this.#topic(topic).set(value);
    return true;
  }

  clearListeners(): void {
    for (const topic of this.#topics?.values() ?? []) topic.clearListeners();
  }

  #topic(name: keyof Topics): Topic<any> {
    const topics = (this.#topics ??= new Map());
    let topic = topics.get(name);
    if (!topic) {
      topic = new Topic();
      topics.set(name, topic);
    }
    return topic;
  }
}
