import { describe, expect, it } from "vitest";
import {
  backoffMs,
  chatReadyAt,
  DEFAULT_OUTBOX_LIMITS,
  MemoryOutbox,
  type OutboxItem,
  outboxLimits,
  type SendOutcome,
  stepFor,
  windowReadyAt,
} from "../../src/adapters/outbox.ts";

const T0 = 1_700_000_000_000;
const GROUP = -1001234567890;
const USER = 4242;

const item = (id: string, chatId = GROUP): OutboxItem => ({
  id,
  chatId,
  method: "sendMessage",
  payload: { chat_id: chatId, text: id },
});

/** A fake transport: answers with `answer(item, attempt)` (default ok) and records every call. */
function transport(answer: (item: OutboxItem, call: number) => SendOutcome = () => ok()) {
  const calls: { id: string; chatId: number; at: number; ok: boolean }[] = [];
  let now = 0;
  return {
    calls,
    delivered: () => calls.filter((c) => c.ok),
    at(t: number) {
      now = t;
      return this;
    },
    send: async (it: OutboxItem): Promise<SendOutcome> => {
      const call = { id: it.id, chatId: it.chatId, at: now, ok: false };
      calls.push(call);
      const outcome = answer(it, calls.filter((c) => c.id === it.id).length);
      call.ok = outcome.ok;
      return outcome;
    },
  };
}

const ok = (): SendOutcome => ({ ok: true, result: { message_id: 1 } });
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
const forbidden = (): SendOutcome => ({
  ok: false,
  permanent: true,
  description: "Forbidden: bot was blocked by the user",
});

/** Drains at the clock, then moves it to nextDueAt (or +1 s), until nothing is pending. */
async function drainAll(
  outbox: MemoryOutbox,
  t: ReturnType<typeof transport>,
  start: number,
  maxSteps = 10_000,
): Promise<number> {
  let now = start;
  for (let step = 0; step < maxSteps; step++) {
    const result = await outbox.drain(now, t.at(now).send);
    if ((await outbox.pending()) === 0) return now;
    now = Math.max(now + 1, result.nextDueAt ?? now + 1_000);
  }
  throw new Error("outbox did not drain");
}

/** The most sends of `times` in any half-open window [t, t + windowMs). */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let n = 0;
    for (let j = i; j < sorted.length && sorted[j]! < sorted[i]! + windowMs; j++) n++;
    most = Math.max(most, n);
  }
  return most;
}

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
    expect(chatReadyAt(GROUP, twenty.slice(0, 19), T0 + 2_000, limits)).toBe(T0 + 2_000);
    expect(chatReadyAt(GROUP, twenty, T0 + 2_000, limits)).toBe(T0 + 60_000);
    expect(chatReadyAt(USER, [T0], T0 + 300, limits)).toBe(T0 + 1_000);
    expect(chatReadyAt(USER, [T0], T0 + 1_000, limits)).toBe(T0 + 1_000);
  });

  it("backs off exponentially up to the cap", () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, limits))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffMs(30, limits)).toBe(300_000);
  });

  it("reads an outcome: 429 pauses, permanent is dead, the rest retries", () => {
    expect(stepFor(ok(), 0, T0, limits)).toEqual({ kind: "sent", result: { message_id: 1 } });
    expect(stepFor(tooMany(7), 3, T0, limits)).toMatchObject({ kind: "later", until: T0 + 7_000 });
    expect(stepFor(forbidden(), 0, T0, limits)).toMatchObject({ kind: "dead" });
    expect(stepFor(serverError(), 2, T0, limits)).toMatchObject({ kind: "retry", until: T0 + 4_000 });
  });
});

describe("MemoryOutbox", () => {
  it("delivers each chat's items in FIFO order and calls onDelivered with the result", async () => {
    const outbox = new MemoryOutbox();
    await outbox.enqueue(
      [item("a1", -1), item("b1", -2), item("a2", -1), item("b2", -2), item("a3", -1)],
      T0,
    );
    expect(await outbox.pending()).toBe(5);
    const t = transport();
    const seen: string[] = [];
    const result = await outbox.drain(T0, t.at(T0).send, async (it, res) => {
      expect(res).toEqual({ message_id: 1 });
      seen.push(`${it.id}@${it.enqueuedAt}`);
    });
    expect(result).toEqual({ sent: 5, retried: 0, failed: 0 });
    expect(t.calls.filter((c) => c.chatId === -1).map((c) => c.id)).toEqual(["a1", "a2", "a3"]);
    expect(t.calls.filter((c) => c.chatId === -2).map((c) => c.id)).toEqual(["b1", "b2"]);
    expect(seen).toHaveLength(5);
    expect(seen).toContain(`a1@${T0}`);
    expect(await outbox.pending()).toBe(0);
  });

  it("ignores an id enqueued twice, and again after delivery, until doneTtl has passed", async () => {
    const outbox = new MemoryOutbox({ doneTtlMs: 60_000 });
    await outbox.enqueue([item("case:K-1:card"), item("case:K-1:card")], T0);
    await outbox.enqueue([item("case:K-1:card")], T0 + 1);
    expect(await outbox.pending()).toBe(1);
    const t = transport();
    await drainAll(outbox, t, T0);
    await outbox.enqueue([item("case:K-1:card")], T0 + 10_000);
    expect(await outbox.pending()).toBe(0);
    await outbox.drain(T0 + 10_000, t.at(T0 + 10_000).send);
    expect(t.calls.map((c) => c.id)).toEqual(["case:K-1:card"]);
    await outbox.enqueue([item("case:K-1:card")], T0 + 61_000);
    expect(await outbox.pending()).toBe(1);
  });

  it("pauses the whole chat for 429 retry_after, then delivers in order", async () => {
    const outbox = new MemoryOutbox();
    await outbox.enqueue([item("c1"), item("c2"), item("other", -77)], T0);
    const t = transport((it, call) => (it.id === "c1" && call === 1 ? tooMany(12) : ok()));
    const first = await outbox.drain(T0, t.at(T0).send);
    expect(first).toEqual({ sent: 1, retried: 1, failed: 0, nextDueAt: T0 + 12_000 });
    expect(await outbox.drain(T0 + 11_999, t.at(T0 + 11_999).send)).toMatchObject({ sent: 0 });
    const second = await outbox.drain(T0 + 12_000, t.at(T0 + 12_000).send);
    expect(second).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(t.calls.map((c) => `${c.id}:${c.ok}:${c.at - T0}`)).toEqual([
      "c1:false:0",
      "other:true:0",
      "c1:true:12000",
      "c2:true:12000",
    ]);
  });

  it("moves a permanent failure to the dead letters and lets the chat's next item proceed", async () => {
    const outbox = new MemoryOutbox();
    await outbox.enqueue([item("blocked", USER), item("next", USER)], T0);
    const t = transport((it) => (it.id === "blocked" ? forbidden() : ok()));
    expect(await outbox.drain(T0, t.at(T0).send)).toEqual({
      sent: 0,
      retried: 0,
      failed: 1,
      nextDueAt: T0 + 1_000,
    });
    await drainAll(outbox, t, T0 + 1_000);
    expect(t.delivered().map((c) => c.id)).toEqual(["next"]);
    const dead = await outbox.dead(10);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ item: { id: "blocked", chatId: USER }, at: T0 });
    expect(dead[0]!.description).toContain("blocked");
    expect(await outbox.dead(0)).toEqual([]);
  });

  it("retries 5xx and thrown sends with exponential backoff, holding the chat's later items", async () => {
    const outbox = new MemoryOutbox({ privateGapMs: 0 });
    await outbox.enqueue([item("flaky", USER), item("after", USER)], T0);
    const t = transport((it, call) => {
      if (it.id !== "flaky") return ok();
      if (call === 2) throw new Error("socket hang up");
      return call <= 3 ? serverError() : ok();
    });
    await drainAll(outbox, t, T0);
    expect(t.calls.map((c) => `${c.id}@${c.at - T0}`)).toEqual([
      "flaky@0",
      "flaky@1000",
      "flaky@3000",
      "flaky@7000",
      "after@7000",
    ]);
  });

  it("keeps a group at 20 sends in any 60 s window", async () => {
    const outbox = new MemoryOutbox();
    await outbox.enqueue(
      Array.from({ length: 100 }, (_, i) => item(`g${i}`)),
      T0,
    );
    const t = transport();
    const end = await drainAll(outbox, t, T0);
    const times = t.calls.map((c) => c.at);
    expect(t.calls.map((c) => c.id)).toEqual(Array.from({ length: 100 }, (_, i) => `g${i}`));
    expect(busiestWindow(times, 60_000)).toBe(20);
    expect(end - T0).toBe(4 * 60_000);
  });

  it("keeps at least 1 s between sends to a private chat", async () => {
    const outbox = new MemoryOutbox();
    await outbox.enqueue(
      Array.from({ length: 10 }, (_, i) => item(`u${i}`, USER)),
      T0,
    );
    const t = transport();
    // Drain far more often than the gap: the outbox, not the caller, keeps the pace.
    for (let now = T0; now < T0 + 20_000; now += 250) await outbox.drain(now, t.at(now).send);
    const times = t.calls.map((c) => c.at);
    expect(times).toHaveLength(10);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
  });

  it("sends at most globalPerSecond per second over all chats", async () => {
    const outbox = new MemoryOutbox({ globalPerSecond: 5 });
    await outbox.enqueue(
      Array.from({ length: 12 }, (_, i) => item(`p${i}`, 1_000 + i)),
      T0,
    );
    const t = transport();
    const first = await outbox.drain(T0, t.at(T0).send);
    expect(first).toEqual({ sent: 5, retried: 0, failed: 0, nextDueAt: T0 + 1_000 });
    await drainAll(outbox, t, T0 + 1_000);
    expect(
      busiestWindow(
        t.calls.map((c) => c.at),
        1_000,
      ),
    ).toBe(5);
    expect(t.calls).toHaveLength(12);
  });

  it("never sends an item twice from overlapping drains", async () => {
    const outbox = new MemoryOutbox();
    await outbox.enqueue(
      Array.from({ length: 30 }, (_, i) => item(`o${i}`, i % 3 === 0 ? GROUP : 500 + i)),
      T0,
    );
    const sent: string[] = [];
    const slow = async (it: OutboxItem): Promise<SendOutcome> => {
      await new Promise((r) => setTimeout(r, 1));
      sent.push(it.id);
      return ok();
    };
    let now = T0;
    while ((await outbox.pending()) > 0) {
      await Promise.all([outbox.drain(now, slow), outbox.drain(now, slow), outbox.drain(now, slow)]);
      now += 1_000;
    }
    expect(sent.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `o${i}`).sort());
  });

  it("keeps a delivery done when onDelivered throws, and reports the error", async () => {
    const outbox = new MemoryOutbox();
    await outbox.enqueue([item("d1"), item("d2")], T0);
    const t = transport();
    await expect(
      outbox.drain(T0, t.at(T0).send, async (it) => {
        if (it.id === "d1") throw new Error("store down");
      }),
    ).rejects.toThrow("store down");
    expect(await outbox.pending()).toBe(1);
    await outbox.drain(T0, t.at(T0).send);
    expect(t.calls.map((c) => c.id)).toEqual(["d1", "d2"]);
  });

  it("rejects items it cannot send", async () => {
    const outbox = new MemoryOutbox();
    await expect(outbox.enqueue([{ ...item("x"), chatId: 0 }], T0)).rejects.toThrow(/chatId/);
    await expect(outbox.enqueue([{ ...item("x"), id: "" }], T0)).rejects.toThrow(/id/);
  });
});
