import { assertListener } from "./options.js";
import { ListenerSet } from "./report-exception.js";
import type { MessageEventLike, TopicView } from "./types.js";

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

  /**
   * Routes one message: what `route` returns becomes that topic's value. What it throws, or a
   * result that is neither `{ topic, value }` nor undefined, goes to `fail` (the message's update is dropped).
   */
  route(route: (event: MessageEventLike) => unknown, event: MessageEventLike, fail: (message: string, cause: unknown) => void): void {
    let update: unknown;
    try {
      update = route(event);
    } catch (exception) {
      return fail("handlers.route threw", exception);
    }
    if (update === undefined) return;
    if (typeof update !== "object" || update === null || !("topic" in update)) return fail("handlers.route returned neither { topic, value } nor undefined", update);
    const { topic, value } = update as { topic: keyof Topics; value: unknown };
    this.#topic(topic).set(value);
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
