import { beforeAll, describe, expect, it } from "vitest";
import { JourneyCounter, type TrackEffect, toBatch } from "../../src/adapters/journey-counter.ts";
import { MemoryDashboardStore } from "../../src/adapters/memory/dashboard-store.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import type { JourneyBatch, JourneyLog } from "../../src/stores.ts";
import { createTestBot } from "../helpers/bot-harness.ts";

const T = Date.UTC(2026, 10, 24, 3, 15); // 10:15 WIB
const HOUR = Date.UTC(2026, 10, 24, 3);
const track = (event: TrackEffect["event"], key: string, detail?: string): TrackEffect => {
  const [flow = "", state = ""] = key.split("/");
  return detail === undefined
    ? { type: "track", event, flow, state }
    : { type: "track", event, flow, state, detail };
};
const counts = (entered: number, wentOn: number, completed = 0, invalid = 0) => ({
  entered,
  wentOn,
  completed,
  invalid,
});

describe("JourneyCounter", () => {
  it("counts entries, moves on, completions, invalid answers and FAQ uses; a step entered from itself counts nothing", async () => {
    const store = new MemoryDashboardStore();
    const counter = new JourneyCounter(store, { now: () => T });
    counter.track(track("enter", "aktivasi/mulai", "menu/mulai"));
    counter.track(track("invalid", "aktivasi/mulai", "1"));
    counter.track(track("enter", "aktivasi/nip-cek", "aktivasi/mulai"));
    counter.track(track("enter", "aktivasi/nip-cek", "aktivasi/nip-cek"));
    counter.track(track("enter", "aktivasi/selesai", "aktivasi/nip-cek"));
    counter.track(track("complete", "aktivasi/selesai"));
    counter.track(track("faq", "menu/mulai", "token-tidak-masuk"));
    counter.track(track("faq-unsure", "menu/mulai", "cara-aktivasi"));
    counter.track(track("stale", "menu/mulai", "forged"));
    counter.track(track("faq", "menu/mulai"));
    await counter.flush();
    expect(await store.steps("2026-11-24", "2026-11-24")).toEqual([
      { flow: "aktivasi", state: "mulai", ...counts(1, 1, 0, 1) },
      { flow: "aktivasi", state: "nip-cek", ...counts(1, 1) },
      { flow: "aktivasi", state: "selesai", ...counts(1, 0, 1) },
      { flow: "menu", state: "mulai", ...counts(0, 1) },
    ]);
    expect(await store.recentSteps(HOUR)).toHaveLength(4);
    expect(await store.faqUses("2026-11-24", "2026-11-24")).toEqual([
      { entry: "cara-aktivasi", used: 0, unsure: 1 },
      { entry: "token-tidak-masuk", used: 1, unsure: 0 },
    ]);
  });

  it("sums hours into WIB days: 23:30 UTC belongs to the next day", () => {
    const steps = new Map([
      [`${Date.UTC(2026, 10, 23, 16)}\taktivasi\tmulai`, counts(2, 1)],
      [`${Date.UTC(2026, 10, 23, 17)}\taktivasi\tmulai`, counts(3, 0)],
      [`${Date.UTC(2026, 10, 23, 23)}\taktivasi\tmulai`, counts(1, 1)],
    ]);
    const batch = toBatch(
      steps,
      new Map([[`${Date.UTC(2026, 10, 23, 18)}\tcara-aktivasi`, { used: 2, unsure: 0 }]]),
    );
    expect(batch.days).toEqual([
      { day: "2026-11-23", flow: "aktivasi", state: "mulai", ...counts(2, 1) },
      { day: "2026-11-24", flow: "aktivasi", state: "mulai", ...counts(4, 1) },
    ]);
    expect(batch.hours).toHaveLength(3);
    expect(batch.faq).toEqual([{ day: "2026-11-24", entry: "cara-aktivasi", used: 2, unsure: 0 }]);
  });

  it("keeps the counts of a failed flush for the next one, and flushes at stop", async () => {
    const memory = new MemoryDashboardStore();
    let fail = true;
    const flaky: JourneyLog = Object.assign(Object.create(memory) as JourneyLog, {
      addJourneys: async (batch: JourneyBatch) => {
        if (fail) throw new Error("database down");
        await memory.addJourneys(batch);
      },
    });
    const counter = new JourneyCounter(flaky, { now: () => T });
    counter.track(track("enter", "aktivasi/mulai", "menu/mulai"));
    await expect(counter.flush()).rejects.toThrow("database down");
    counter.track(track("enter", "aktivasi/mulai", "menu/mulai"));
    fail = false;
    await counter.stop();
    expect(await memory.steps("2026-11-24", "2026-11-24")).toContainEqual({
      flow: "aktivasi",
      state: "mulai",
      ...counts(2, 0),
    });
  });

  it("deletes hourly rows past their keep time when it flushes (at most hourly)", async () => {
    const store = new MemoryDashboardStore();
    await store.addJourneys({
      days: [],
      faq: [],
      hours: [{ hour: T - 4 * 24 * 3_600_000, flow: "a", state: "b", ...counts(1, 0) }],
    });
    await new JourneyCounter(store, { now: () => T }).flush();
    expect(await store.recentSteps(0)).toEqual([]);
  });
});

describe("journeys through the real bot", () => {
  let world: World;
  beforeAll(async () => {
    world = await loadWorld();
  });

  it("a user's walk from the menu into the activation flow reaches the daily aggregates", async () => {
    const store = new MemoryDashboardStore();
    const counter = new JourneyCounter(store, { now: () => T });
    const t = createTestBot(world, { hooks: { track: (e) => counter.track(e) }, now: () => T });
    await t.text(77, "/start");
    const start = t.calls.filter((c) => c.method === "sendMessage").at(-1)!;
    const keyboard = (
      start.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard.flat();
    await t.tap(77, keyboard.find((b) => b.text.includes("Aktivasi"))!.callback_data);
    await t.text(77, "12345"); // not a NIP: an invalid answer at aktivasi/mulai
    await t.text(77, "198609262015051001");
    await counter.flush();
    const steps = await store.steps("2026-11-24", "2026-11-24");
    const of = (state: string) => steps.find((s) => `${s.flow}/${s.state}` === state);
    expect(of("aktivasi/mulai")).toEqual({ flow: "aktivasi", state: "mulai", ...counts(1, 1, 0, 1) });
    expect(of("aktivasi/nip-cek")).toEqual({ flow: "aktivasi", state: "nip-cek", ...counts(1, 0) });
    expect(of("menu/mulai")?.wentOn).toBe(1);
  });
});
