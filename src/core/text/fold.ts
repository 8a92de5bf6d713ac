/**
 * Folds free text for matching: Unicode NFKC, lower case, diacritics removed,
 * any Unicode decimal digit mapped to ASCII, punctuation turned into spaces,
 * white space collapsed. Pure; shared by the directory and FAQ search.
 */
export function foldText(input: string): string {
  const plain = input
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .normalize("NFKC")
    .toLowerCase();
  return asciiDigits(plain)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Splits folded text into tokens. */
export function tokens(folded: string): string[] {
  return folded.length === 0 ? [] : folded.split(" ");
}

// First code point of each Unicode decimal-digit block.
const DIGIT_ZEROS = [
  0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50,
  0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40,
  0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
];

const IS_ND = /^\p{Nd}$/u;

/** Value 0–9 of one Unicode decimal digit (\p{Nd}) in any script; -1 if not a digit. */
export function digitValue(ch: string): number {
  if (!IS_ND.test(ch)) return -1;
  const folded = ch.normalize("NFKC"); // fullwidth and mathematical digits become ASCII
  if (folded.length === 1 && folded >= "0" && folded <= "9") return folded.charCodeAt(0) - 0x30;
  const cp = ch.codePointAt(0) ?? 0;
  for (const zero of DIGIT_ZEROS) {
    if (cp >= zero && cp <= zero + 9) return cp - zero;
  }
  // Blocks not in the table: Unicode keeps every Nd block as a contiguous run 0–9,
  // so the value is the distance from the start of the run, modulo 10.
  let start = cp;
  while (start > 0 && IS_ND.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** Every Unicode decimal digit of `text` as its ASCII digit. */
export function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (d) => String(digitValue(d)));
}
