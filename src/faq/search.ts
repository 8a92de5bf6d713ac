/**
 * FAQ search: a MiniSearch (BM25) index over the FAQ entries, built once at start-up, with
 * the Indonesian normalisation of normalize.ts as tokenizer. Scores are normalised to 0..1
 * and the first hit carries `confidence: "high"` only when it is both good enough
 * (FAQ_CONFIDENT) and clear of the runner-up (FAQ_MARGIN); otherwise the bot should ask
 * "Apakah maksud Anda…?". Pure after construction: same query, same hits.
 */
import MiniSearch from "minisearch";
import type { FaqHitRef, FaqLookup } from "../core/world.ts";
import { normalizeQuery, normalizeText } from "./normalize.ts";
import type { FaqEntry } from "./schema.ts";

/** A top hit scoring at least this (and clear of the runner-up) is answered directly. */
export const FAQ_CONFIDENT = 0.5;

/**
 * The top hit must also beat the second by this share of its raw score; closer calls are
 * "low" so the bot asks "Apakah maksud Anda…?" with the candidates.
 */
export const FAQ_MARGIN = 0.15;

/**
 * Hits scoring below this are not worth suggesting ("Apakah maksud Anda…"); the engine keeps
 * its own copy (FAQ_SUGGEST in core/flow/transition.ts, which may import nothing from here).
 */
export const FAQ_SUGGEST = 0.25;

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
  coverageExp: 1,
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
      // Order is MiniSearch's (BM25, best first). The 0..1 score is the raw score squashed by
      // raw / (raw + k), times the share of the query's terms the entry matched; it is kept
      // non-increasing down the list so "best first" also holds for the scores.
      const results = mini.search(terms.join(" "));
      const top = results[0]?.score ?? 0;
      // One common word ("cara", "gagal", "email") names a theme, not a question: never answer it outright.
      const vague = terms.length === 1 && results.length > 3;
      const clear = !vague && top > 0 && (top - (results[1]?.score ?? 0)) / top >= t.margin;
      const hits: FaqHit[] = [];
      let ceiling = 1;
      for (const r of results.slice(0, limit)) {
        const entry = byId.get(r.id as string);
        if (!entry) continue;
        // share of the query's terms matched; a fuzzy or prefix match counts half
        const exact = new Set(r.terms);
        const matched = r.queryTerms.reduce((sum, q) => sum + (exact.has(q) ? 1 : 0.5), 0);
        const coverage = Math.min(1, matched / terms.length);
        ceiling = Math.min(ceiling, coverage ** t.coverageExp * (r.score / (r.score + t.k)));
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

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
