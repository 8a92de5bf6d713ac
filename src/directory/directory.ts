/**
 * The instansi directory: search ("kab bogor", "kemenag", "pemprov jabar"),
 * look-up by id, and the Indonesian contact card of the HR office that serves
 * an instansi. Built once from plain data; every method is pure.
 *
 * Search pipeline (the same for the query and for indexed aliases):
 * fold → tokens → alias expansion (longest match, "kab" → "kabupaten",
 * "jabar" → "jawa barat", "" drops a word) → stop words removed → kind words
 * ("kabupaten", "kota", "provinsi", "kementerian", also misspelled) taken out
 * of the text and used to prefer entries of that kind. MiniSearch (fuzzy,
 * prefix) finds the candidates; each is then scored 0..1 by how well the
 * query terms match its name, aliases and province.
 */
import MiniSearch from "minisearch";
import { foldText, tokens } from "../core/text/fold.ts";
import { CONTACT_FIELDS, CONTACT_LABELS } from "../core/validate/contact.ts";
import type { DirectoryHit, DirectoryLookup, OfficeCard } from "../core/world.ts";
import type { Instansi, InstansiKind } from "./schema.ts";

export interface InstansiCard {
  /** The entry asked for. */
  entry: Instansi;
  /** The entry whose HR office serves it: `entry` itself unless it has `mapsTo`. */
  servedBy: Instansi;
  /** Plain Indonesian text, as returned by `card(id)`. */
  text: string;
}

export interface Directory extends DirectoryLookup {
  readonly entries: readonly Instansi[];
  get(id: string): Instansi | undefined;
  /** The entry whose HR office serves `id` (follows `mapsTo`); undefined for an unknown id. */
  resolve(id: string): Instansi | undefined;
  /** The card with the entries behind it; undefined for an unknown id. */
  cardOf(id: string): InstansiCard | undefined;
}

export interface DirectoryOptions {
  /** What users type → replacement ("kab" → "kabupaten"; "" drops the word). Keys and values are folded. */
  aliases?: Readonly<Record<string, string>>;
}

/** Kind words recognised in a query (after alias expansion). */
const KIND_WORDS: ReadonlyMap<string, InstansiKind> = new Map([
  ["kabupaten", "kabupaten"],
  ["kota", "kota"],
  ["provinsi", "provinsi"],
  ["kementerian", "kementerian"],
]);

/** Words that carry no meaning for finding an instansi. */
const STOP_WORDS: ReadonlySet<string> = new Set([
  "dan",
  "di",
  "ke",
  "dari",
  "yang",
  "untuk",
  "serta",
  "dengan",
  "atau",
  "republik",
  "ri",
  "indonesia",
]);

const KIND_ORDER: Readonly<Record<InstansiKind, number>> = {
  provinsi: 0,
  kabupaten: 1,
  kota: 2,
  kementerian: 3,
  lembaga: 4,
};

const DEFAULT_LIMIT = 5;
/** Hits scoring below this are noise (a lone province-field match, a far fuzzy match). */
const MIN_SCORE = 0.3;
/** Weight of a match in the province field when nothing else matched ("jabar" → a kab in Jawa Barat). */
const PROVINCE_ONLY_WEIGHT = 0.5;
/** Weight of a province match that qualifies a name match ("bogor jawa barat"). */
const PROVINCE_QUALIFIER_WEIGHT = 0.9;
/** Score factor for an entry of another kind than the query asked for. */
const KIND_MISMATCH = 0.8;
const REGION_CODE = /^\d{2}(\.\d{2})?$/;

interface Analysed {
  terms: string[];
  kinds: Set<InstansiKind>;
  /** The kind words themselves ("kota"), for names that contain one ("Kabupaten Lima Puluh Kota"). */
  kindWords: string[];
}

interface Doc {
  entry: Instansi;
  order: number;
  name: string[];
  aliases: string[][];
  province: string[];
}

export function createDirectory(entries: readonly Instansi[], options: DirectoryOptions = {}): Directory {
  const byId = new Map<string, Instansi>();
  for (const entry of entries) {
    if (byId.has(entry.id)) throw new Error(`Directory: duplicate id "${entry.id}"`);
    byId.set(entry.id, entry);
  }
  const analyse = makeAnalyser(options.aliases ?? {});

  const docs = new Map<string, Doc>();
  entries.forEach((entry, order) => {
    const province = entry.provinceId ? byId.get(entry.provinceId) : undefined;
    docs.set(entry.id, {
      entry,
      order,
      name: coreName(entry.name),
      aliases: entry.aliases.map((alias) => analyse(alias).terms).filter((t) => t.length > 0),
      province: province ? coreName(province.name) : [],
    });
  });

  const index = new MiniSearch<{ id: string; name: string; aliases: string; province: string }>({
    fields: ["name", "aliases", "province"],
    tokenize: (text) => (text.length === 0 ? [] : text.split(" ")),
    processTerm: (term) => term,
  });
  index.addAll(
    [...docs.values()].map((d) => ({
      id: d.entry.id,
      name: d.name.join(" "),
      aliases: d.aliases.flat().join(" "),
      province: d.province.join(" "),
    })),
  );

  const resolve = (id: string): Instansi | undefined => {
    let entry = byId.get(id);
    const seen = new Set<string>();
    while (entry?.mapsTo !== undefined && !seen.has(entry.id)) {
      seen.add(entry.id);
      const next = byId.get(entry.mapsTo);
      if (!next) break;
      entry = next;
    }
    return entry;
  };

  let office = new Map<string, { card: OfficeCard; stale: boolean }>();
  const cardOf = (id: string): InstansiCard | undefined => {
    const entry = byId.get(id);
    const servedBy = resolve(id);
    if (!entry || !servedBy) return undefined;
    const kept = office.get(servedBy.id);
    return { entry, servedBy, text: renderCard(entry, servedBy, kept) };
  };

  const search = (query: string, limit = DEFAULT_LIMIT): DirectoryHit[] => {
    if (limit <= 0) return [];
    const code = query.trim();
    if (REGION_CODE.test(code)) {
      const entry = byId.get(code);
      if (entry) return [{ id: entry.id, name: entry.name, score: 1 }];
    }
    const q = analyse(query);
    if (q.terms.length === 0) return [];
    const raw = index.search(q.terms.join(" "), {
      boost: { name: 3, aliases: 3, province: 1 },
      prefix: (term) => term.length >= 3,
      fuzzy: (term) => maxDistance(term) || false,
      combineWith: "OR",
    });
    const scored: { doc: Doc; score: number; raw: number }[] = [];
    for (const result of raw) {
      const doc = docs.get(String(result.id));
      if (!doc) continue;
      const score = scoreDoc(doc, q);
      if (score >= MIN_SCORE) scored.push({ doc, score, raw: result.score });
    }
    scored.sort(
      (a, b) =>
        b.score - a.score ||
        b.raw - a.raw ||
        KIND_ORDER[a.doc.entry.kind] - KIND_ORDER[b.doc.entry.kind] ||
        a.doc.order - b.doc.order,
    );
    return scored.slice(0, limit).map(({ doc, score }) => ({
      id: doc.entry.id,
      name: doc.entry.name,
      score: Math.round(score * 1000) / 1000,
    }));
  };

  return {
    entries,
    search,
    get: (id) => byId.get(id),
    resolve,
    cardOf,
    card: (id) => cardOf(id)?.text ?? unknownCard(id),
    servedBy: (id) => resolve(id)?.id ?? id,
    useOfficeCards: (cards, now) => {
      office = new Map(
        cards.map((card) => [
          card.instansi,
          { card: { ...card }, stale: now - card.confirmedAt > OFFICE_CARD_FRESH_MS },
        ]),
      );
    },
    within: (id) => {
      const entry = byId.get(id);
      if (entry?.kind !== "provinsi") return [id];
      return [id, ...entries.filter((e) => e.provinceId === id).map((e) => e.id)];
    },
  };
}

/** Builds the query/alias analyser for a given alias table. */
function makeAnalyser(aliasTable: Readonly<Record<string, string>>): (text: string) => Analysed {
  const aliases = new Map<string, string[]>();
  let longest = 1;
  for (const [key, value] of Object.entries(aliasTable)) {
    const k = foldText(key);
    if (k.length === 0) continue;
    aliases.set(k, tokens(foldText(value)));
    longest = Math.max(longest, tokens(k).length);
  }

  return (text) => {
    const input = tokens(foldText(text));
    const expanded: string[] = [];
    for (let i = 0; i < input.length; ) {
      let matched = false;
      for (let n = Math.min(longest, input.length - i); n >= 1; n--) {
        const replacement = aliases.get(input.slice(i, i + n).join(" "));
        if (replacement) {
          expanded.push(...replacement);
          i += n;
          matched = true;
          break;
        }
      }
      if (!matched) {
        expanded.push(input[i]!);
        i += 1;
      }
    }
    const terms: string[] = [];
    const kinds = new Set<InstansiKind>();
    const kindWords: string[] = [];
    for (const token of expanded) {
      if (STOP_WORDS.has(token)) continue;
      const kind = kindOf(token);
      if (kind) {
        kinds.add(kind);
        if (!kindWords.includes(kind)) kindWords.push(kind);
      } else if (!terms.includes(token)) {
        terms.push(token);
      }
    }
    return { terms, kinds, kindWords };
  };
}

/** The kind a query word asks for; tolerates typos in the long words ("kabupatn", "kementrian"). */
function kindOf(token: string): InstansiKind | undefined {
  const exact = KIND_WORDS.get(token);
  if (exact) return exact;
  if (token.length < 6) return undefined;
  for (const [word, kind] of KIND_WORDS) {
    if (word.length < 6) continue;
    if (editDistance(token, word, 1) <= 1) return kind;
  }
  return undefined;
}

/** Name tokens without the leading kind word and stop words: "Kabupaten Bogor" → ["bogor"]. */
function coreName(name: string): string[] {
  const words = tokens(foldText(name));
  if (words.length > 1 && KIND_WORDS.has(words[0]!)) words.shift();
  return words.filter((w) => !STOP_WORDS.has(w));
}

function maxDistance(term: string): number {
  if (term.length >= 8) return 2;
  if (term.length >= 4) return 1;
  return 0;
}

/** How well a query term matches one indexed token, 0..1. */
function termQuality(q: string, t: string): number {
  if (q === t) return 1;
  if (q.length >= 3 && t.startsWith(q)) return 0.7 + (0.2 * q.length) / t.length;
  const max = maxDistance(q);
  if (max === 0 || Math.abs(q.length - t.length) > max) return 0;
  const d = editDistance(q, t, max);
  if (d > max) return 0;
  return d === 1 ? 0.75 : 0.6;
}

function scoreDoc(doc: Doc, q: Analysed): number {
  const terms = [...q.terms];
  let kindFactor = 1;
  if (q.kinds.size > 0 && !q.kinds.has(doc.entry.kind)) {
    // "lima puluh kota": the kind word is part of this kabupaten's name.
    const inName = q.kindWords.filter((w) => doc.name.includes(w));
    if (inName.length > 0) terms.push(...inName);
    else kindFactor = KIND_MISMATCH;
  }

  const nameHit = new Set<number>();
  const aliasHit = doc.aliases.map(() => new Set<number>());
  const direct: number[] = [];
  const viaProvince: number[] = [];
  for (const term of terms) {
    let best = 0;
    let bestName: number[] = [];
    let bestAlias: [number, number][] = [];
    doc.name.forEach((token, i) => {
      const v = termQuality(term, token);
      if (v > best) {
        best = v;
        bestName = [i];
        bestAlias = [];
      } else if (v > 0 && v === best) bestName.push(i);
    });
    doc.aliases.forEach((phrase, p) => {
      phrase.forEach((token, i) => {
        const v = termQuality(term, token);
        if (v > best) {
          best = v;
          bestName = [];
          bestAlias = [[p, i]];
        } else if (v > 0 && v === best) bestAlias.push([p, i]);
      });
    });
    for (const i of bestName) nameHit.add(i);
    for (const [p, i] of bestAlias) aliasHit[p]!.add(i);
    direct.push(best);
    let province = 0;
    for (const token of doc.province) province = Math.max(province, termQuality(term, token));
    viaProvince.push(province);
  }

  const anyDirect = direct.some((v) => v > 0);
  const provinceWeight = anyDirect ? PROVINCE_QUALIFIER_WEIGHT : PROVINCE_ONLY_WEIGHT;
  let sum = 0;
  terms.forEach((_, i) => {
    sum += Math.max(direct[i]!, viaProvince[i]! * provinceWeight);
  });
  const mean = sum / terms.length;

  let coverage = doc.name.length > 0 ? nameHit.size / doc.name.length : 0;
  doc.aliases.forEach((phrase, p) => {
    coverage = Math.max(coverage, aliasHit[p]!.size / phrase.length);
  });
  const completeness = 0.85 + 0.15 * coverage;
  return Math.min(1, mean * completeness * kindFactor);
}

/** Levenshtein distance, giving up (returning max + 1) once it exceeds `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

const HELPDESK_BKN = '• Helpdesk BKN di ASN Digital: asndigital.bkn.go.id → menu "Layanan Pendukung".';
/** BKN's complaint portal, linked from BKN office websites (Kanreg XIV, UPT BKN Jambi), 2025–2026 (domain.md §8.2). */
const HELPDESK_SIASN = "• Helpdesk SIASN (portal pengaduan BKN): https://support-siasn.bkn.go.id";
/** An office's card not confirmed for this long is shown as possibly outdated. */
export const OFFICE_CARD_FRESH_MS = 365 * 24 * 3_600_000;

function isRegional(entry: Instansi): boolean {
  return entry.kind === "provinsi" || entry.kind === "kabupaten" || entry.kind === "kota";
}

/** "01-12-2026" (WIB). */
function day(ms: number): string {
  const d = new Date(ms + 7 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}-${p(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}`;
}

/** The lines of an office's own card, with who kept it and when. */
function officeLines(servedBy: Instansi, kept: { card: OfficeCard; stale: boolean }): string[] {
  const c = kept.card;
  // Every field but the office's name (the heading says whose card it is) and the note (below).
  const lines = CONTACT_FIELDS.filter((f) => f !== "officeName" && f !== "note" && c[f]).map(
    (f) => `• ${CONTACT_LABELS[f]}: ${c[f]}`,
  );
  if (lines.length === 0 && !c.note) return [];
  const out = [`Kontak (diperbarui oleh petugas ${servedBy.name}, ${day(c.updatedAt)}):`, ...lines];
  if (c.note) out.push(`Catatan kantor: ${c.note}`);
  if (kept.stale)
    out.push(`⚠️ Kartu ini belum dikonfirmasi sejak ${day(c.confirmedAt)}; mungkin sudah berubah.`);
  return out;
}

function renderCard(
  entry: Instansi,
  servedBy: Instansi,
  kept?: { card: OfficeCard; stale: boolean },
): string {
  const lines = [`🏢 ${entry.name}`];
  const mapped = servedBy.id !== entry.id;
  if (mapped) {
    lines.push(entry.note ?? `Urusan kepegawaiannya dilayani unit kepegawaian ${servedBy.name}.`);
  }
  const regional = isRegional(servedBy);
  if (kept?.card.officeName) lines.push(`Unit kepegawaian: ${kept.card.officeName}`);
  else {
    const unverified = regional
      ? " (nama badan bisa berbeda; cek situs resmi pemda)"
      : " (nama unit bisa berbeda; tanyakan pengelola kepegawaian di kantor Anda)";
    lines.push(`Unit kepegawaian: ${servedBy.hrUnit}${servedBy.hrUnitVerified ? "" : unverified}`);
  }

  const office = kept !== undefined ? officeLines(servedBy, kept) : [];
  const contact = (!mapped ? entry.contact : undefined) ?? servedBy.contact;
  const contactLines: string[] = [];
  if (contact?.email) contactLines.push(`• Email: ${contact.email}`);
  if (contact?.phone) contactLines.push(`• Telepon: ${contact.phone}`);
  if (contact?.website) contactLines.push(`• Situs: ${contact.website}`);
  if (contact?.address) contactLines.push(`• Alamat: ${contact.address}`);
  if (contact?.helpdesk) contactLines.push(`• Helpdesk: ${contact.helpdesk}`);
  if (office.length > 0) lines.push(...office);
  if (contactLines.length > 0) {
    lines.push(office.length > 0 ? "Kontak dari data Pandu:" : "Kontak:", ...contactLines);
    if (contact?.source) lines.push(`Sumber kontak: ${contact.source}`);
  } else if (office.length === 0) {
    lines.push("Kontak: belum tercatat di Pandu.");
  }

  if (!mapped && entry.note) lines.push(`Catatan: ${entry.note}`);

  lines.push("Yang bisa Anda lakukan:");
  if (regional) {
    lines.push(
      "• Datangi atau hubungi unit kepegawaian (BKPSDM/BKD) di kantor pemda Anda, lewat atasan atau pengelola kepegawaian di kantor Anda.",
      HELPDESK_BKN,
      HELPDESK_SIASN,
      "• Kantor Regional BKN yang membawahi wilayah Anda.",
    );
  } else {
    lines.push(
      "• Hubungi pengelola kepegawaian di kantor (satuan kerja) Anda; merekalah yang mengajukan perubahan email ke unit kepegawaian pusat.",
      HELPDESK_BKN,
      HELPDESK_SIASN,
    );
  }
  return lines.join("\n");
}

function unknownCard(id: string): string {
  return [
    `🏢 Instansi "${id}" tidak ada di direktori Pandu.`,
    "Kontak: belum tercatat di Pandu.",
    "Yang bisa Anda lakukan:",
    "• Hubungi pengelola kepegawaian di kantor Anda: pemda lewat BKPSDM/BKD, instansi pusat lewat Biro SDM / Kepegawaian.",
    HELPDESK_BKN,
    HELPDESK_SIASN,
    "• Kantor Regional BKN yang membawahi wilayah Anda.",
  ].join("\n");
}
