/**
 * Digits from any script are read as their value, the same everywhere: search folding, log masking
 * and the NIP parser use one digitValue.
 */
import { describe, expect, it } from "vitest";
import { maskText } from "../../../src/core/mask.ts";
import { digitValue, foldText } from "../../../src/core/text/fold.ts";
import { parseNip } from "../../../src/core/validate/nip.ts";

const NIP = "198609262015051001";
// The same NIP in mathematical bold digits (U+1D7CE…) and in Brahmi digits (U+11066…), two Nd blocks
// the old table of block starts did not list.
const inBlock = (zero: number) => [...NIP].map((d) => String.fromCodePoint(zero + Number(d))).join("");
const BOLD = inBlock(0x1d7ce);
const BRAHMI = inBlock(0x11066);
const TODAY = { year: 2026, month: 12, day: 1 };

describe("digits of any script", () => {
  it("digitValue reads every Nd block, also those missing from the table of block starts", () => {
    expect(digitValue("7")).toBe(7);
    expect(digitValue("٣")).toBe(3); // Arabic-Indic
    expect(digitValue(String.fromCodePoint(0x1d7d5))).toBe(7); // mathematical bold 7
    expect(digitValue(String.fromCodePoint(0x11069))).toBe(3); // Brahmi 3
    expect(digitValue("x")).toBe(-1);
  });

  it("log masking and search folding read them as the digits they are", () => {
    for (const typed of [BOLD, BRAHMI]) {
      expect(maskText(`NIP ${typed}`)).toBe(maskText(`NIP ${NIP}`));
      expect(foldText(`nip ${typed}`)).toBe(`nip ${NIP}`);
      expect(parseNip(typed, TODAY)).toEqual(parseNip(NIP, TODAY));
    }
  });
});
