/**
 * NIP (PNS) and NI PPPK parsing: 18 digits, told apart by digit 13
 * (0/1 = PNS, TMT CPNS month; 2 = PPPK code). Layout and caveats: domain.md §1.
 * Pure: "today" comes in as an argument.
 */
import { digitValue } from "../text/fold.ts";

export type NipKind = "PNS" | "PPPK";

export type NipErrorCode =
  | "empty"
  | "non-digit"
  | "length"
  | "birth-date"
  | "birth-year"
  | "tmt-month"
  | "tmt-year"
  | "tmt-before-adult"
  | "kind-digit"
  | "gender"
  | "sequence";

export interface NipIssue {
  code: NipErrorCode | string;
  message: string;
}

export interface NipFields {
  /** YYYY-MM-DD */
  birthDate: string;
  tmtYear: number;
  /** PNS only (TMT CPNS month); null for PPPK. */
  tmtMonth: number | null;
  /** Digits 13–14 for PPPK ("21", "24"); null for PNS. */
  pppkCode: string | null;
  gender: "L" | "P";
  sequence: number;
}

export type NipResult =
  | {
      valid: true;
      kind: NipKind;
      /** 18 ASCII digits */
      nip: string;
      /** "19860926 201505 1 001" */
      formatted: string;
      fields: NipFields;
      errors: [];
      warnings: NipIssue[];
    }
  | {
      valid: false;
      kind: NipKind | null;
      /** ASCII digits found so far */
      nip: string;
      formatted: null;
      fields: null;
      errors: NipIssue[];
      warnings: NipIssue[];
    };

const MONTH_NAMES = [
  "Januari",
  "Februari",
  "Maret",
  "April",
  "Mei",
  "Juni",
  "Juli",
  "Agustus",
  "September",
  "Oktober",
  "November",
  "Desember",
];

const MIN_BIRTH_YEAR = 1940;
const MIN_AGE_YEARS = 17;
const MIN_TMT_CPNS_YEAR = 1960;
/** First PPPK appointments were in 2019 (domain.md §1.3: "≥ ~2019 plausible"). */
const MIN_PPPK_YEAR = 2019;
/** The only PPPK code with a known meaning: digit 13 "2" (PPPK) + digit 14 "1" (first contract). */
const USUAL_PPPK_CODE = "21";

// Separators people type or paste inside a NIP: white space (incl. NBSP and
// other Unicode spaces), dots, dashes (incl. en/em dash, minus), underscores,
// slashes, and invisible format characters (zero-width space, BOM, soft hyphen).
const SEPARATOR = /^[\s\p{Zs}\p{Pd}\p{Cf}._/\\\u2212]$/u;

// A leading label a user may paste with the number: "NIP: …", "NI PPPK …".
const LEADING_LABEL = /^\s*(?:nip|ni\s*pppk)\s*[:=]?/iu;

/** "198609262015051001" → "19860926 201505 1 001". Input that is not 18 ASCII digits is returned unchanged. */
export function formatNip(digits18: string): string {
  if (!/^[0-9]{18}$/.test(digits18)) return digits18;
  return `${digits18.slice(0, 8)} ${digits18.slice(8, 14)} ${digits18.slice(14, 15)} ${digits18.slice(15)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function visible(ch: string): string {
  return /^[\p{C}\p{Z}]$/u.test(ch)
    ? `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`
    : `"${ch}"`;
}

function nonDigitIssue(offending: string[]): NipIssue {
  const unique = [...new Set(offending)];
  const shown = unique.slice(0, 5).map(visible).join(", ") + (unique.length > 5 ? " dan lainnya" : "");
  const hints: string[] = [];
  for (const ch of unique) {
    const folded = ch.normalize("NFKC");
    if (folded === "O" || folded === "o") hints.push(`huruf ${folded}, bukan angka 0?`);
    else if (folded === "l" || folded === "I") hints.push(`huruf ${folded}, bukan angka 1?`);
  }
  const hint = hints.length > 0 ? ` (${[...new Set(hints)].join("; ")})` : "";
  return { code: "non-digit", message: `NIP hanya boleh berisi angka, tetapi ada ${shown}${hint}.` };
}

function pppkCodeWarning(code: string): NipIssue | null {
  if (code === USUAL_PPPK_CODE) return null;
  if (code === "24") {
    return {
      code: "pppk-code",
      message:
        "Kode PPPK 24 (digit 13–14) artinya belum pasti: ada sumber yang menyebutnya kode PPPK paruh waktu, " +
        "ada yang membacanya perjanjian kerja ke-4. NIP tetap diterima; cocokkan dengan SK Anda.",
    };
  }
  if (code === "20") {
    return {
      code: "pppk-code",
      message:
        "Kode PPPK 20 (digit 13–14) tidak lazim: digit ke-14 biasanya 1–9. NIP tetap diterima; " +
        "cocokkan dengan SK Anda.",
    };
  }
  return {
    code: "pppk-code",
    message:
      `Kode PPPK ${code} (digit 13–14) jarang terlihat dan artinya belum pasti ` +
      `(mungkin perjanjian kerja ke-${code[1]}). NIP tetap diterima; cocokkan dengan SK Anda.`,
  };
}

/**
 * Parses a NIP PNS or NI PPPK typed by a user: separators removed, any script's
 * digits mapped to ASCII, then every field checked; all errors are reported, not
 * only the first. Pure: `today` is the caller's local date.
 */
export function parseNip(input: string, today: { year: number; month: number; day: number }): NipResult {
  const text = input.normalize("NFKC").replace(LEADING_LABEL, "");
  let nip = "";
  const offending: string[] = [];
  for (const ch of text) {
    if (SEPARATOR.test(ch)) continue;
    const v = digitValue(ch);
    if (v >= 0) nip += String(v);
    else offending.push(ch);
  }

  const fail = (kind: NipKind | null, errors: NipIssue[], warnings: NipIssue[] = []): NipResult => ({
    valid: false,
    kind,
    nip,
    formatted: null,
    fields: null,
    errors,
    warnings,
  });

  if (nip.length === 0 && offending.length === 0) {
    return fail(null, [{ code: "empty", message: "NIP belum diisi. Ketik 18 digit NIP/NI PPPK Anda." }]);
  }
  if (offending.length > 0) return fail(null, [nonDigitIssue(offending)]);
  if (nip.length !== 18) {
    return fail(null, [
      { code: "length", message: `NIP Anda ${nip.length} digit; NIP/NI PPPK selalu 18 digit.` },
    ]);
  }

  const num = (from: number, to: number) => Number(nip.slice(from, to));
  const errors: NipIssue[] = [];
  const warnings: NipIssue[] = [];

  // Digits 1–8: birth date YYYYMMDD.
  const by = num(0, 4);
  const bm = num(4, 6);
  const bd = num(6, 8);
  const bmOk = bm >= 1 && bm <= 12;
  let dateReason: string | null = null;
  if (!bmOk) dateReason = `bulan lahir ${pad2(bm)} tidak ada`;
  else if (bd === 0) dateReason = "tanggal lahir 00 tidak ada";
  else if (bd > daysInMonth(by, bm)) {
    dateReason =
      bm === 2 && bd === 29
        ? `29-02-${by} tidak ada karena ${by} bukan tahun kabisat`
        : `tanggal ${pad2(bd)}-${pad2(bm)} tidak ada`;
  }
  if (dateReason) {
    errors.push({ code: "birth-date", message: `Tanggal lahir (digit 1–8) salah: ${dateReason}.` });
  }
  const maxBirthYear = today.year - MIN_AGE_YEARS;
  if (by < MIN_BIRTH_YEAR || by > maxBirthYear) {
    errors.push({
      code: "birth-year",
      message: `Tahun lahir ${by} (digit 1–4) tidak wajar; seharusnya ${MIN_BIRTH_YEAR}–${maxBirthYear}.`,
    });
  }

  // Digit 13 decides the layout of digits 9–14.
  const d13 = nip[12]!;
  const kind: NipKind | null = d13 === "0" || d13 === "1" ? "PNS" : d13 === "2" ? "PPPK" : null;
  const ty = num(8, 12);
  let tmtMonth: number | null = null;
  let pppkCode: string | null = null;

  if (kind === null) {
    errors.push({
      code: "kind-digit",
      message: `Digit ke-13 harus 0/1 (PNS) atau 2 (PPPK); di NIP Anda ${d13}.`,
    });
  } else if (kind === "PNS") {
    tmtMonth = num(12, 14);
    const tmOk = tmtMonth >= 1 && tmtMonth <= 12;
    if (!tmOk) {
      errors.push({
        code: "tmt-month",
        message: `Bulan TMT CPNS ${pad2(tmtMonth)} tidak ada (digit 13–14 harus 01–12).`,
      });
    }
    if (ty < MIN_TMT_CPNS_YEAR) {
      errors.push({
        code: "tmt-year",
        message: `Tahun TMT CPNS ${ty} (digit 9–12) tidak wajar; seharusnya ${MIN_TMT_CPNS_YEAR}–${today.year}.`,
      });
    } else if (ty > today.year || (ty === today.year && tmOk && tmtMonth > today.month)) {
      const when = tmOk ? `${MONTH_NAMES[tmtMonth - 1]} ${ty}` : String(ty);
      errors.push({ code: "tmt-year", message: `TMT CPNS ${when} (digit 9–14) belum terjadi.` });
    }
    const monthsApart = tmOk && bmOk ? ty * 12 + tmtMonth - (by * 12 + bm) : (ty - by) * 12;
    if (monthsApart < MIN_AGE_YEARS * 12) {
      errors.push({
        code: "tmt-before-adult",
        message: `TMT CPNS ${ty} terlalu dekat dengan tahun lahir ${by}; selisihnya minimal sekitar ${MIN_AGE_YEARS} tahun.`,
      });
    }
  } else {
    pppkCode = nip.slice(12, 14);
    if (ty < MIN_PPPK_YEAR) {
      errors.push({
        code: "tmt-year",
        message: `Tahun pengangkatan PPPK ${ty} (digit 9–12) tidak wajar; PPPK baru ada sejak ${MIN_PPPK_YEAR}.`,
      });
    } else if (ty > today.year) {
      errors.push({
        code: "tmt-year",
        message: `Tahun pengangkatan PPPK ${ty} (digit 9–12) belum terjadi.`,
      });
    }
    if (ty - by < MIN_AGE_YEARS) {
      errors.push({
        code: "tmt-before-adult",
        message: `Tahun pengangkatan PPPK ${ty} terlalu dekat dengan tahun lahir ${by}; selisihnya minimal sekitar ${MIN_AGE_YEARS} tahun.`,
      });
    }
    const warning = pppkCodeWarning(pppkCode);
    if (warning) warnings.push(warning);
  }

  // Digit 15: gender.
  const d15 = nip[14]!;
  if (d15 !== "1" && d15 !== "2") {
    errors.push({
      code: "gender",
      message: `Digit ke-15 (jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan); di NIP Anda ${d15}.`,
    });
  }

  // Digits 16–18: sequence number.
  const sequence = num(15, 18);
  if (sequence === 0) {
    errors.push({ code: "sequence", message: "Nomor urut (digit 16–18) tidak boleh 000; mulai dari 001." });
  }

  if (kind === null || errors.length > 0) return fail(kind, errors, warnings);
  return {
    valid: true,
    kind,
    nip,
    formatted: formatNip(nip),
    fields: {
      birthDate: `${nip.slice(0, 4)}-${nip.slice(4, 6)}-${nip.slice(6, 8)}`,
      tmtYear: ty,
      tmtMonth,
      pppkCode,
      gender: d15 === "1" ? "L" : "P",
      sequence,
    },
    errors: [],
    warnings,
  };
}

/**
 * One-line Indonesian meaning of a valid NIP, for the user to confirm:
 * "PNS · lahir 26-09-1986 · TMT CPNS Mei 2015 · laki-laki · nomor urut 001".
 */
export function describeNip(result: Extract<NipResult, { valid: true }>): string {
  const f = result.fields;
  const [y, m, d] = f.birthDate.split("-");
  const parts: string[] = [result.kind, `lahir ${d}-${m}-${y}`];
  if (result.kind === "PNS" && f.tmtMonth !== null) {
    parts.push(`TMT CPNS ${MONTH_NAMES[f.tmtMonth - 1]} ${f.tmtYear}`);
  } else {
    parts.push(`tahun pengangkatan ${f.tmtYear}`);
    if (f.pppkCode !== null) {
      parts.push(`kode PPPK ${f.pppkCode}${f.pppkCode === USUAL_PPPK_CODE ? "" : " (arti belum pasti)"}`);
    }
  }
  parts.push(f.gender === "L" ? "laki-laki" : "perempuan");
  parts.push(`nomor urut ${String(f.sequence).padStart(3, "0")}`);
  return parts.join(" · ");
}
