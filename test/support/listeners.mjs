// Counts the listeners a socket (or any EventTarget-like object) has registered through its own
// addEventListener/removeEventListener, the way the DOM identifies one: type, listener and capture.
// Plain ESM without imports: the runtime scenarios load it in Node, Bun and browser pages alike.

const captureOf = (options) => (typeof options === "boolean" ? options : Boolean(options && options.capture));

/**
 * Wraps `target.addEventListener`/`removeEventListener` (own properties that call the previous
 * ones) and keeps the ledger of what is registered from then on.
 * @param {{ addEventListener: Function, removeEventListener: Function }} target
 */
export function trackListeners(target) {
  /** @type {Array<{ type: string, listener: unknown, capture: boolean }>} */
  const registered = [];
  let added = 0;
  const indexOf = (type, listener, capture) => registered.findIndex((entry) => entry.type === type && entry.listener === listener && entry.capture === capture);
  const add = target.addEventListener;
  const remove = target.removeEventListener;
  target.addEventListener = function addEventListener(type, listener, options) {
    const capture = captureOf(options);
    if (listener && indexOf(type, listener, capture) === -1) {
      registered.push({ type, listener, capture });
      added += 1;
    }
    return add.call(target, type, listener, options);
  };
  target.removeEventListener = function removeEventListener(type, listener, options) {
    const index = indexOf(type, listener, captureOf(options));
    if (index !== -1) registered.splice(index, 1);
    return remove.call(target, type, listener, options);
  };
  return {
    /** Listeners registered now, of `type` or of every type. */
    count(type) {
      return type === undefined ? registered.length : registered.filter((entry) => entry.type === type).length;
    },
    /** The type of each listener registered now, in the order they were added. */
    types() {
      return registered.map((entry) => entry.type);
    },
    /** Listeners registered since tracking started, removed ones included. */
    get added() {
      return added;
    },
  };
}

/** `trackListeners(target).count`, as a function: how many listeners are registered now. */
export function countListeners(target) {
  const ledger = trackListeners(target);
  return () => ledger.count();
}
