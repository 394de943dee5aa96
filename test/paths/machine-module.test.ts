import { describe, expect, it } from "vitest";

// Imported inside the test, not at the top: a statechart definition that XState rejects then
// fails this test instead of failing to load the file (which a mutation run would not count).
describe("the connection statechart module", () => {
  it("loads, and its actor starts in the status named after the socket's readyState", async () => {
    const { createActor } = await import("xstate");
    const { connectionMachine, statusOf } = await import("../../machines/connection.js");
    const reconnect = { enabled: true, maxAttempts: 1, backoff: "fixed", initialDelayMs: 10, maxDelayMs: 10, connectTimeoutMs: false } as const;
    const statuses = [0, 1, 2, 3].map((readyState) => {
      const actor = createActor(connectionMachine, { input: { readyState, reconnect } }).start();
      const status = statusOf(actor.getSnapshot());
      actor.stop();
      return status;
    });
    expect(statuses).toEqual(["connecting", "open", "closing", "closed"]);
  });
});
