/**
 * Heuristic guard against credentials pasted into the chat. Pandu never asks
 * for a password, email token or OTP (domain.md §0.6), so when such a message
 * arrives unasked it is deleted. Pure.
 */

const DIGITS = /^\p{Nd}+$/u;
const LOWER = /\p{Ll}/u;
const UPPER = /\p{Lu}/u;
const DIGIT = /\p{Nd}/u;
const LETTER = /^\p{L}$/u;
// Authenticator apps show the OTP as "123 456"; copying it keeps the space.
const SPACED_OTP = /^\p{Nd}{3} \p{Nd}{3}$/u;
const EMAIL = /^[^@\s]+@[^@\s]+\.\p{L}{2,}$/u;
const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)/i;
// Host name (optionally with a path) whose last label is letters only: "asndigital.bkn.go.id".
const HOST_LIKE = /^[\p{L}\p{Nd}-]+(?:\.[\p{L}\p{Nd}-]+)*\.\p{L}{2,}(?:\/\S*)?$/u;
// Number with separators, as people write a NIP, a date or a phone number.
const SEPARATED_NUMBER = /^[\p{Nd}.\-/_]+$/u;
// Punctuation that joins two letters inside a word or name ("Ma'ruf", "Kab-Bogor"): not a symbol.
const WORD_JOINERS = new Set(["-", "'", "’", "."]);

function isLetter(ch: string | undefined): boolean {
  return ch !== undefined && LETTER.test(ch);
}

/** Number of classes among {lower, upper, digit, symbol} in a token. */
function classCount(chars: string[]): number {
  let symbol = false;
  chars.forEach((ch, i) => {
    if (/[\p{L}\p{Nd}\p{M}]/u.test(ch)) return;
    if (WORD_JOINERS.has(ch) && isLetter(chars[i - 1]) && isLetter(chars[i + 1])) return;
    symbol = true;
  });
  const text = chars.join("");
  return [LOWER.test(text), UPPER.test(text), DIGIT.test(text), symbol].filter(Boolean).length;
}

/** Number of alternating letter/digit runs, ignoring other characters: "Xk29Lm03" → 4. */
function letterDigitRuns(chars: string[]): number {
  let runs = 0;
  let last: "L" | "D" | null = null;
  for (const ch of chars) {
    const kind = isLetter(ch) ? "L" : DIGIT.test(ch) ? "D" : null;
    if (kind !== null && kind !== last) {
      runs++;
      last = kind;
    }
  }
  return runs;
}

/** True when a message looks like a password, email token or OTP rather than an answer: Pandu deletes such messages when it did not ask for a password. */
export function looksLikeSecret(text: string): boolean {
  const t = text.normalize("NFKC").trim();
  if (SPACED_OTP.test(t)) return true;
  if (t.length === 0 || /\s/u.test(t)) return false;
  if (t.startsWith("/") || EMAIL.test(t) || URL_LIKE.test(t) || HOST_LIKE.test(t)) return false;

  const chars = [...t];
  if (DIGITS.test(t)) {
    // 4–8 digits: OTP or code. 9 and more: NIP, NIK or phone number. 1–3: a menu choice.
    return chars.length >= 4 && chars.length <= 8;
  }
  if (SEPARATED_NUMBER.test(t)) return false;

  if (chars.length >= 6 && chars.length <= 64 && classCount(chars) >= 3) return true;

  const letters = chars.filter(isLetter).length;
  const digits = chars.filter((ch) => DIGIT.test(ch)).length;
  return chars.length >= 8 && letters >= 2 && digits >= 2 && letterDigitRuns(chars) >= 4;
}
