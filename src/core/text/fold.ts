/**
 * Folds free text for matching: Unicode NFKC, lower case, diacritics removed,
 * any Unicode decimal digit mapped to ASCII, punctuation turned into spaces,
 * white space collapsed. Pure; shared by the directory and FAQ search.
 */
export function foldText(input: string): string {
  return input
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\p{Nd}/gu, (d) => String(digitValue(d)))
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Splits folded text into tokens. */
export function tokens(folded: string): string[] {
  return folded.length === 0 ? [] : folded.split(" ");
}

const DIGIT_ZEROS = [
  0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50,
  0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40,
  0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
];

/** Value 0–9 of a single Unicode decimal digit (\p{Nd}); -1 when unknown. */
export function digitValue(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  for (const zero of DIGIT_ZEROS) {
    if (cp >= zero && cp <= zero + 9) return cp - zero;
  }
  return -1;
}
