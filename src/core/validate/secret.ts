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
// A label and a long number: "NIP:198609262015051001", "NIK.3201…", "HP:0812…" (9+ digits: no code).
const LABELLED_NUMBER = /^\p{L}{2,12}[:=#.]?([\p{Nd}.\-/_]+)$/u;
// Punctuation that joins two letters inside a word or name ("Ma'ruf", "Kab-Bogor", "III/a"): not a symbol.
const WORD_JOINERS = new Set(["-", "'", "’", ".", "/"]);

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
  const t = text
    .replace(/\p{Cf}/gu, "")
    .normalize("NFKC")
    .trim();
  if (SPACED_OTP.test(t)) return true;
  if (t.length === 0 || /\s/u.test(t)) return false;
  if (t.startsWith("/") || EMAIL.test(t) || URL_LIKE.test(t) || HOST_LIKE.test(t)) return false;

  const chars = [...t];
  if (DIGITS.test(t)) {
    // 4–8 digits: OTP or code. 9 and more: NIP, NIK or phone number. 1–3: a menu choice.
    return chars.length >= 4 && chars.length <= 8;
  }
  if (SEPARATED_NUMBER.test(t)) return false;
  const labelled = LABELLED_NUMBER.exec(t);
  if (labelled !== null && (labelled[1]!.match(/\p{Nd}/gu)?.length ?? 0) >= 9) return false;

  if (chars.length >= 6 && chars.length <= 64 && classCount(chars) >= 3) return true;

  const letters = chars.filter(isLetter).length;
  const digits = chars.filter((ch) => DIGIT.test(ch)).length;
  return chars.length >= 8 && letters >= 2 && digits >= 2 && letterDigitRuns(chars) >= 4;
}

// ------------------------------------------------------------- free text

/** What kind of secret a free text holds. */
export type SecretKind = "password" | "code" | "link";

/** Words that announce a code: within WINDOW words of a 4–8 digit number, the number is a code. */
const CODE_WORD =
  /^(?:kode|kd|code|token|otp|sandi|password|passwd|pass|pwd|pw|pin|passcode|verifikasi|verification|authenticator|autentikator|mfa|2fa)(?:-?(?:nya|ku|mu))?$/u;
/** Words that announce a password: a following word mixing letters and digits is one. */
const PASSWORD_WORD = /^(?:sandi|katasandi|password|passwd|pass|pwd|pw)(?:-?(?:nya|ku|mu))?$/u;
/** "kode pos 16911", "kode instansi 3201": a code word qualified like this names no secret. */
const NOT_SECRET_QUALIFIERS = new Set([
  "pos",
  "instansi",
  "satker",
  "wilayah",
  "kantor",
  "unit",
  "jabatan",
  "golongan",
  "pangkat",
  "error",
  "eror",
  "err",
  "kesalahan",
  "provinsi",
  "kabupaten",
  "kota",
  "daerah",
  "lokasi",
  "status",
]);
/** Words before a number that make it a date or a time, not a code ("tahun 2024", "jam 1030"). */
const DATE_WORDS = new Set([
  "tahun",
  "thn",
  "th",
  "tgl",
  "tanggal",
  "sejak",
  "bulan",
  "jam",
  "pukul",
  "formasi",
]);
/** Words after a number that make it a quantity ("1440 menit", "12 karakter"), not a code. */
const UNIT_WORDS = new Set([
  "detik",
  "menit",
  "jam",
  "hari",
  "minggu",
  "bulan",
  "tahun",
  "kali",
  "x",
  "karakter",
  "digit",
  "angka",
  "huruf",
  "rupiah",
  "rb",
  "ribu",
  "juta",
]);
/** How many words apart a code word and its code may be. */
const WINDOW = 4;
/** A token made of a label and a value: "OTP:483920", "password=Abc123", "otp483920". */
const LABELLED = /^(\p{L}+)[:=](?!\/\/)(.+)$/u;
const GLUED_CODE = /^(\p{L}+)(\p{Nd}{4,8})$/u;
/** A reset link carrying its token: "…/reset?token=9f8e7d6c5b4a". */
const LINK_WITH_TOKEN = /[?&#](?:token|code|kode|otp|key|t|reset_token|access_token)=[^&\s#]{6,}/iu;
/** Quotes and brackets around a word, and sentence punctuation after it. */
const EDGE = /^[\s"'“”‘’«»([{<#:=]+|[\s"'“”‘’«»)\]}>,.;:!?]+$/gu;
const FORMAT_CHARS = /\p{Cf}/gu;

interface Token {
  /** As typed, without surrounding quotes, brackets or sentence punctuation. */
  raw: string;
  /** Lower case, for matching words. */
  word: string;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const push = (raw: string) => {
    if (raw.length > 0) out.push({ raw, word: raw.toLowerCase() });
  };
  for (const piece of text.split(/\s+/u)) {
    const raw = piece.replace(EDGE, "");
    if (raw.length === 0) continue;
    const labelled = LABELLED.exec(raw);
    const glued = GLUED_CODE.exec(raw);
    if (labelled !== null) {
      push(labelled[1]!);
      push(labelled[2]!.replace(EDGE, ""));
    } else if (glued !== null && CODE_WORD.test(glued[1]!.toLowerCase())) {
      push(glued[1]!);
      push(glued[2]!);
    } else push(raw);
  }
  return out;
}

const isDigits = (t: Token) => DIGITS.test(t.raw);

/**
 * Which secret a free text holds, checked word by word: a password-like word
 * (looksLikeSecret), a word mixing letters and digits right after "password"
 * or "sandi", a 4–8 digit number (also typed "483 920") within a few words of
 * kode / token / OTP / sandi / password / PIN, or a link carrying a token.
 * Numbers that are dates, NIPs, phone numbers, error or postal codes pass.
 * Undefined when none. Pure.
 */
export function findSecret(input: string): SecretKind | undefined {
  const text = input.replace(FORMAT_CHARS, "").normalize("NFKC");
  if (text.trim().length === 0) return undefined;
  const tokens = tokenize(text);
  const codeWordAt: number[] = [];
  tokens.forEach((t, i) => {
    const next = tokens[i + 1]?.word;
    if (CODE_WORD.test(t.word) && !(next !== undefined && NOT_SECRET_QUALIFIERS.has(next)))
      codeWordAt.push(i);
  });
  const near = (i: number, distance: number) =>
    codeWordAt.some((k) => k !== i && Math.abs(k - i) <= distance);

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if ((URL_LIKE.test(t.raw) || HOST_LIKE.test(t.raw)) && LINK_WITH_TOKEN.test(t.raw)) return "link";
    if (isDigits(t)) {
      // A run of numbers typed apart ("483 920", "9182 7364") is one number.
      let j = i;
      let digits = 0;
      while (j < tokens.length && isDigits(tokens[j]!)) digits += [...tokens[j++]!.raw].length;
      const yearLike = j - i === 1 && /^(?:19[5-9]\d|20\d\d)$/u.test(t.raw);
      const dated = DATE_WORDS.has(tokens[i - 1]?.word ?? "") || UNIT_WORDS.has(tokens[j]?.word ?? "");
      const distance = yearLike ? 2 : WINDOW;
      if (digits >= 4 && digits <= 8 && !dated && (near(i, distance) || near(j - 1, distance))) return "code";
      i = j - 1;
      continue;
    }
    if ((t.raw.match(/\//g)?.length ?? 0) >= 2) continue; // a document number or a path: "800/1234/BKPSDM/2024"
    if (looksLikeSecret(t.raw)) return "password";
    const afterPasswordWord = [1, 2, 3].some((d) => PASSWORD_WORD.test(tokens[i - d]?.word ?? ""));
    if (afterPasswordWord && isWordWithDigits(t.raw)) return "password";
  }
  return undefined;
}

/**
 * A word of 6+ characters with 2+ letters and 2+ digits, not an email or link: "budi1986"
 * (but not "berkali2", the informal way to write a repeated word).
 */
function isWordWithDigits(token: string): boolean {
  if ([...token].length < 6 || EMAIL.test(token) || URL_LIKE.test(token) || HOST_LIKE.test(token))
    return false;
  return (token.match(/\p{L}/gu)?.length ?? 0) >= 2 && (token.match(/\p{Nd}/gu)?.length ?? 0) >= 2;
}

/**
 * Whether a message must be deleted as a secret: the whole message looks like
 * one (looksLikeSecret), or a word of it does (findSecret). Pure.
 */
export function holdsSecret(text: string): boolean {
  return looksLikeSecret(text) || findSecret(text) !== undefined;
}
