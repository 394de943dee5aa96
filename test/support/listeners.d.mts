export interface ListenerLedger {
  /** Listeners registered now, of `type` or of every type. */
  count(type?: string): number;
  /** The type of each listener registered now, in the order they were added. */
  types(): string[];
  /** Listeners registered since tracking started, removed ones included. */
  readonly added: number;
}

type ListenerTarget = { addEventListener: Function; removeEventListener: Function };

/** Wraps `target`'s addEventListener/removeEventListener and keeps the ledger of what is registered (type, listener, capture). */
export function trackListeners(target: ListenerTarget): ListenerLedger;

/** How many listeners `target` has registered now, counted from this call on. */
export function countListeners(target: ListenerTarget): () => number;
