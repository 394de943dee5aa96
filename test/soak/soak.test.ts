import { describe, expect, it } from "vitest";
import { createRandom, formatSummary, runSoak, type SoakResult } from "./soak";

describe("the fault soak (30 stores, 8 s of faults)", () => {
  let result: SoakResult;

  it("settles every store consistently with its options and leaves nothing behind", { timeout: 60_000 }, async () => {
    result = await runSoak({ stores: 30, durationMs: 8_000, seed: 20_251_126, settleTimeoutMs: 15_000 });
    console.log(formatSummary(result));

    expect(result.violations).toEqual([]);
    expect(result.settled).toBe(true);
    expect(result.maxLiveSocketsPerStore).toBeLessThanOrEqual(1);
    expect(result.listenersLeft).toBe(0);
    expect(result.timersLeft).toBe(0);
    expect(result.liveSocketsAfterDispose).toBe(0);
    expect(result.socketsNotClosedAfterTeardown).toBe(0);
    expect(result.unhandledSocketErrors).toBe(0);
  });

  it("injected every kind of fault and made the stores reconnect, so the checks above had something to check", () => {
    expect(result, "the soak itself did not finish").toBeDefined();
    for (const kind of ["terminate", "close", "refuse", "flap", "pause"] as const) expect(result.faults[kind]).toBeGreaterThan(0);
    expect(result.reconnectAttempts).toBeGreaterThan(0);
    expect(result.recoveries).toBeGreaterThan(0);
    expect(result.sendChecks).toBeGreaterThan(0);
    expect(result.appRetries).toBeGreaterThan(0);
    expect(result.listenersAdded).toBeGreaterThan(0);
    expect(result.packageTimersStarted).toBeGreaterThan(0);
    expect(result.errorsByCode.ERR_RECONNECT_EXHAUSTED ?? 0).toBeGreaterThan(0);
    expect(result.openAfterRetry).toBe(result.enabledStores);
    expect(result.finalRoundTrips).toBeGreaterThanOrEqual(result.enabledStores);
  });
});

describe("the soak's seeded random source", () => {
  it("repeats the same sequence for the same seed and differs for another", () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7).every((value) => value >= 0 && value < 1)).toBe(true);
  });
});
