import { describe, expect, it } from "vitest";
import {
  checkPassword,
  describePolicy,
  formatPasswordCheck,
  PasswordPolicy,
} from "../../../src/core/validate/password.ts";

const MYSAPK = PasswordPolicy.parse({
  id: "mysapk-2021",
  label: "MySAPK (2019–2021)",
  minLength: 6,
  upper: 1,
  digit: 1,
  source: "Surat Sekda 800/3196/2021",
});

const ASN_DIGITAL = PasswordPolicy.parse({
  id: "asn-digital-2025",
  label: "ASN Digital",
  minLength: 12,
  upper: 1,
  lower: 1,
  digit: 1,
  symbol: 1,
});

const LENGTH_ONLY = PasswordPolicy.parse({ id: "myasn-2024", label: "MyASN", minLength: 8 });

const TWO_DIGITS = PasswordPolicy.parse({ id: "two-digits", label: "Uji", minLength: 4, digit: 2 });

type Summary = Record<string, [have: number, ok: boolean]>;

function summary(candidate: string, policy: PasswordPolicy): Summary {
  return Object.fromEntries(checkPassword(candidate, policy).rules.map((r) => [r.rule, [r.have, r.ok]]));
}

describe("PasswordPolicy schema", () => {
  it("defaults missing class counts to 0", () => {
    expect(LENGTH_ONLY).toEqual({
      id: "myasn-2024",
      label: "MyASN",
      minLength: 8,
      upper: 0,
      lower: 0,
      digit: 0,
      symbol: 0,
    });
  });

  it.each([
    ["unknown key", { id: "a", label: "A", minLength: 6, uppercase: 1 }],
    ["bad id", { id: "ASN Digital", label: "A", minLength: 6 }],
    ["zero length", { id: "a", label: "A", minLength: 0 }],
    ["negative count", { id: "a", label: "A", minLength: 6, digit: -1 }],
    ["fractional count", { id: "a", label: "A", minLength: 6, symbol: 0.5 }],
  ])("rejects %s", (_label, raw) => {
    expect(PasswordPolicy.safeParse(raw).success).toBe(false);
  });
});

describe("checkPassword", () => {
  it.each([
    ["MySAPK ok", "Abcde1", MYSAPK, true, { length: [6, true], upper: [1, true], digit: [1, true] }],
    [
      "MySAPK missing upper and digit",
      "abcdef",
      MYSAPK,
      false,
      { length: [6, true], upper: [0, false], digit: [0, false] },
    ],
    ["MySAPK too short", "Ab1", MYSAPK, false, { length: [3, false], upper: [1, true], digit: [1, true] }],
    [
      "ASN Digital ok",
      "Rahasia#2025x",
      ASN_DIGITAL,
      true,
      { length: [13, true], upper: [1, true], lower: [7, true], digit: [4, true], symbol: [1, true] },
    ],
    [
      "ASN Digital missing length and symbol",
      "Rahasia2025",
      ASN_DIGITAL,
      false,
      { length: [11, false], upper: [1, true], lower: [6, true], digit: [4, true], symbol: [0, false] },
    ],
    [
      "emoji counts as one character and as a symbol",
      "Rahasia2025🔒",
      ASN_DIGITAL,
      true,
      { length: [12, true], upper: [1, true], lower: [6, true], digit: [4, true], symbol: [1, true] },
    ],
    [
      "Unicode letters have case; a space is not a symbol",
      "Ärger ölig 12",
      ASN_DIGITAL,
      false,
      { length: [13, true], upper: [1, true], lower: [8, true], digit: [2, true], symbol: [0, false] },
    ],
    ["length-only policy lists only length", "abcdefgh", LENGTH_ONLY, true, { length: [8, true] }],
    ["two digits needed, one given", "abc1", TWO_DIGITS, false, { length: [4, true], digit: [1, false] }],
  ])("%s", (_label, candidate, policy, ok, rules) => {
    expect(checkPassword(candidate, policy).ok).toBe(ok);
    expect(summary(candidate, policy)).toEqual(rules);
  });

  it("labels each rule with its minimum", () => {
    expect(checkPassword("x", ASN_DIGITAL).rules.map((r) => [r.rule, r.label, r.need])).toEqual([
      ["length", "minimal 12 karakter", 12],
      ["upper", "minimal 1 huruf besar", 1],
      ["lower", "minimal 1 huruf kecil", 1],
      ["digit", "minimal 1 angka", 1],
      ["symbol", "minimal 1 simbol (mis. # ! @ ?)", 1],
    ]);
  });
});

describe("formatPasswordCheck", () => {
  it.each([
    [
      "MySAPK missing upper and digit",
      "abcdef",
      MYSAPK,
      "✓ minimal 6 karakter\n✗ minimal 1 huruf besar\n✗ minimal 1 angka\nTambahkan: 1 huruf besar dan 1 angka.",
    ],
    [
      "ASN Digital missing length and symbol",
      "Rahasia2025",
      ASN_DIGITAL,
      "✗ minimal 12 karakter (baru 11)\n✓ minimal 1 huruf besar\n✓ minimal 1 huruf kecil\n✓ minimal 1 angka\n" +
        "✗ minimal 1 simbol (mis. # ! @ ?)\nTambahkan: 1 karakter lagi dan 1 simbol.",
    ],
    [
      "ASN Digital missing three",
      "rahasia",
      ASN_DIGITAL,
      "✗ minimal 12 karakter (baru 7)\n✗ minimal 1 huruf besar\n✓ minimal 1 huruf kecil\n✗ minimal 1 angka\n" +
        "✗ minimal 1 simbol (mis. # ! @ ?)\nTambahkan: 5 karakter lagi, 1 huruf besar, 1 angka, dan 1 simbol.",
    ],
    [
      "ASN Digital ok",
      "Rahasia#2025x",
      ASN_DIGITAL,
      "✓ minimal 12 karakter\n✓ minimal 1 huruf besar\n✓ minimal 1 huruf kecil\n✓ minimal 1 angka\n" +
        "✓ minimal 1 simbol (mis. # ! @ ?)\nSudah memenuhi syarat ASN Digital.",
    ],
    ["two digits needed", "abc1", TWO_DIGITS, "✓ minimal 4 karakter\n✗ minimal 2 angka\nTambahkan: 1 angka."],
  ])("%s", (_label, candidate, policy, text) => {
    expect(formatPasswordCheck(checkPassword(candidate, policy), policy)).toBe(text);
  });

  it.each([
    ["weak", "Ab1", MYSAPK],
    ["MySAPK ok", "Kucing7", MYSAPK],
    ["ASN Digital ok", "Rahasia#2025x", ASN_DIGITAL],
    ["ASN Digital fails", "Rahasia2025", ASN_DIGITAL],
    ["only symbols", "#!@?#!@?", ASN_DIGITAL],
  ])("never contains the candidate or a 3-character piece of it: %s", (_label, candidate, policy) => {
    const report = formatPasswordCheck(checkPassword(candidate, policy), policy);
    const chars = [...candidate];
    for (let i = 0; i + 3 <= chars.length; i++) {
      expect(report).not.toContain(chars.slice(i, i + 3).join(""));
    }
  });
});

describe("describePolicy", () => {
  it.each([
    ["ASN Digital", ASN_DIGITAL, "minimal 12 karakter, dengan huruf besar, huruf kecil, angka, dan simbol"],
    ["MySAPK", MYSAPK, "minimal 6 karakter, dengan huruf besar dan angka"],
    ["length only", LENGTH_ONLY, "minimal 8 karakter"],
    ["two digits", TWO_DIGITS, "minimal 4 karakter, dengan 2 angka"],
  ])("%s", (_label, policy, text) => {
    expect(describePolicy(policy)).toBe(text);
  });
});
