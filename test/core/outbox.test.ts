import { describe, expect, it } from "vitest";
import {
  backoffMs,
  chatReadyAt,
  DEFAULT_OUTBOX_LIMITS,
  outboxLimits,
  type SendOutcome,
  stepFor,
  windowReadyAt,
} from "../../src/core/outbox.ts";

const T0 = 1_700_000_000_000;
const ok = (ref = "1"): SendOutcome => ({ ok: true, delivered: { ref } });
const tooMany = (seconds: number): SendOutcome => ({
  ok: false,
  retryAfterSeconds: seconds,
  permanent: false,
  description: `Too Many Requests: retry after ${seconds}`,
});
const serverError = (): SendOutcome => ({
  ok: false,
  permanent: false,
  description: "Internal Server Error",
});
const forbidden = (): SendOutcome => ({ ok: false, permanent: true, gone: true, description: "Forbidden" });

describe("outbox rules", () => {
  const limits = outboxLimits();

  it("has the documented defaults", () => {
    expect(DEFAULT_OUTBOX_LIMITS).toEqual({
      groupPerMinute: 20,
      privateGapMs: 1_000,
      globalPerSecond: 25,
      baseBackoffMs: 1_000,
      maxBackoffMs: 300_000,
      doneTtlMs: 604_800_000,
      deadTtlMs: 2_592_000_000,
    });
    expect(() => outboxLimits({ groupPerMinute: 0 })).toThrow();
  });

  it("opens a sliding window slot when the oldest counted send leaves it", () => {
    const w = { limit: 3, windowMs: 1_000 };
    expect(windowReadyAt([], w, 5_000)).toBe(5_000);
    expect(windowReadyAt([4_100, 4_500], w, 5_000)).toBe(5_000);
    expect(windowReadyAt([4_500, 4_100, 4_800], w, 5_000)).toBe(5_100);
    expect(windowReadyAt([3_000, 4_100, 4_500, 4_800], w, 5_000)).toBe(5_100);
    // A send exactly windowMs ago no longer counts.
    expect(windowReadyAt([4_000, 4_500, 4_800], w, 5_000)).toBe(5_000);
  });

  it("applies 20 per minute to groups and a 1 s gap to private chats", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => T0 + i * 100);
    expect(chatReadyAt(true, twenty.slice(0, 19), T0 + 2_000, limits)).toBe(T0 + 2_000);
    expect(chatReadyAt(true, twenty, T0 + 2_000, limits)).toBe(T0 + 60_000);
    expect(chatReadyAt(false, [T0], T0 + 300, limits)).toBe(T0 + 1_000);
    expect(chatReadyAt(false, [T0], T0 + 1_000, limits)).toBe(T0 + 1_000);
  });

  it("backs off exponentially up to the cap", () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, limits))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffMs(30, limits)).toBe(300_000);
  });

  it("reads an outcome: 429 pauses, permanent is dead, the rest retries", () => {
    expect(stepFor(ok(), 0, T0, limits)).toEqual({ kind: "sent", delivered: { ref: "1" } });
    expect(stepFor(tooMany(7), 3, T0, limits)).toMatchObject({ kind: "later", until: T0 + 7_000 });
    expect(stepFor(forbidden(), 0, T0, limits)).toMatchObject({ kind: "dead" });
    expect(stepFor(serverError(), 2, T0, limits)).toMatchObject({ kind: "retry", until: T0 + 4_000 });
  });
});
