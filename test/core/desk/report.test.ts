import { describe, expect, it } from "vitest";
import {
  formatDay,
  formatDuration,
  formatNumber,
  HIDDEN,
  inScope,
  maskFields,
  mondayOf,
  ownsCase,
  parseDay,
  parsePeriod,
  percentile,
  toCsv,
  weeksBetween,
  wibDay,
} from "../../../src/core/desk/report.ts";

describe("percentile (as PostgreSQL's percentile_cont)", () => {
  it.each([
    [[], 0.5, undefined],
    [[7], 0.9, 7],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[20, 30, 60, 120, 240], 0.9, 192],
    [[240, 20, 120, 60, 30], 0.5, 60],
  ])("%j at %d → %d", (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

describe("WIB days and weeks", () => {
  it("a moment's WIB day, and a day's WIB midnight", () => {
    expect(wibDay(Date.UTC(2026, 10, 23, 16, 59))).toBe("2026-11-23");
    expect(wibDay(Date.UTC(2026, 10, 23, 17, 0))).toBe("2026-11-24");
    expect(parseDay("2026-11-24")).toBe(Date.UTC(2026, 10, 23, 17));
  });

  it.each(["2026-13-01", "2026-02-30", "24-11-2026", "", "2026-11-24T00:00", undefined, null])(
    "refuses %j as a day",
    (text) => {
      expect(parseDay(text)).toBeUndefined();
    },
  );

  it("weeks start on Monday in WIB, and a period's weeks have no gap", () => {
    expect(mondayOf(Date.UTC(2026, 10, 22, 16, 59))).toBe("2026-11-16"); // Sunday 23:59 WIB
    expect(mondayOf(Date.UTC(2026, 10, 22, 17, 0))).toBe("2026-11-23"); // Monday 00:00 WIB
    expect(weeksBetween(parseDay("2026-11-01")!, parseDay("2026-11-25")!)).toEqual([
      "2026-10-26",
      "2026-11-02",
      "2026-11-09",
      "2026-11-16",
      "2026-11-23",
    ]);
  });
});

describe("parsePeriod", () => {
  const now = Date.UTC(2026, 10, 24, 3);
  it("the month so far by default, both days included", () => {
    expect(parsePeriod(undefined, undefined, now).period).toEqual({
      from: parseDay("2026-11-01"),
      to: parseDay("2026-11-25"),
      fromDay: "2026-11-01",
      toDay: "2026-11-24",
    });
  });
  it("swaps a reversed period, caps a long one, and says so", () => {
    const swapped = parsePeriod("2026-11-10", "2026-11-01", now);
    expect(swapped.period.fromDay).toBe("2026-11-01");
    expect(swapped.notice).toContain("ditukar");
    const long = parsePeriod("2020-01-01", "2026-11-24", now);
    expect(long.period.fromDay).toBe("2025-11-24");
    expect(long.notice).toContain("366");
    expect(parsePeriod("kemarin", "2026-11-01", now).notice).toContain("Tanggal tidak dikenali");
  });
});

describe("scope", () => {
  const bogor = { all: false as const, instansi: ["32.01"], group: "tg:-1" };
  it.each([
    [{ instansi: "32.01", group: "tg:-9" }, undefined, true, false],
    [{ instansi: "32.73", group: "tg:-1" }, undefined, true, true],
    [{ instansi: "32.73", group: "tg:-9" }, undefined, false, false],
    [{ group: "tg:-9" }, undefined, false, false],
    [{ instansi: "32.01", group: "tg:-1" }, "32.73", false, true],
  ])("case %j narrowed to %s: in scope %s, owned %s", (c, only, counted, owned) => {
    expect(inScope(c, bogor, only)).toBe(counted);
    expect(ownsCase(c, bogor)).toBe(owned);
  });
  it("a bot admin counts everything and owns nothing", () => {
    expect(inScope({ group: "tg:-9" }, { all: true })).toBe(true);
    expect(ownsCase({ group: "tg:-9" }, { all: true })).toBe(false);
  });
});

describe("maskFields", () => {
  it("masks NIP, name and emails by shape, keeps what buttons set, hides anything else typed", () => {
    expect(
      maskFields({
        nip: "198609262015051001",
        nama: "Budi Santoso",
        "email-lama": "budi.lama@gmail.com",
        "email-baru": "bukan email",
        instansi: "32.01",
        jalur: "digital",
        masalah: "QR code MFA tidak muncul",
        pertanyaan: "saya Budi, NIP 198609262015051001",
      }),
    ).toEqual({
      nip: "1986••••••••••1001",
      nama: "B••• S•••",
      "email-lama": "b•••@g•••.com",
      "email-baru": HIDDEN,
      instansi: "32.01",
      jalur: "digital",
      masalah: "QR code MFA tidak muncul",
      pertanyaan: HIDDEN,
    });
  });
});

describe("toCsv", () => {
  it("quotes, escapes and keeps formulas as text, with a BOM", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ['=HYPERLINK("x")', 'kata "kutip", koma'],
          [undefined, -3],
          ["@cmd", "+62 812"],
        ],
      ),
    ).toBe('\uFEFFa,b\r\n"\'=HYPERLINK(""x"")","kata ""kutip"", koma"\r\n,-3\r\n\'@cmd,\'+62 812\r\n');
  });
});

describe("Indonesian formatting", () => {
  it.each([
    [1234567, 0, "1.234.567"],
    [4.25, 1, "4,3"],
    [0, 0, "0"],
    [-1500, 0, "-1.500"],
  ])("formatNumber(%d, %d) = %s", (n, d, s) => {
    expect(formatNumber(n, d)).toBe(s);
  });
  it.each([
    [undefined, "-"],
    [45 * 60_000, "45 menit"],
    [3 * 3_600_000, "3 jam"],
    [3.5 * 3_600_000, "3,5 jam"],
    [4 * 24 * 3_600_000, "4 hari"],
  ])("formatDuration(%s) = %s", (ms, s) => {
    expect(formatDuration(ms)).toBe(s);
  });
  it("formats a day", () => {
    expect(formatDay("2026-11-03")).toBe("3 Nov 2026");
    expect(formatDay("2026-05-23", false)).toBe("23 Mei");
  });
});
