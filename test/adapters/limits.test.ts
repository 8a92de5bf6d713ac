/**
 * The reply path imposes no queue of its own: with the clock frozen, every chat's reply
 * goes out at once, and a 429 for one chat makes only that chat's call wait (auto-retry
 * sleeps per call). Asserted by counts with fake timers, never by the wall clock.
 */
import { HttpError } from "grammy";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { installLimits } from "../../src/adapters/telegram/limits.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { createTestBot } from "../helpers/bot-harness.ts";

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets every pending promise chain run (no timer is advanced). */
async function settle(): Promise<void> {
  for (let i = 0; i < 500; i++) await Promise.resolve();
}

const CHATS = Array.from({ length: 100 }, (_, i) => 5_000 + i);

describe("Telegram limits on the reply path", () => {
  it("sends every chat's reply without waiting on a self-imposed queue (100 chats, clock frozen)", async () => {
    const t = createTestBot(world);
    installLimits(t.bot.api);
    vi.useFakeTimers();
    const done = new Set<number>();
    for (const chat of CHATS) void t.text(chat, "/start").then(() => done.add(chat));
    await settle();
    const replied = new Set(t.calls.filter((c) => c.method === "sendMessage").map((c) => c.payload.chat_id));
    expect(replied.size).toBe(CHATS.length);
    expect(done.size).toBe(CHATS.length);
  });

  it("a 429 for one chat holds back only that chat's call; it is retried once after retry_after", async () => {
    const t = createTestBot(world);
    const slow = CHATS[0]!;
    let limited = 0;
    // Installed before the limits, so it runs inside auto-retry: the first send to `slow` gets a 429.
    t.bot.api.config.use(async (prev, method, payload, signal) => {
      if (method === "sendMessage" && (payload as { chat_id: number }).chat_id === slow && limited === 0) {
        limited++;
        return {
          ok: false,
          error_code: 429,
          description: "Too Many Requests: retry after 1",
          parameters: { retry_after: 1 },
        } as never;
      }
      return prev(method, payload, signal);
    });
    installLimits(t.bot.api);
    vi.useFakeTimers();
    const done = new Set<number>();
    for (const chat of CHATS) void t.text(chat, "/start").then(() => done.add(chat));
    await settle();
    const sentTo = () => t.calls.filter((c) => c.method === "sendMessage").map((c) => c.payload.chat_id);
    expect(limited).toBe(1);
    expect(done.has(slow)).toBe(false);
    expect(done.size).toBe(CHATS.length - 1);
    expect(sentTo()).not.toContain(slow);
    await vi.advanceTimersByTimeAsync(1_000);
    await settle();
    expect(done.has(slow)).toBe(true);
    expect(sentTo().filter((id) => id === slow)).toHaveLength(1);
  });
});

describe("a call's retries are bounded", () => {
  it("gives up on a call whose network keeps failing once the deadline passes (auto-retry alone would retry forever)", async () => {
    const t = createTestBot(world);
    let attempts = 0;
    t.bot.api.config.use(async () => {
      attempts++;
      throw new HttpError("Network request failed", new Error("ECONNRESET"));
    });
    installLimits(t.bot.api, { deadlineSeconds: 0.05 });
    await expect(t.bot.api.sendMessage(1, "x")).rejects.toThrow();
    expect(attempts).toBe(1);
  });
});
