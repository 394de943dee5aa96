// Compiled against the React 18 declarations by react-18-types.test.ts (and against React 19's
// by the project's own type check): the hooks' signatures fit both.
import { useRef } from "react";
import { SocketStore, type ConnectionSnapshot, type MessageEventLike } from "socket-store";
import { useConnection, useSocketStore, useTopic } from "../../../src/react/index.js";

type Topics = { price: number };

export function Ticker({ url, onMessage }: { url: string; onMessage: (event: MessageEventLike) => void }) {
  const onMessageRef = useRef(onMessage);
  onMessageRef.current = onMessage;
  const store: SocketStore<Topics> | null = useSocketStore(
    () => new SocketStore<Topics>(new WebSocket(url), { onMessage: (event) => onMessageRef.current(event) }),
    [url],
  );
  const connection: ConnectionSnapshot | null = useConnection(store);
  const price: number | undefined = useTopic(store, "price");
  // @ts-expect-error: "volume" is not a topic of this store
  useTopic(store, "volume");
  return (
    <p>
      {connection?.status ?? "starting"}: {price ?? "–"}
    </p>
  );
}
