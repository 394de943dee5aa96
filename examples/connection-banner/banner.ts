import type { ConnectionSnapshot, SocketStore } from "../../src/index.js";

export interface ConnectionBannerOptions {
  /**
   * The store's `reconnect.maxAttempts` (the store does not expose its options), for
   * "attempt 2 of 5"; false when the store was built without reconnect: no "Retry now" then.
   * @default false
   */
  maxAttempts?: number | false;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

/** The banner's line for a snapshot, and whether it offers "Retry now". */
function lineFor({ status, attempt, retryDelayMs }: ConnectionSnapshot, maxAttempts: number | false): { text: string; retry: boolean } {
  const of = maxAttempts === false ? "" : ` of ${maxAttempts}`;
  const canRetry = maxAttempts !== false;
  switch (status) {
    case "connecting":
      return { text: attempt === 0 ? "Connecting…" : `Reconnecting… (attempt ${attempt}${of})`, retry: false };
    case "open":
      return { text: "Connected", retry: false };
    case "closing":
      return { text: "Disconnecting…", retry: false };
    case "closed":
      return { text: "Disconnected", retry: canRetry };
    case "reconnecting":
      return { text: `Reconnecting in ${seconds(retryDelayMs ?? 0)} (attempt ${attempt}${of})`, retry: true };
    case "error":
      return { text: "Gave up", retry: true };
  }
}

/**
 * A connection banner without a framework: one status line that follows the store
 * ("Connected", "Reconnecting in 0.5 s (attempt 2 of 5)", "Gave up") and a "Retry now" button
 * calling `store.reconnect()` where that starts a new attempt. Returns the unmount function.
 *
 * @example
 * const unmount = mountConnectionBanner(document.querySelector("#banner")!, store, { maxAttempts: 5 });
 */
export function mountConnectionBanner(element: HTMLElement, store: SocketStore<any>, options: ConnectionBannerOptions = {}): () => void {
  const maxAttempts = options.maxAttempts ?? false;
  const document = element.ownerDocument;
  const banner = document.createElement("p");
  banner.setAttribute("role", "status");
  const text = document.createElement("span");
  const retry = document.createElement("button");
  retry.type = "button";
  retry.textContent = "Retry now";
  const onRetry = (): void => store.reconnect();
  retry.addEventListener("click", onRetry);
  banner.append(text);
  element.append(banner);

  const render = (): void => {
    const line = lineFor(store.getSnapshot(), maxAttempts);
    text.textContent = line.text;
    const shown = retry.parentNode === banner;
    if (line.retry && !shown) banner.append(" ", retry);
    if (!line.retry && shown) banner.replaceChildren(text);
  };
  render();
  const unsubscribe = store.subscribe(render);
  return () => {
    unsubscribe();
    retry.removeEventListener("click", onRetry);
    banner.remove();
  };
}
