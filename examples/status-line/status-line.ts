import type { ConnectionSnapshot, SocketStore } from "socket-store";

export interface StatusLineOptions {
  /** What "Send" sends. @default "ping" */
  message?: string;
  /** Close codes the app explains, e.g. `{ 4401: "Signed out" }`: shown when the connection closed with one. */
  closeReasons?: Readonly<Record<number, string>>;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

/** The line for a snapshot. `maxAttempts` comes from the store's own `reconnectOptions`. */
export function statusText(snapshot: ConnectionSnapshot, maxAttempts: number | false, closeReasons: Readonly<Record<number, string>> = {}): string {
  const { status, attempt, retryDelayMs, lastClose } = snapshot;
  const of = maxAttempts === false ? "" : ` of ${maxAttempts}`;
  switch (status) {
    case "connecting":
      return attempt === 0 ? "Connecting…" : `Reconnecting… (attempt ${attempt}${of})`;
    case "open":
      return "Connected";
    case "closing":
      return "Disconnecting…";
    case "closed":
      return (lastClose && closeReasons[lastClose.code]) || "Disconnected";
    case "reconnecting":
      return `Reconnecting in ${seconds(retryDelayMs ?? 0)} (attempt ${attempt}${of})`;
    case "error":
      return "Gave up";
  }
}

/**
 * A status line without a framework: the connection as a sentence ("Connected", "Reconnecting
 * in 0.5 s (attempt 2 of 5)", "Gave up", "Signed out"), a "Send" button that is enabled only
 * while the store is open, and a "Reconnect" button shown where `store.reconnect()` starts a new
 * attempt (reconnect enabled; status closed, reconnecting or error). Returns the unmount function.
 *
 * @example
 * const unmount = mountStatusLine(document.querySelector("#status")!, store, { closeReasons: { 4401: "Signed out" } });
 */
export function mountStatusLine(element: HTMLElement, store: SocketStore<any>, options: StatusLineOptions = {}): () => void {
  const { message = "ping", closeReasons = {} } = options;
  const { enabled, maxAttempts } = store.reconnectOptions;
  const document = element.ownerDocument;
  const line = document.createElement("p");
  line.setAttribute("role", "status");
  const text = document.createElement("span");
  const send = document.createElement("button");
  send.type = "button";
  send.textContent = "Send";
  const reconnect = document.createElement("button");
  reconnect.type = "button";
  reconnect.textContent = "Reconnect";
  const onSend = (): void => store.send(message);
  const onReconnect = (): void => store.reconnect();
  send.addEventListener("click", onSend);
  reconnect.addEventListener("click", onReconnect);
  line.append(text, " ", send);
  element.append(line);

  const render = (): void => {
    const snapshot = store.getSnapshot();
    text.textContent = statusText(snapshot, enabled ? maxAttempts : false, closeReasons);
    send.disabled = snapshot.status !== "open";
    const offersReconnect = enabled && (snapshot.status === "closed" || snapshot.status === "reconnecting" || snapshot.status === "error");
    if (offersReconnect && !reconnect.isConnected) line.append(reconnect);
    if (!offersReconnect && reconnect.isConnected) reconnect.remove();
  };
  render();
  const unsubscribe = store.subscribe(render);
  return () => {
    unsubscribe();
    send.removeEventListener("click", onSend);
    reconnect.removeEventListener("click", onReconnect);
    line.remove();
  };
}
