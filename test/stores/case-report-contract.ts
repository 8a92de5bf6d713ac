/**
 * The dashboard's case reports, run against every DeskStore (memory and
 * PostgreSQL): the numbers checked by hand for one office, and for every scope
 * the store's answer equal to the reference computation in core/desk/report.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { computeReport, type ReportFilter, reportCases } from "../../src/core/desk/report.ts";
import type { DeskStore } from "../../src/stores.ts";
import { BANDUNG, BOGOR, CASES, CENTRAL, KANREG, NOW, seedDesk } from "../helpers/dashboard-seed.ts";

const M = 60_000;
const H = 60 * M;
const NOV = { from: Date.UTC(2026, 9, 31, 17), to: Date.UTC(2026, 10, 24, 17) };
const JAWA_BARAT = ["32", "32.01", "32.73", "32.02"];
const TITLES: Record<string, string> = {
  [BOGOR]: "BKPSDM Kab Bogor",
  [BANDUNG]: "BKPSDM Kota Bandung",
  [KANREG]: "Kanreg III BKN",
  [CENTRAL]: "Meja Pusat Pandu",
};

const bogor: ReportFilter = { ...NOV, scope: { all: false, instansi: ["32.01"], group: BOGOR } };

export function caseReportContract(name: string, make: () => Promise<DeskStore>) {
  describe(`case reports: ${name}`, () => {
    let store: DeskStore;
    beforeAll(async () => {
      store = await make();
      await seedDesk(store, JAWA_BARAT);
    });

    it("counts one office's month by hand: statuses, weeks, times (median, p90), ratings, staff, oldest open", async () => {
      const r = await store.caseReport(bogor);
      expect(r.total).toBe(7);
      expect(r.byStatus).toEqual({ resolved: 3, returned: 1, claimed: 1, open: 1, cancelled: 1 });
      expect(r.byType).toEqual({ email: 5, token: 1, mfa: 1 });
      expect(r.weeks.map((w) => [w.week, w.total])).toEqual([
        ["2026-11-02", 2],
        ["2026-11-09", 2],
        ["2026-11-16", 3],
      ]);
      expect(r.weeks[2]!.byStatus).toEqual({ claimed: 1, open: 1, cancelled: 1 });
      // First answers 20 m, 30 m, 1 h, 2 h, 4 h: median 1 h, p90 2 h + 0.6 × 2 h.
      expect(r.firstAnswer).toEqual({ n: 5, medianMs: 60 * M, p90Ms: 192 * M });
      // Closed 2 h, 5 h, 6 h, 24 h (the cancelled case does not count).
      expect(r.close).toEqual({ n: 4, medianMs: 5.5 * H, p90Ms: 18 * H + 36 * M });
      expect(r.ratings).toEqual({ n: 4, average: 4, distribution: [0, 0, 1, 2, 1] });
      expect(r.byGroup.map((g) => [g.key, g.label, g.cases])).toEqual([
        [BOGOR, "BKPSDM Kab Bogor", 6],
        [CENTRAL, "Meja Pusat Pandu", 1],
      ]);
      expect(r.byStaff.map((s) => [s.label, s.cases, s.closed])).toEqual([
        ["Sari Petugas", 2, 2],
        ["Joko Petugas", 2, 1],
        ["Pusat Rina", 1, 1],
      ]);
      expect(r.byInstansi).toEqual([
        expect.objectContaining({ key: "32.01", cases: 7, open: 2, closed: 4, ratings: 4, ratingAverage: 4 }),
      ]);
      // Whenever created: the October case first.
      expect(r.oldestOpen.map((c) => c.id)).toEqual(["6", "4", "5"]);
      expect(r.oldestOpen[1]).toEqual({
        id: "4",
        type: "mfa",
        status: "claimed",
        instansi: "32.01",
        group: BOGOR,
        createdAt: Date.UTC(2026, 10, 18, 2),
        claimedByName: "Joko Petugas",
      });
    });

    it.each<[string, ReportFilter]>([
      ["bot admin, November", { ...NOV, scope: { all: true } }],
      ["Bogor's admins", bogor],
      ["Bandung's admins", { ...NOV, scope: { all: false, instansi: ["32.73"], group: BANDUNG } }],
      ["the regional manager", { ...NOV, scope: { all: false, instansi: JAWA_BARAT, group: KANREG } }],
      ["the central desk", { ...NOV, scope: { all: false, instansi: [], group: CENTRAL } }],
      ["Bogor guessing Bandung's instansi", { ...bogor, only: "32.73" }],
      [
        "the manager narrowed to Bandung",
        { ...NOV, scope: { all: false, instansi: JAWA_BARAT, group: KANREG }, only: "32.73" },
      ],
      ["October", { from: Date.UTC(2026, 8, 30, 17), to: NOV.from, scope: { all: true } }],
      [
        "a period without cases",
        { from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 1, 1), scope: { all: true } },
      ],
    ])("equals the reference computation: %s", async (_label, filter) => {
      expect(await store.caseReport(filter)).toEqual(computeReport(CASES, filter, (g) => TITLES[g]));
    });

    it("an office never counts another office's cases (scope by instansi or own group only)", async () => {
      const guessed = await store.caseReport({ ...bogor, only: "32.73" });
      expect(guessed.total).toBe(0);
      expect(guessed.oldestOpen).toEqual([]);
      const bandung = await store.caseReport({
        ...NOV,
        scope: { all: false, instansi: ["32.73"], group: BANDUNG },
      });
      expect(bandung.total).toBe(3);
      expect(bandung.byGroup.map((g) => g.key)).toEqual([BANDUNG]);
    });

    it("lists a report's cases oldest first, within the limit", async () => {
      const rows = await store.reportCases(bogor, 100);
      expect(rows.map((c) => c.id)).toEqual(["11", "1", "2", "3", "4", "5", "7"]);
      expect(rows).toEqual(reportCases(CASES, bogor, 100));
      expect((await store.reportCases(bogor, 2)).map((c) => c.id)).toEqual(["11", "1"]);
      expect(await store.reportCases({ ...bogor, only: "32.73" }, 100)).toEqual([]);
    });

    it("lists every route", async () => {
      expect((await store.allRoutes()).map((r) => [r.instansi, r.group])).toEqual([
        ["32.01", BOGOR],
        ["32.73", BANDUNG],
      ]);
      expect(NOW).toBeGreaterThan(NOV.from);
    });
  });
}
