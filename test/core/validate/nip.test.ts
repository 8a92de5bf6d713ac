import { describe, expect, it } from "vitest";
import type { NipResult } from "../../../src/core/validate/nip.ts";
import { describeNip, formatNip, parseNip } from "../../../src/core/validate/nip.ts";

const TODAY = { year: 2026, month: 5, day: 10 };

function valid(result: NipResult): Extract<NipResult, { valid: true }> {
  if (!result.valid) throw new Error(`expected a valid NIP, got ${JSON.stringify(result.errors)}`);
  return result;
}

describe("parseNip: valid numbers", () => {
  it.each([
    ["PNS, plain", "198609262015051001"],
    ["PNS, display spacing", "19860926 201505 1 001"],
    ["PNS, dots", "19860926.201505.1.001"],
    ["PNS, dashes", "19860926-201505-1-001"],
    ["PNS, underscores and slashes", "19860926_201505/1/001"],
    ["PNS, NBSP and narrow NBSP", "19860926\u00a0201505\u202f1 001"],
    ["PNS, en dash and zero-width space", "19860926\u2013201505\u200b1\u2013001"],
    ["PNS, surrounding white space and newline", "  198609262015051001\n"],
    ["PNS, fullwidth digits", "１９８６０９２６２０１５０５１００１"],
    ["PNS, Arabic-Indic digits", "١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١"],
    ["PNS, Extended Arabic-Indic digits", "۱۹۸۶۰۹۲۶۲۰۱۵۰۵۱۰۰۱"],
    ["PNS, Devanagari digits", "१९८६०९२६२०१५०५१००१"],
    ["PNS, mixed scripts with spaces", "１９８６0926 ٢٠١٥05 1 001"],
    ["PNS, pasted with label", "NIP: 19860926 201505 1 001"],
  ])("%s", (_label, input) => {
    const r = valid(parseNip(input, TODAY));
    expect(r.kind).toBe("PNS");
    expect(r.nip).toBe("198609262015051001");
    expect(r.formatted).toBe("19860926 201505 1 001");
    expect(r.fields).toEqual({
      birthDate: "1986-09-26",
      tmtYear: 2015,
      tmtMonth: 5,
      pppkCode: null,
      gender: "L",
      sequence: 1,
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it.each([
    [
      "NI PPPK, first contract (code 21)",
      "200012312024211001",
      { birthDate: "2000-12-31", tmtYear: 2024, tmtMonth: null, pppkCode: "21", gender: "L", sequence: 1 },
    ],
    [
      "NI PPPK paruh waktu example (code 24, female, #014)",
      "199009132025242014",
      { birthDate: "1990-09-13", tmtYear: 2025, tmtMonth: null, pppkCode: "24", gender: "P", sequence: 14 },
    ],
    [
      "NI PPPK with spaces",
      "20001231 2024 21 1 001",
      { birthDate: "2000-12-31", tmtYear: 2024, tmtMonth: null, pppkCode: "21", gender: "L", sequence: 1 },
    ],
    [
      "PNS born on a leap day, TMT January",
      "198802292010011123",
      { birthDate: "1988-02-29", tmtYear: 2010, tmtMonth: 1, pppkCode: null, gender: "L", sequence: 123 },
    ],
    [
      "PNS with TMT this very month",
      "199001012026052999",
      { birthDate: "1990-01-01", tmtYear: 2026, tmtMonth: 5, pppkCode: null, gender: "P", sequence: 999 },
    ],
    [
      "PNS born 2000-02-29 (divisible by 400)",
      "200002292020101001",
      { birthDate: "2000-02-29", tmtYear: 2020, tmtMonth: 10, pppkCode: null, gender: "L", sequence: 1 },
    ],
  ])("%s", (_label, input, fields) => {
    const r = valid(parseNip(input, TODAY));
    expect(r.fields).toEqual(fields);
    expect(r.kind).toBe(fields.tmtMonth === null ? "PPPK" : "PNS");
  });

  it.each([
    ["code 21: no warning", "200012312024211001", []],
    ["code 24: warning about uncertain meaning", "199009132025242014", ["pppk-code"]],
    ["code 23: warning", "199009132025232014", ["pppk-code"]],
    ["code 20: warning", "199009132025202014", ["pppk-code"]],
  ])("PPPK %s", (_label, input, codes) => {
    const r = valid(parseNip(input, TODAY));
    expect(r.warnings.map((w) => w.code)).toEqual(codes);
  });

  it("says the meaning of PPPK code 24 is uncertain, without claiming it", () => {
    const r = valid(parseNip("199009132025242014", TODAY));
    const message = r.warnings[0]?.message ?? "";
    expect(message).toContain("belum pasti");
    expect(message).toContain("paruh waktu");
    expect(message).toContain("perjanjian kerja ke-4");
  });
});

describe("parseNip: errors", () => {
  it.each([
    ["17 digits", "19860926201505100", "length", "NIP Anda 17 digit; NIP/NI PPPK selalu 18 digit."],
    ["19 digits", "1986092620150510011", "length", "NIP Anda 19 digit; NIP/NI PPPK selalu 18 digit."],
    [
      "17 digits with spaces",
      "19860926 201505 1 00",
      "length",
      "NIP Anda 17 digit; NIP/NI PPPK selalu 18 digit.",
    ],
    ["empty", "", "empty", "NIP belum diisi. Ketik 18 digit NIP/NI PPPK Anda."],
    ["only separators", "  - . ", "empty", "NIP belum diisi. Ketik 18 digit NIP/NI PPPK Anda."],
    [
      "letter O for zero",
      "1986O9262015051001",
      "non-digit",
      'NIP hanya boleh berisi angka, tetapi ada "O" (huruf O, bukan angka 0?).',
    ],
    [
      "letter o for zero",
      "19860926 2o15 05 1 001",
      "non-digit",
      'NIP hanya boleh berisi angka, tetapi ada "o" (huruf o, bukan angka 0?).',
    ],
    [
      "letter l for one",
      "l98609262015051001",
      "non-digit",
      'NIP hanya boleh berisi angka, tetapi ada "l" (huruf l, bukan angka 1?).',
    ],
    [
      "other letters",
      "19860926x2015051001y",
      "non-digit",
      'NIP hanya boleh berisi angka, tetapi ada "x", "y".',
    ],
    ["comma", "19860926,201505,1,001", "non-digit", 'NIP hanya boleh berisi angka, tetapi ada ",".'],
    [
      "TMT month 13",
      "198609262015131001",
      "tmt-month",
      "Bulan TMT CPNS 13 tidak ada (digit 13–14 harus 01–12).",
    ],
    [
      "TMT month 00",
      "198609262015001001",
      "tmt-month",
      "Bulan TMT CPNS 00 tidak ada (digit 13–14 harus 01–12).",
    ],
    [
      "birth date 30 February",
      "198602302015051001",
      "birth-date",
      "Tanggal lahir (digit 1–8) salah: tanggal 30-02 tidak ada.",
    ],
    [
      "birth date 31 April",
      "198604312015051001",
      "birth-date",
      "Tanggal lahir (digit 1–8) salah: tanggal 31-04 tidak ada.",
    ],
    [
      "29 February in a non-leap year",
      "198702292015051001",
      "birth-date",
      "Tanggal lahir (digit 1–8) salah: 29-02-1987 tidak ada karena 1987 bukan tahun kabisat.",
    ],
    [
      "birth month 13",
      "198613262015051001",
      "birth-date",
      "Tanggal lahir (digit 1–8) salah: bulan lahir 13 tidak ada.",
    ],
    [
      "birth day 00",
      "198609002015051001",
      "birth-date",
      "Tanggal lahir (digit 1–8) salah: tanggal lahir 00 tidak ada.",
    ],
    [
      "gender 3",
      "198609262015053001",
      "gender",
      "Digit ke-15 (jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan); di NIP Anda 3.",
    ],
    [
      "sequence 000",
      "198609262015051000",
      "sequence",
      "Nomor urut (digit 16–18) tidak boleh 000; mulai dari 001.",
    ],
    [
      "digit 13 is 5",
      "198609262015551001",
      "kind-digit",
      "Digit ke-13 harus 0/1 (PNS) atau 2 (PPPK); di NIP Anda 5.",
    ],
    [
      "birth year 1900",
      "190009262015051001",
      "birth-year",
      "Tahun lahir 1900 (digit 1–4) tidak wajar; seharusnya 1940–2009.",
    ],
    [
      "TMT CPNS later this year",
      "198609262026121001",
      "tmt-year",
      "TMT CPNS Desember 2026 (digit 9–14) belum terjadi.",
    ],
    [
      "TMT CPNS in a future year",
      "198609262030011001",
      "tmt-year",
      "TMT CPNS Januari 2030 (digit 9–14) belum terjadi.",
    ],
    [
      "TMT CPNS before 1960",
      "194001011959011001",
      "tmt-year",
      "Tahun TMT CPNS 1959 (digit 9–12) tidak wajar; seharusnya 1960–2026.",
    ],
    [
      "PPPK year before 2019",
      "199009132015212014",
      "tmt-year",
      "Tahun pengangkatan PPPK 2015 (digit 9–12) tidak wajar; PPPK baru ada sejak 2019.",
    ],
    [
      "PPPK year in the future",
      "199009132027212014",
      "tmt-year",
      "Tahun pengangkatan PPPK 2027 (digit 9–12) belum terjadi.",
    ],
  ])("%s", (_label, input, code, message) => {
    const r = parseNip(input, TODAY);
    expect(r.valid).toBe(false);
    expect(r.formatted).toBeNull();
    expect(r.fields).toBeNull();
    expect(r.errors).toEqual([{ code, message }]);
  });

  it.each([
    ["TMT month 13 and gender 3", "198609262015133001", ["tmt-month", "gender"]],
    ["birth month 13, gender 0, sequence 000", "198613262015050000", ["birth-date", "gender", "sequence"]],
    ["Feb 30, digit 13 = 7, gender 9", "198602302015779001", ["birth-date", "kind-digit", "gender"]],
    ["born 2010 with TMT 2015", "201001012015051001", ["birth-year", "tmt-before-adult"]],
    ["PPPK born 2008, appointed 2024", "200801012024211001", ["tmt-before-adult"]],
    ["PNS TMT 16 years 11 months after birth", "199006152007051001", ["tmt-before-adult"]],
  ])("collects every error: %s", (_label, input, codes) => {
    const r = parseNip(input, TODAY);
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => e.code)).toEqual(codes);
  });

  it.each([
    ["PNS (digit 13 = 1) with a bad gender", "198609262015103001", "PNS"],
    ["PNS (digit 13 = 0) with sequence 000", "198609262015051000", "PNS"],
    ["PPPK (digit 13 = 2) with a bad gender", "200012312024215001", "PPPK"],
    ["PPPK (digit 13 = 2) with birth month 13", "200013312024211001", "PPPK"],
    ["unknown digit 13", "198609262015951001", null],
    ["too short to tell", "2000123120242110", null],
  ])("sets kind when digit 13 tells it: %s", (_label, input, kind) => {
    const r = parseNip(input, TODAY);
    expect(r.valid).toBe(false);
    expect(r.kind).toBe(kind);
  });

  it.each([
    ["17 digits", "1986 0926 2015 0510 0", "19860926201505100"],
    ["letters inside", "1986a0926", "19860926"],
    ["Arabic-Indic, too short", "١٩٨٦", "1986"],
  ])("keeps the ASCII digits found so far: %s", (_label, input, nip) => {
    expect(parseNip(input, TODAY).nip).toBe(nip);
  });

  it("uses today's date for the plausibility windows", () => {
    const nextMonth = "199001012026061001"; // TMT CPNS June 2026
    expect(parseNip(nextMonth, TODAY).errors.map((e) => e.code)).toEqual(["tmt-year"]);
    expect(parseNip(nextMonth, { year: 2026, month: 6, day: 1 }).valid).toBe(true);
    const later = "201001012030061001"; // born 2010, TMT CPNS June 2030
    expect(parseNip(later, TODAY).errors.map((e) => e.code)).toEqual(["birth-year", "tmt-year"]);
    expect(parseNip(later, { year: 2030, month: 12, day: 31 }).valid).toBe(true);
  });
});

describe("describeNip", () => {
  it.each([
    ["PNS", "198609262015051001", "PNS · lahir 26-09-1986 · TMT CPNS Mei 2015 · laki-laki · nomor urut 001"],
    [
      "PPPK code 21",
      "200012312024211001",
      "PPPK · lahir 31-12-2000 · tahun pengangkatan 2024 · kode PPPK 21 · laki-laki · nomor urut 001",
    ],
    [
      "PPPK code 24 (uncertain)",
      "199009132025242014",
      "PPPK · lahir 13-09-1990 · tahun pengangkatan 2025 · kode PPPK 24 (arti belum pasti) · perempuan · nomor urut 014",
    ],
    [
      "PNS female, December",
      "196804111993122009",
      "PNS · lahir 11-04-1968 · TMT CPNS Desember 1993 · perempuan · nomor urut 009",
    ],
  ])("%s", (_label, input, text) => {
    expect(describeNip(valid(parseNip(input, TODAY)))).toBe(text);
  });
});

describe("formatNip", () => {
  it.each([
    ["PNS", "198609262015051001", "19860926 201505 1 001"],
    ["PPPK", "200012312024211001", "20001231 202421 1 001"],
    ["not 18 digits: unchanged", "12345", "12345"],
    ["non-digits: unchanged", "19860926201505100x", "19860926201505100x"],
  ])("%s", (_label, input, out) => {
    expect(formatNip(input)).toBe(out);
  });
});
