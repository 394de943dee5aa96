/**
 * The fault server the tests, the soak and the demo share: an upgrade it held unanswered and
 * then answered must be a working connection, or a test that only meant to delay attempts
 * would see messages and close frames vanish.
 */
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startFaultServer, type FaultServer } from "../support/fault-server.mjs";

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const next = <T>(socket: WebSocket, event: "open" | "message" | "close", map: (...args: any[]) => T) =>
  new Promise<T>((resolve) => socket.once(event, (...args: any[]) => resolve(map(...args))));

describe("the fault server", () => {
  it("answers an upgrade it held once the hold ends, and that connection echoes and closes cleanly", { timeout: 5_000 }, async () => {
    server = await startFaultServer();
    server.neverAnswerUpgrades({ forMs: 100 });
    const socket = new WebSocket(server.wsUrl);
    const opened = next(socket, "open", () => undefined);
    while (server.state().held === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(socket.readyState).toBe(WebSocket.CONNECTING);
    await opened;
    expect(server.state().held).toBe(0);

    const echoed = next(socket, "message", (data: Buffer) => data.toString());
    socket.send("still there?");
    expect(await echoed).toBe("still there?");

    const closed = next(socket, "close", (code: number) => code);
    socket.close(4000);
    expect(await closed).toBe(4000);
  });
});
