/**
 * Masking of personal data for logs (UU 27/2022 PDP): NIP/NIK-like digit runs,
 * emails. Used by the logger; never by what the user or HR reads.
 */
import { asciiDigits } from "./text/fold.ts";

const DIGIT_RUN = /\d(?:[\d .\-_/]{10,}\d)/g;
const EMAIL = /([\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]*@([\p{L}\p{N}-])[\p{L}\p{N}.-]*\.([\p{L}]{2,})/gu;

/** "198609262015051001" → "1986••••••••••1001". */
export function maskDigits(value: string): string {
  const digits = value.replace(/\D/g, "");
  if (digits.length < 8) return "•".repeat(digits.length);
  return `${digits.slice(0, 4)}${"•".repeat(digits.length - 8)}${digits.slice(-4)}`;
}

/** "budi.santoso@gmail.com" → "b•••@g•••.com". */
export function maskEmail(value: string): string {
  return value.replace(
    EMAIL,
    (_m, first: string, domainFirst: string, tld: string) => `${first}•••@${domainFirst}•••.${tld}`,
  );
}

/** Masks every NIP/NIK-like digit run (digits of any script) and every email inside free text. */
export function maskText(text: string): string {
  const ascii = asciiDigits(text);
  return maskEmail(ascii).replace(DIGIT_RUN, (run) =>
    run.replace(/\D/g, "").length >= 12 ? maskDigits(run) : run,
  );
}

/** "Budi Santoso" → "B••• S•••". */
export function maskName(value: string): string {
  return value
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${w[0]}•••`)
    .join(" ");
}

// ------------------------------------------------------------ FAQ questions

const FORMAT_CHARS = /\p{Cf}/gu;
const LINK = /\b((?:https?:\/\/|www\.)[^\s/?#]+)([/?#][^\s]*)?/giu;
const EMAIL_LOCAL = /[\p{L}\p{N}._%+-]+@(?=[\p{L}\p{N}-]+\.)/gu;
/** Digits typed in pieces ("19860926 201505 1 001", "0812-3456-7890", "1,9,8,6…"): one number. */
const DIGITS_IN_PIECES = /\d(?:[ .,\-_/]{0,2}\d)+/g;
const DIGIT_GROUP = /\d{4,}/g;
const MASK = "•";
const NAME = "[nama]";

/** Words after which a name follows, whatever comes next ("nama saya", "atas nama", "bernama"). */
const NAME_CUES = [
  ["nama", "lengkap", "saya"],
  ["nama", "lengkap", "aku"],
  ["nama", "lengkap"],
  ["nama", "saya"],
  ["nama", "aku"],
  ["nama", "sy"],
  ["nm", "saya"],
  ["namaku"],
  ["bernama"],
  ["atas", "nama"],
  ["a.n"],
  ["dengan", "nama"],
  ["nama"], // also "nama:" (a word's key has no trailing colon)
];
/** Words after which a name may follow: only when the name is followed by "dari", "NIP", a comma… */
const SELF_CUES = new Set(["saya", "aku", "sy", "sya", "ini"]);
/** Honorifics: the next (uncommon) word or two are a name ("pak Agus"). */
const HONORIFICS = new Set(["pak", "bu", "bapak", "ibu", "bpk", "sdr", "sdri", "mas", "mbak", "kak"]);
/** Words that end a name after a self cue ("saya budi santoso dari …"). */
const NAME_ENDS = new Set([
  "dari",
  "dr",
  "asal",
  "di",
  "nip",
  "ni",
  "nik",
  "pns",
  "pppk",
  "cpns",
  "asn",
  "guru",
  "pegawai",
  "bekerja",
  "kerja",
]);
/**
 * Common words that are no name: function words, question words and the verbs and nouns of
 * the domain. A self cue or honorific followed by one of these names nobody.
 */
const COMMON = new Set(
  `ada adalah admin agar akan aktivasi akun aku amat anda apa apakah asn atau bagaimana bahwa baik
  bantu bantuan bantuannya baru bekerja belum benar berapa bernama bingung bisa bisakah bkd bkn bkpsdm
  blm boleh buat buka bukan butuh cara caranya cek coba cpns dan dapat dapet data daftar dengan di
  dimana dinas dong dr dari email error gagal gak ganti ga gimana gk gmn guru habis hanya harus hp
  ingin ini itu jadi juga kalau kami kan kapan karena kata ke kena kenapa kerja keluar kembali
  kemarin kok krn kurang lagi lah lewat lihat login lupa mana masih masuk mau meminta mengapa minta
  mohon mau nggak ngga nip ni nik nya oleh operator pada pakai pake password pegawai pengen perlu
  pernah pns pppk punya reset saja salah sama sampai satu saya sebagai sedang sejak selalu seperti
  sekali sekalian sekarang semua sering siapa sih sudah sudh sy tanya tapi tdk tentang terima tidak
  token tolong udah untuk utk via wa ya yang yg bilang sudah juga ingin kak pak bu ibu bapak mas
  mbak sdr sdri bpk hormat halo hai selamat pagi siang sore malam assalamualaikum terimakasih makasih
  mohon maaf permisi izin`
    .split(/\s+/)
    .filter(Boolean),
);

interface Word {
  start: number;
  end: number;
  /** Lower case, trailing punctuation removed. */
  key: string;
  /** Letters only (with ' . -), so it may be part of a name. */
  nameLike: boolean;
  capitalised: boolean;
  /** Punctuation right after the word (a comma or full stop ends a name). */
  closed: boolean;
}

function wordsOf(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(/\S+/gu)) {
    const raw = m[0];
    const trimmed = raw.replace(/[,;:!?)"'”’]+$|\.$/u, "");
    const start = m.index ?? 0;
    out.push({
      start,
      end: start + trimmed.length,
      key: trimmed.toLowerCase(),
      nameLike: /^\p{L}[\p{L}'’.-]*$/u.test(trimmed),
      capitalised: /^\p{Lu}/u.test(trimmed),
      closed: trimmed.length < raw.length,
    });
  }
  return out;
}

/** Where a name cue ends, if one starts at word i: the index of the first word after it. */
function cueEnd(words: Word[], i: number): number | undefined {
  for (const cue of NAME_CUES) {
    if (cue.every((w, k) => words[i + k]?.key === w)) return i + cue.length;
  }
  return undefined;
}

/** The words of a name starting at `from` (at most `max`), as [first, last] indexes, or undefined. */
function nameAt(words: Word[], from: number, max: number, mustEnd: boolean): [number, number] | undefined {
  const first = words[from];
  if (first === undefined || !first.nameLike || COMMON.has(first.key)) return undefined;
  let last = from;
  while (!words[last]!.closed && last - from + 1 < max) {
    const next = words[last + 1];
    if (next === undefined || !next.nameLike || COMMON.has(next.key) || NAME_ENDS.has(next.key)) break;
    if (first.capitalised && !next.capitalised) break; // "Rudi Hartono terkunci": the name is capitalised
    last++;
  }
  if (mustEnd) {
    const after = words[last + 1];
    const ended = words[last]!.closed || after === undefined || NAME_ENDS.has(after.key);
    if (!ended) return undefined;
  }
  return [from, last];
}

/** Words after which a clause starts ("halo, saya …", "pagi pak, ini …"). */
const GREETINGS = new Set([
  "halo",
  "hai",
  "hi",
  "pagi",
  "siang",
  "sore",
  "malam",
  "assalamualaikum",
  "permisi",
  "pak",
  "bu",
  "kak",
  "min",
  "mas",
  "mbak",
  "maaf",
]);

function opensClause(words: Word[], i: number): boolean {
  const before = words[i - 1];
  return before === undefined || before.closed || GREETINGS.has(before.key);
}

/** Replaces the names after name cues, self cues ("saya budi dari …") and honorifics with [nama]. */
function maskNames(text: string): string {
  const words = wordsOf(text);
  const spans: [number, number][] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const cue = cueEnd(words, i);
    let found: [number, number] | undefined;
    // A lone "nama" announces a name only as "nama:" or before a capital ("nama instansi" does not).
    if (cue !== undefined && (cue > i + 1 || w.key !== "nama" || w.closed || words[cue]?.capitalised))
      found = nameAt(words, cue, 4, false);
    // "saya budi dari …" introduces; "akun saya terkunci" does not: a self cue only opens a clause.
    else if (SELF_CUES.has(w.key) && !w.closed && opensClause(words, i))
      found = nameAt(words, i + 1, 3, true);
    else if (HONORIFICS.has(w.key) && !w.closed) found = nameAt(words, i + 1, 2, false);
    if (found === undefined) continue;
    spans.push([words[found[0]]!.start, words[found[1]]!.end]);
    i = found[1];
  }
  let out = text;
  for (const [start, end] of spans.reverse()) out = out.slice(0, start) + NAME + out.slice(end);
  return out;
}

/**
 * A question as an FAQ gap may keep it: format characters removed, every
 * number of 4+ digits (or a longer one typed in pieces) masked digit by digit,
 * the user part of emails and the path of links masked, the name after a name
 * cue ("nama saya …", "saya … dari …", "atas nama …", "pak …") replaced by
 * [nama]. Idempotent. Pure.
 */
export function maskQuestion(text: string): string {
  const plain = asciiDigits(text.replace(FORMAT_CHARS, "").normalize("NFKC"));
  const masked = plain
    .replace(LINK, (_m, host: string, rest?: string) => (rest ? `${host}/${MASK.repeat(3)}` : host))
    .replace(EMAIL_LOCAL, `${MASK.repeat(3)}@`)
    .replace(DIGITS_IN_PIECES, (run) => (run.replace(/\D/g, "").length >= 8 ? run.replace(/\d/g, MASK) : run))
    .replace(DIGIT_GROUP, (group) => MASK.repeat(group.length));
  return maskNames(masked);
}
