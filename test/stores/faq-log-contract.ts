/**
 * What every FaqLog (memory, Redis) must do (issue 13, item 3): count gaps by
 * text with their best unsure hit, stay bounded (the best hit and the text of a
 * dropped gap go with it), forget gaps not asked within the retention period,
 * and forget one asking of a gap by its id (/hapusdata).
 */
import { describe, expect, it } from "vitest";
import { gapId, gapKey } from "../../src/core/faq-gap.ts";
import type { FaqLog } from "../../src/stores.ts";

const DAY = 24 * 3_600_000;
const T0 = Date.UTC(2026, 10, 24);

export interface FaqLogFixture {
  log: FaqLog;
  /** How many gap records (texts, best hits, last-seen times) the store holds, whatever it exposes. */
  stored(): Promise<{ texts: number; best: number; seen: number }>;
}

export function faqLogContract(
  name: string,
  make: (options: { max?: number; retentionDays?: number }) => Promise<FaqLogFixture>,
  skip = false,
) {
  describe.skipIf(skip)(`FaqLog contract: ${name}`, () => {
    it("counts gaps by text, keeps the best unsure hit, and counts votes", async () => {
      const { log } = await make({});
      await log.gap("Kapan  TUKIN cair?", "apa-itu-pdm", T0);
      await log.gap("kapan tukin cair?", undefined, T0 + 1);
      await log.gap("cuti bersama kapan?", undefined, T0 + 2);
      await log.feedback("token-tidak-masuk", true);
      await log.feedback("token-tidak-masuk", false);
      await log.feedback("token-tidak-masuk", true);
      expect(await log.gaps(10)).toEqual([
        { text: "kapan tukin cair?", count: 2, best: "apa-itu-pdm" },
        { text: "cuti bersama kapan?", count: 1 },
      ]);
      expect(await log.votes()).toEqual({ "token-tidak-masuk": { up: 2, down: 1 } });
    });

    it("stays bounded: the least asked gap goes, with its text and its best hit", async () => {
      const f = await make({ max: 3 });
      const ask = async (q: string, times: number) => {
        for (let i = 0; i < times; i++) await f.log.gap(q, `hit-${q}`, T0 + i);
      };
      await ask("satu?", 4);
      await ask("dua?", 3);
      await ask("tiga?", 2);
      await ask("empat?", 1);
      expect((await f.log.gaps(10)).map((g) => [g.text, g.count, g.best])).toEqual([
        ["satu?", 4, "hit-satu?"],
        ["dua?", 3, "hit-dua?"],
        ["tiga?", 2, "hit-tiga?"],
      ]);
      expect(await f.stored()).toEqual({ texts: 3, best: 3, seen: 3 });
    });

    it("forgets gaps not asked within the retention period (on purge and on the next gap)", async () => {
      const f = await make({ retentionDays: 90 });
      await f.log.gap("lama sekali?", "x", T0);
      await f.log.gap("baru saja?", "y", T0 + 80 * DAY);
      expect(await f.log.purge(T0 + 89 * DAY)).toBe(0);
      expect(await f.log.purge(T0 + 91 * DAY)).toBe(1);
      expect((await f.log.gaps(10)).map((g) => g.text)).toEqual(["baru saja?"]);
      await f.log.gap("lain lagi?", undefined, T0 + 171 * DAY); // "baru saja?" is now 91 days old
      expect((await f.log.gaps(10)).map((g) => g.text)).toEqual(["lain lagi?"]);
      expect(await f.stored()).toEqual({ texts: 1, best: 0, seen: 1 });
    });

    it("forgets one asking per id: a gap only that user asked is deleted, a shared one counts one less", async () => {
      const f = await make({});
      await f.log.gap("hanya saya?", "x", T0);
      await f.log.gap("bersama?", "y", T0);
      await f.log.gap("bersama?", "y", T0);
      await f.log.forget([gapId(gapKey("hanya saya?")), gapId(gapKey("bersama?")), "tidak-ada"]);
      expect(await f.log.gaps(10)).toEqual([{ text: "bersama?", count: 1, best: "y" }]);
      expect(await f.stored()).toEqual({ texts: 1, best: 1, seen: 1 });
    });
  });
}
