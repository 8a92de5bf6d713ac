/**
 * The intake without a channel: updates acknowledged once in their chat's
 * inbox, one chat at a time, lanes within their budgets, a flooding chat
 * holding one slot. Handlers are gates the test opens; everything is asserted
 * by counts and order, never by the clock.
 */
import { describe, expect, it } from "vitest";
import { MemoryChatStore } from "../src/adapters/memory/chat-store.ts";
import { HANDLER_STUCK_MS, POLL_STUCK_MS, updateLoopHealthy } from "../src/app/runtime.ts";
import { Intake, type IntakeOptions, type Lane } from "../src/intake.ts";
import { createLogger } from "../src/logger.ts";
import type { Lease } from "../src/stores.ts";

/** Lets pending promise chains run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** An intake whose handler records each update and, for chats in `blocked`, waits for `open(chat)`. */
function subject(options: Partial<IntakeOptions> = {}) {
  const store = new MemoryChatStore({ ttlSeconds: 600 });
  const handled: string[] = [];
  const notices: string[] = [];
  const blocked = new Map<string, (() => void)[]>();
  const intake = new Intake({
    store,
    log: createLogger({ level: "silent" }),
    async handle(payload: string, lease: Lease) {
      const gates = blocked.get(lease.chat);
      if (gates !== undefined) await new Promise<void>((resolve) => gates.push(resolve));
      handled.push(payload);
      await store.commit(lease, { last: payload });
    },
    notify: async (chat) => {
      notices.push(chat);
    },
    ...options,
  });
  let id = 0;
  return {
    store,
    intake,
    handled,
    notices,
    block: (chat: string) => blocked.set(chat, []),
    /** Lets every waiting update of the chat through, and the chat's later ones too. */
    open(chat: string) {
      const gates = blocked.get(chat) ?? [];
      blocked.delete(chat);
      for (const go of gates) go();
    },
    send: (chat: string, text: string, lane: Lane = "private") =>
      intake.accept({ chat, updateId: ++id, lane, payload: `${chat}:${text}` }),
  };
}

describe("intake", () => {
  it("acknowledges a busy chat's updates at once and handles them later, in order", async () => {
    const s = subject();
    s.block("a");
    const acks = await Promise.all([1, 2, 3].map((i) => s.send("a", `m${i}`)));
    expect(acks).toEqual(["queued", "queued", "queued"]);
    await settle();
    expect(s.handled).toEqual([]);
    s.open("a");
    await s.intake.idle();
    expect(s.handled).toEqual(["a:m1", "a:m2", "a:m3"]);
    expect(await s.store.peek("a")).toEqual({ last: "a:m3" });
  });

  it("a chat flooded with 600 updates holds one slot: another chat is handled while it is stuck; its excess is dropped with one notice", async () => {
    const s = subject({ concurrency: { private: 2 }, perChat: 11 });
    s.block("flood");
    const acks = await Promise.all(Array.from({ length: 600 }, (_, i) => s.send("flood", `f${i}`)));
    expect(acks.filter((a) => a === "queued")).toHaveLength(11);
    expect(acks.filter((a) => a === "dropped")).toHaveLength(589);
    await s.send("other", "hello");
    await settle();
    // Handled while the flooding chat has not got one update through.
    expect(s.handled).toEqual(["other:hello"]);
    expect(s.notices).toEqual(["flood"]);
    expect(s.intake.load.running.private).toBe(1);
    s.open("flood");
    await s.intake.idle();
    expect(s.handled.slice(1)).toEqual(Array.from({ length: 11 }, (_, i) => `flood:f${i}`));
  });

  it("groups have their own budget: twenty stuck groups do not keep a private chat waiting", async () => {
    const s = subject({ concurrency: { private: 4, group: 2 } });
    for (let g = 0; g < 20; g++) {
      s.block(`g${g}`);
      await s.send(`g${g}`, "/start", "group");
    }
    await s.send("user", "/start");
    await settle();
    expect(s.handled).toEqual(["user:/start"]);
    expect(s.intake.load).toEqual({ ready: { private: 0, group: 18 }, running: { private: 0, group: 2 } });
    for (let g = 0; g < 20; g++) s.open(`g${g}`);
    await s.intake.idle();
    expect(s.handled).toHaveLength(21);
  });

  it("a lane full of busy chats takes them in turn: a chat with a backlog goes to the back of the line", async () => {
    const s = subject({ concurrency: { private: 1 } });
    s.block("a");
    await s.send("a", "1");
    await s.send("a", "2");
    await s.send("a", "3");
    await s.send("b", "1");
    await s.send("c", "1");
    s.open("a");
    await s.intake.idle();
    expect(s.handled).toEqual(["a:1", "b:1", "c:1", "a:2", "a:3"]);
  });

  it("an update delivered again (a redelivery) is handled once", async () => {
    const s = subject();
    const update = { chat: "r", updateId: 99, lane: "private" as const, payload: "r:once" };
    expect(await s.intake.accept(update)).toBe("queued");
    await s.intake.idle();
    expect(await s.intake.accept(update)).toBe("duplicate");
    await s.intake.idle();
    expect(s.handled).toEqual(["r:once"]);
  });

  it("an update its handler does not commit is released, marked applied, and the chat goes on", async () => {
    const store = new MemoryChatStore({ ttlSeconds: 600 });
    const seen: string[] = [];
    const intake = new Intake({
      store,
      log: createLogger({ level: "silent" }),
      async handle(payload) {
        seen.push(payload);
        if (payload === "boom") throw new Error("handler bug");
      },
    });
    await intake.accept({ chat: "x", updateId: 1, lane: "private", payload: "boom" });
    await intake.accept({ chat: "x", updateId: 2, lane: "private", payload: "next" });
    await intake.idle();
    expect(seen).toEqual(["boom", "next"]);
    expect(
      (await intake.accept({ chat: "x", updateId: 1, lane: "private", payload: "boom" })) as string,
    ).toBe("duplicate");
  });

  it("the sweep takes in an inbox nobody handles", async () => {
    const s = subject();
    await s.store.admit("left", 5, "left:behind", { limit: 5, noticeMs: 1, claim: false });
    await s.intake.sweep();
    await s.intake.idle();
    expect(s.handled).toEqual(["left:behind"]);
  });

  it("stop with a store that is not durable works off what waits before it returns", async () => {
    const s = subject({ concurrency: { private: 1 } });
    s.block("a");
    await s.send("a", "1");
    await s.send("b", "1");
    const stopped = s.intake.stop();
    s.open("a");
    await stopped;
    expect(s.handled).toEqual(["a:1", "b:1"]);
  });
});

describe("a stuck update loop is visible (/readyz)", () => {
  it("the intake reports how long its longest-running handler has run; 0 once it is done", async () => {
    const s = subject();
    expect(s.intake.oldestRunningMs()).toBe(0);
    s.block("a");
    await s.send("a", "m1");
    await settle();
    const later = Date.now() + 125_000;
    expect(s.intake.oldestRunningMs(later)).toBeGreaterThanOrEqual(125_000 - 5_000);
    expect(updateLoopHealthy({ now: later, oldestRunningMs: s.intake.oldestRunningMs(later) })).toBe(false);
    s.open("a");
    await s.intake.idle();
    expect(s.intake.oldestRunningMs(later)).toBe(0);
    expect(updateLoopHealthy({ now: later, oldestRunningMs: 0 })).toBe(true);
  });

  it("polling that has not come back from getUpdates for 90 s is stuck; a webhook has no such heartbeat", () => {
    const now = 1_000_000;
    expect(updateLoopHealthy({ now, oldestRunningMs: 0, lastFetchAt: now - 31_000 })).toBe(true);
    expect(updateLoopHealthy({ now, oldestRunningMs: 0, lastFetchAt: now - POLL_STUCK_MS })).toBe(false);
    expect(updateLoopHealthy({ now, oldestRunningMs: HANDLER_STUCK_MS - 1 })).toBe(true);
    expect(updateLoopHealthy({ now, oldestRunningMs: HANDLER_STUCK_MS })).toBe(false);
  });
});
