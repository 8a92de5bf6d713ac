/**
 * FAQ search: a MiniSearch (BM25) index over the FAQ entries, built once at start-up, with
 * the Indonesian normalisation of normalize.ts as tokenizer. Scores are normalised to 0..1
 * and the first hit carries `confidence: "high"` only when it is both good enough
 * (FAQ_CONFIDENT) and clear of the runner-up (FAQ_MARGIN); otherwise the bot should ask
 * "Apakah maksud Anda…?". Pure after construction: same query, same hits.
 */
import MiniSearch from "minisearch";
import { FAQ_SUGGEST, type FaqHitRef, type FaqLookup } from "../core/world.ts";
import { normalizeQuery, normalizeText } from "./normalize.ts";
import type { FaqEntry } from "./schema.ts";

/** A top hit scoring at least this (and clear of the runner-up) is answered directly. */
export const FAQ_CONFIDENT = 0.5;

/**
 * The top hit must also beat the second by this share of its raw score; closer calls are
 * "low" so the bot asks "Apakah maksud Anda…?" with the candidates.
 */
export const FAQ_MARGIN = 0.15;

/** Hits scoring below this are not worth suggesting; the engine decides with it (core/world.ts). */
export { FAQ_SUGGEST };

export interface FaqHit extends FaqHitRef {
  /**
   * "high" only for the first hit, when score ≥ FAQ_CONFIDENT and its raw score beats the
   * runner-up's by at least FAQ_MARGIN (relative); otherwise "low".
   */
  confidence: "high" | "low";
}

export interface FaqIndex extends FaqLookup {
  /** Best hits for a user's question, best first; [] when nothing matches. */
  search(query: string, limit?: number): FaqHit[];
  /** The entry as a hit with score 1, or undefined for an unknown id. */
  get(id: string): FaqHit | undefined;
  /** The entries the index was built from. */
  readonly entries: readonly FaqEntry[];
}

/** Search knobs, tuned on test/faq/questions.yaml (see scripts/eval-faq.ts). */
export interface FaqTuning {
  boost: { title: number; questions: number; tags: number; answer: number };
  /** Edit distance allowed for a term of this length (0 = exact only). */
  fuzzy: (term: string) => number;
  /** Minimum term length for prefix matching ("verif" → "verifikasi"). */
  prefixMin: number;
  weights: { fuzzy: number; prefix: number };
  /** Raw BM25 score giving a relevance of 0.5 in raw / (raw + k). */
  k: number;
  /** Exponent on the share of query terms the hit matched. */
  coverageExp: number;
  /** Confidence rule, see FAQ_CONFIDENT and FAQ_MARGIN. */
  confident: number;
  margin: number;
}

export const DEFAULT_TUNING: FaqTuning = {
  boost: { title: 2, questions: 2, tags: 2, answer: 0.5 },
  fuzzy: (t) => (t.length >= 9 ? 2 : t.length >= 4 ? 1 : 0),
  prefixMin: 5,
  weights: { fuzzy: 0.45, prefix: 0.375 },
  k: 6,
  coverageExp: 2,
  confident: FAQ_CONFIDENT,
  margin: FAQ_MARGIN,
};

interface Doc {
  id: string;
  title: string;
  questions: string;
  tags: string;
  answer: string;
}

export function createFaqIndex(entries: readonly FaqEntry[], tuning: Partial<FaqTuning> = {}): FaqIndex {
  const t: FaqTuning = { ...DEFAULT_TUNING, ...tuning };
  const byId = new Map(entries.map((e) => [e.id, e]));
  const mini = new MiniSearch<Doc>({
    fields: ["title", "questions", "tags", "answer"],
    storeFields: [],
    tokenize: (text) => normalizeText(text),
    processTerm: (term) => term,
    searchOptions: {
      // search() hands over already normalised terms joined by spaces
      tokenize: (text) => text.split(" "),
      processTerm: (term) => term,
      boost: t.boost,
      // no typo tolerance for numbers ("2026" is not "2025")
      fuzzy: (term) => (WORD.test(term) && t.fuzzy(term)) || false,
      maxFuzzy: 2,
      prefix: (term) => WORD.test(term) && term.length >= t.prefixMin,
      weights: t.weights,
      combineWith: "OR",
    },
  });
  mini.addAll(
    entries.map((e) => ({
      id: e.id,
      title: e.title,
      questions: e.questions.join("\n"),
      tags: e.tags.join("\n"),
      answer: e.answer,
    })),
  );

  // Words only off-topic entries use ("gaji", "cuti", "tpp", "facebook"…): a question with one
  // is about something Pandu does not cover, whatever else it mentions ("gaji ke-13 PPPK paruh
  // waktu" is not a question about NI PPPK), so the honest entry goes first.
  const markers = offTopicMarkers(entries);

  const asHit = (e: FaqEntry, score: number, confident: boolean): FaqHit => ({
    id: e.id,
    title: e.title,
    answer: e.answer,
    score,
    ...(e.flow ? { flow: e.flow } : {}),
    ...(e.offTopic ? { offTopic: true } : {}),
    confidence: confident ? "high" : "low",
  });

  return {
    entries,
    search(query: string, limit = 3): FaqHit[] {
      const terms = normalizeQuery(query);
      if (terms.length === 0 || limit <= 0) return [];
      const results = mini.search(terms.join(" "));
      // Each candidate's 0..1 relevance: the raw BM25 score squashed by raw / (raw + k), times
      // the share of the query's terms it matched (a fuzzy or prefix match counts half).
      const ranked = results.slice(0, CANDIDATES).flatMap((r) => {
        const entry = byId.get(r.id as string);
        if (!entry) return [];
        const exact = new Set(r.terms);
        const matched = r.queryTerms.reduce((sum, q) => sum + (exact.has(q) ? 1 : 0.5), 0);
        const coverage = Math.min(1, matched / terms.length);
        return [{ entry, raw: r.score, relevance: coverage ** t.coverageExp * (r.score / (r.score + t.k)) }];
      });
      const hits: FaqHit[] = [];
      const honest = offTopicFor(
        terms,
        markers,
        ranked.map((c) => c.entry.id),
      );
      if (honest !== undefined) {
        const own = ranked.find((c) => c.entry.id === honest);
        const entry = own?.entry ?? byId.get(honest)!;
        hits.push(asHit(entry, round(Math.max(own?.relevance ?? 0, t.confident)), true));
        const rest = ranked.filter((c) => c.entry.id !== honest);
        ranked.length = 0;
        ranked.push(...rest);
      }
      const top = ranked[0]?.raw ?? 0;
      // One common word ("cara", "gagal", "email") names a theme, not a question: never answer it outright.
      const vague = terms.length === 1 && results.length > 3;
      const clear = !vague && top > 0 && (top - (ranked[1]?.raw ?? 0)) / top >= t.margin;
      // kept non-increasing down the list so "best first" also holds for the scores
      let ceiling = hits[0]?.score ?? 1;
      for (const { entry, relevance } of ranked.slice(0, limit - hits.length)) {
        ceiling = Math.min(ceiling, relevance);
        const confident = hits.length === 0 && clear && ceiling >= t.confident;
        hits.push(asHit(entry, round(ceiling), confident));
      }
      return hits;
    },
    get(id: string): FaqHit | undefined {
      const e = byId.get(id);
      return e ? asHit(e, 1, true) : undefined;
    },
  };
}

const WORD = /^[a-z]+$/;
/** BM25 candidates considered. */
const CANDIDATES = 10;

/**
 * Terms of off-topic entries' tags (chosen by hand) found nowhere in an on-topic entry (answer
 * included), each with the off-topic entries that use it.
 */
function offTopicMarkers(entries: readonly FaqEntry[]): Map<string, string[]> {
  const onTopic = new Set<string>();
  for (const e of entries) {
    if (e.offTopic) continue;
    for (const term of normalizeText([e.title, ...e.questions, ...e.tags, e.answer].join("\n")))
      onTopic.add(term);
  }
  const markers = new Map<string, string[]>();
  for (const e of entries) {
    if (!e.offTopic) continue;
    for (const term of new Set(normalizeText(e.tags.join("\n")))) {
      if (!onTopic.has(term)) markers.set(term, [...(markers.get(term) ?? []), e.id]);
    }
  }
  return markers;
}

/** The off-topic entry whose own words the query uses most (ties: BM25 order), if any. */
function offTopicFor(
  terms: readonly string[],
  markers: ReadonlyMap<string, string[]>,
  order: readonly string[],
): string | undefined {
  const votes = new Map<string, number>();
  for (const term of terms) for (const id of markers.get(term) ?? []) votes.set(id, (votes.get(id) ?? 0) + 1);
  if (votes.size === 0) return undefined;
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  return [...votes.entries()].sort((a, b) => b[1] - a[1] || rank(a[0]) - rank(b[0]))[0]?.[0];
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
