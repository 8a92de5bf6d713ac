/**
 * The dashboard's store contract (memory and PostgreSQL): one-time links, sessions,
 * and the journey and FAQ-use aggregates that several instances add to.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { JourneyLog, SignInStore } from "../../src/stores.ts";

const T = Date.UTC(2026, 10, 24, 3);
const ADMIN = { user: "tg:1", name: "Admin" };
const OFFICE = { user: "tg:900", name: "Kepala", group: "tg:-100500" };
const step = (
  flow: string,
  state: string,
  c: Partial<Record<"entered" | "wentOn" | "completed" | "invalid", number>>,
) => ({
  flow,
  state,
  entered: c.entered ?? 0,
  wentOn: c.wentOn ?? 0,
  completed: c.completed ?? 0,
  invalid: c.invalid ?? 0,
});

export function dashboardStoreContract(name: string, make: () => Promise<SignInStore & JourneyLog>) {
  describe(`dashboard store: ${name}`, () => {
    let store: SignInStore & JourneyLog;
    beforeEach(async () => {
      store = await make();
    });

    it("a link signs in once, before it expires", async () => {
      await store.saveLink("h1", OFFICE, T + 600_000);
      expect(await store.takeLink("h1", T)).toEqual(OFFICE);
      expect(await store.takeLink("h1", T)).toBeUndefined();
      await store.saveLink("h2", ADMIN, T + 600_000);
      expect(await store.takeLink("h2", T + 600_000)).toBeUndefined();
      expect(await store.takeLink("h2", T)).toBeUndefined(); // an expired link is gone, not kept
      expect(await store.takeLink("unknown", T)).toBeUndefined();
    });

    it("two taps on one link at once: one session", async () => {
      await store.saveLink("h3", OFFICE, T + 600_000);
      const taken = await Promise.all([
        store.takeLink("h3", T),
        store.takeLink("h3", T),
        store.takeLink("h3", T),
      ]);
      expect(taken.filter((p) => p !== undefined)).toEqual([OFFICE]);
    });

    it("a session lasts until it expires or ends; purge removes the expired", async () => {
      await store.saveSession("s1", ADMIN, T + 1000);
      await store.saveSession("s2", OFFICE, T + 5000);
      await store.saveLink("l1", OFFICE, T + 10);
      expect(await store.session("s1", T)).toEqual(ADMIN);
      expect(await store.session("s1", T + 1000)).toBeUndefined();
      await store.endSession("s2");
      expect(await store.session("s2", T)).toBeUndefined();
      await store.saveSession("s3", OFFICE, T + 9000);
      expect(await store.purgeSignIns(T + 2000)).toBe(2); // s1 and l1
      expect(await store.session("s3", T + 2000)).toEqual(OFFICE);
    });

    it("journey counts add up across flushes and instances, per day and hour; FAQ uses per entry", async () => {
      const hour = Date.UTC(2026, 10, 23, 20); // 24 Nov 03:00 WIB
      await store.addJourneys({
        days: [
          { day: "2026-11-23", ...step("aktivasi", "d-nip", { entered: 5, wentOn: 3, invalid: 2 }) },
          { day: "2026-11-24", ...step("aktivasi", "d-nip", { entered: 2, wentOn: 2 }) },
          { day: "2026-11-24", ...step("aktivasi", "selesai", { entered: 1, completed: 1 }) },
        ],
        hours: [
          { hour, ...step("aktivasi", "d-nip", { entered: 2, wentOn: 2 }) },
          { hour: hour - 30 * 3_600_000, ...step("aktivasi", "d-nip", { entered: 5, wentOn: 3 }) },
        ],
        faq: [
          { day: "2026-11-23", entry: "token-tidak-masuk", used: 3, unsure: 1 },
          { day: "2026-11-24", entry: "token-tidak-masuk", used: 1, unsure: 0 },
          { day: "2026-11-24", entry: "cara-aktivasi", used: 2, unsure: 0 },
        ],
      });
      // A second instance flushing the same keys.
      await store.addJourneys({
        days: [{ day: "2026-11-24", ...step("aktivasi", "d-nip", { entered: 1, invalid: 4 }) }],
        hours: [{ hour, ...step("aktivasi", "d-nip", { entered: 1 }) }],
        faq: [{ day: "2026-11-24", entry: "cara-aktivasi", used: 1, unsure: 2 }],
      });
      expect(await store.steps("2026-11-23", "2026-11-24")).toEqual([
        step("aktivasi", "d-nip", { entered: 8, wentOn: 5, invalid: 6 }),
        step("aktivasi", "selesai", { entered: 1, completed: 1 }),
      ]);
      expect(await store.steps("2026-11-24", "2026-11-24")).toEqual([
        step("aktivasi", "d-nip", { entered: 3, wentOn: 2, invalid: 4 }),
        step("aktivasi", "selesai", { entered: 1, completed: 1 }),
      ]);
      expect(await store.steps("2026-12-01", "2026-12-31")).toEqual([]);
      expect(await store.recentSteps(hour - 24 * 3_600_000)).toEqual([
        step("aktivasi", "d-nip", { entered: 3, wentOn: 2 }),
      ]);
      expect(await store.faqUses("2026-11-23", "2026-11-24")).toEqual([
        { entry: "cara-aktivasi", used: 3, unsure: 2 },
        { entry: "token-tidak-masuk", used: 4, unsure: 1 },
      ]);
      expect(await store.faqUses("2026-11-23", "2026-11-23")).toEqual([
        { entry: "token-tidak-masuk", used: 3, unsure: 1 },
      ]);
      expect(await store.purgeHours(hour - 24 * 3_600_000)).toBe(1);
      expect(await store.recentSteps(0)).toEqual([step("aktivasi", "d-nip", { entered: 3, wentOn: 2 })]);
    });

    it("an empty batch changes nothing", async () => {
      await store.addJourneys({ days: [], hours: [], faq: [] });
      expect(await store.steps("2000-01-01", "2100-01-01")).toEqual([]);
    });
  });
}
