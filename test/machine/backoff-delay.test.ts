import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../machines/connection.js";

describe("backoffDelay()", () => {
  it("waits initialDelayMs before every attempt with fixed backoff", () => {
    const policy = { backoff: "fixed", initialDelayMs: 300, maxDelayMs: 100 } as const;
    expect([1, 2, 3, 10].map((attempt) => backoffDelay(attempt, policy))).toEqual([300, 300, 300, 300]);
  });

  it("doubles from initialDelayMs and caps at maxDelayMs with exponential backoff", () => {
    const policy = { backoff: "exponential", initialDelayMs: 250, maxDelayMs: 5000 } as const;
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(attempt, policy))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it("follows delay(n) = min(2 × delay(n−1), maxDelayMs) for any attempt", () => {
    const policy = { backoff: "exponential", initialDelayMs: 7, maxDelayMs: 1000 } as const;
    let previous = backoffDelay(1, policy);
    expect(previous).toBe(7);
    for (let attempt = 2; attempt <= 2000; attempt++) {
      const delay = backoffDelay(attempt, policy);
      expect(delay).toBe(Math.min(2 * previous, 1000));
      previous = delay;
    }
  });

  it("stays 0 with a zero initial delay, even for huge attempt numbers", () => {
    const policy = { backoff: "exponential", initialDelayMs: 0, maxDelayMs: 100 } as const;
    expect(backoffDelay(1, policy)).toBe(0);
    expect(backoffDelay(5000, policy)).toBe(0);
  });
});
