// @vitest-environment jsdom
import { act, cleanup, render, screen } from "@testing-library/react";
import { StrictMode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SocketStore, isSocketStoreError } from "../../src/index.js";
import { useConnection, useSocketStore } from "../../src/react/index.js";
import { SocketLog } from "./socket-log.js";

afterEach(cleanup);

function errorCodeOf(action: () => void): string | undefined {
  try {
    action();
  } catch (error) {
    return isSocketStoreError(error) ? error.code : "not a SocketStoreError";
  }
  return undefined;
}

function setup() {
  const log = new SocketLog();
  const stores: SocketStore[] = [];
  const onClose = vi.fn();
  function Status() {
    const store = useSocketStore(() => {
      const store = new SocketStore(log.create(), { onClose: () => onClose(stores.indexOf(store)) });
      stores.push(store);
      return store;
    }, []);
    const connection = useConnection(store);
    return <p role="status">{connection?.status ?? "no store"}</p>;
  }
  return { log, stores, onClose, Status };
}

describe("useSocketStore under <StrictMode>", () => {
  it("never has more than one socket connecting or open, though the effect runs twice", () => {
    const { log, Status } = setup();
    render(
      <StrictMode>
        <Status />
      </StrictMode>,
    );
    expect(log.sockets).toHaveLength(2);
    expect(log.mostLiveAtOnce).toBe(1);
    expect(log.live()).toEqual([log.sockets[1]]);
  });

  it("closes the discarded mount's socket and disposes its store", () => {
    const { log, stores, onClose, Status } = setup();
    render(
      <StrictMode>
        <Status />
      </StrictMode>,
    );
    const [discarded, kept] = log.sockets;
    expect(discarded!.readyState).toBe(2);
    expect(discarded!.closeCalls).toEqual([{ code: undefined, reason: undefined }]);
    expect(discarded!.listenerCount()).toBe(0);
    expect(errorCodeOf(() => stores[0]!.send("x"))).toBe("ERR_STORE_DISPOSED");
    act(() => discarded!.serverClose());
    expect(onClose).not.toHaveBeenCalled();
    expect(kept!.closeCalls).toEqual([]);
  });

  it("renders the kept store's status and follows it", () => {
    const { log, Status } = setup();
    render(
      <StrictMode>
        <Status />
      </StrictMode>,
    );
    expect(screen.getByRole("status").textContent).toBe("connecting");
    act(() => log.sockets[1]!.open());
    expect(screen.getByRole("status").textContent).toBe("open");
    act(() => log.sockets[0]!.serverClose());
    expect(screen.getByRole("status").textContent).toBe("open");
  });

  it("closes the kept socket on unmount, leaving none connecting or open", () => {
    const { log, Status } = setup();
    const view = render(
      <StrictMode>
        <Status />
      </StrictMode>,
    );
    act(() => log.sockets[1]!.open());
    view.unmount();
    expect(log.live()).toEqual([]);
    expect(log.sockets.map((socket) => socket.listenerCount())).toEqual([0, 0]);
    expect(log.mostLiveAtOnce).toBe(1);
  });
});
