/**
 * FAQ search evaluation, three labelled sets reported apart:
 *   old        test/faq/questions.yaml      top-1 / top-3 (floors in test/faq/faq.test.ts)
 *   new        test/faq/questions-new.yaml  top-1 / top-3, goals 95 % / 99 % (issue 16)
 *   off-topic  test/faq/off-topic.yaml      share NOT answered outright, goal ≥ 95 %
 *   holdout    test/faq/holdout.yaml        written after the tuning, never tuned on: the
 *                                           honest estimate of how it generalises (no goal)
 * plus the misses of each and a quick latency figure.
 *
 *   npm run eval:faq            human-readable report
 *   npm run eval:faq -- --json  machine-readable report
 *
 * Always exits 0 (the floors are enforced by test/faq/faq.test.ts).
 */
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { loadFaq } from "../src/faq/load.ts";
import { createFaqIndex, FAQ_SUGGEST, type FaqIndex } from "../src/faq/search.ts";

export const QUESTION_FILES = {
  old: "test/faq/questions.yaml",
  new: "test/faq/questions-new.yaml",
  offTopic: "test/faq/off-topic.yaml",
  holdout: "test/faq/holdout.yaml",
} as const;

/** Goals of issue 16 on the new set and the off-topic set. */
export const GOALS = { newTop1: 0.95, newTop3: 0.99, offTopicNotAnswered: 0.95 } as const;

export interface LabelledQuestion {
  q: string;
  id: string;
}

export interface OffTopicQuestion {
  q: string;
  topic?: string;
}

export interface FaqMiss {
  q: string;
  expected: string;
  got: { id: string; score: number }[];
  /** 1-based rank of the expected entry in the top 3, or null. */
  rank: number | null;
}

export interface FaqEval {
  total: number;
  top1: number;
  top3: number;
  misses: FaqMiss[];
  /** Labels that name no entry (a broken question file). */
  unknownLabels: string[];
}

/**
 * What the bot does with an off-topic question, judged from the top hit as the engine
 * would (transition.ts): a confident on-topic hit is answered outright (wrong), an unsure
 * on-topic hit above FAQ_SUGGEST becomes "Apakah maksud Anda…" with unrelated suggestions,
 * an off-topic entry on top is the honest "di luar yang Pandu tahu", and no usable hit is
 * "belum punya jawaban" with the offer to ask a person (honest too).
 */
export type OffTopicOutcome = "answered" | "suggested" | "honest-entry" | "no-answer";

export interface OffTopicEval {
  total: number;
  /** Share not answered outright with an on-topic entry (the goal). */
  notAnswered: number;
  /** Share given an honest reply: an off-topic entry, or no answer at all. */
  honest: number;
  counts: Record<OffTopicOutcome, number>;
  /** Every question not handled honestly, with what the bot would do. */
  misses: { q: string; topic?: string; outcome: OffTopicOutcome; got: { id: string; score: number }[] }[];
}

export async function loadQuestions(file: string = QUESTION_FILES.old): Promise<LabelledQuestion[]> {
  const data = parse(await readFile(file, "utf8")) as { questions?: LabelledQuestion[] };
  return data.questions ?? [];
}

export async function loadOffTopic(file: string = QUESTION_FILES.offTopic): Promise<OffTopicQuestion[]> {
  const data = parse(await readFile(file, "utf8")) as { questions?: OffTopicQuestion[] };
  return data.questions ?? [];
}

/** The holdout file mixes labelled questions (`id`) and off-topic ones (`topic`). */
export async function loadHoldout(
  file: string = QUESTION_FILES.holdout,
): Promise<{ labelled: LabelledQuestion[]; offTopic: OffTopicQuestion[] }> {
  const data = parse(await readFile(file, "utf8")) as { questions?: (LabelledQuestion | OffTopicQuestion)[] };
  const all = data.questions ?? [];
  return {
    labelled: all.filter((x): x is LabelledQuestion => "id" in x),
    offTopic: all.filter((x) => !("id" in x)),
  };
}

export function evaluateFaq(index: FaqIndex, questions: readonly LabelledQuestion[]): FaqEval {
  let top1 = 0;
  let top3 = 0;
  const misses: FaqMiss[] = [];
  const known = new Set(index.entries.map((e) => e.id));
  const unknownLabels = [...new Set(questions.map((x) => x.id).filter((id) => !known.has(id)))];
  for (const { q, id } of questions) {
    const hits = index.search(q, 3);
    const pos = hits.findIndex((h) => h.id === id);
    if (pos === 0) top1++;
    if (pos >= 0) top3++;
    if (pos !== 0) {
      misses.push({
        q,
        expected: id,
        got: hits.map((h) => ({ id: h.id, score: h.score })),
        rank: pos >= 0 ? pos + 1 : null,
      });
    }
  }
  const n = questions.length || 1;
  return { total: questions.length, top1: top1 / n, top3: top3 / n, misses, unknownLabels };
}

/** How the bot would treat a question, judged from its top hit (see OffTopicOutcome). */
export function offTopicOutcome(index: FaqIndex, q: string): OffTopicOutcome {
  return outcomeOf(index.search(q, 3));
}

function outcomeOf(hits: ReturnType<FaqIndex["search"]>): OffTopicOutcome {
  const [top] = hits;
  if (top === undefined || top.score < FAQ_SUGGEST) return "no-answer";
  if (top.offTopic) return "honest-entry";
  return top.confidence === "high" ? "answered" : "suggested";
}

export function evaluateOffTopic(index: FaqIndex, questions: readonly OffTopicQuestion[]): OffTopicEval {
  const counts: Record<OffTopicOutcome, number> = {
    answered: 0,
    suggested: 0,
    "honest-entry": 0,
    "no-answer": 0,
  };
  const misses: OffTopicEval["misses"] = [];
  for (const { q, topic } of questions) {
    const hits = index.search(q, 3);
    const outcome = outcomeOf(hits);
    counts[outcome]++;
    if (outcome === "answered" || outcome === "suggested") {
      const got = hits.map((h) => ({ id: h.id, score: h.score }));
      misses.push({ q, ...(topic !== undefined ? { topic } : {}), outcome, got });
    }
  }
  const n = questions.length || 1;
  return {
    total: questions.length,
    notAnswered: 1 - counts.answered / n,
    honest: (counts["honest-entry"] + counts["no-answer"]) / n,
    counts,
    misses,
  };
}

/** p50/p99 search latency in milliseconds over the questions (after a warm-up pass). */
export function measureLatency(index: FaqIndex, questions: readonly { q: string }[], rounds = 20) {
  for (const { q } of questions) index.search(q, 3);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const { q } of questions) {
      const t0 = performance.now();
      index.search(q, 3);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
  return { samples: times.length, p50: at(0.5), p99: at(0.99), max: times[times.length - 1] ?? 0 };
}

async function main(argv: string[]): Promise<void> {
  const json = argv.includes("--json");
  const t0 = performance.now();
  const { entries, problems } = await loadFaq();
  const index = createFaqIndex(entries);
  const buildMs = performance.now() - t0;
  const oldSet = await loadQuestions(QUESTION_FILES.old);
  const newSet = await loadQuestions(QUESTION_FILES.new);
  const offSet = await loadOffTopic(QUESTION_FILES.offTopic);
  const old = evaluateFaq(index, oldSet);
  const fresh = evaluateFaq(index, newSet);
  const off = evaluateOffTopic(index, offSet);
  const holdoutSet = await loadHoldout(QUESTION_FILES.holdout);
  const holdout = {
    labelled: evaluateFaq(index, holdoutSet.labelled),
    offTopic: evaluateOffTopic(index, holdoutSet.offTopic),
  };
  const latency = measureLatency(index, [...oldSet, ...newSet, ...offSet]);

  if (json) {
    process.stdout.write(
      `${JSON.stringify({ entries: entries.length, problems, buildMs, goals: GOALS, old, new: fresh, offTopic: off, holdout, latency }, null, 2)}\n`,
    );
    return;
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const mark = (ok: boolean) => (ok ? "✓" : "✗");
  const out: string[] = [];
  if (problems.length > 0)
    out.push(`FAQ problems (${problems.length}):`, ...problems.map((p) => `  ${p}`), "");
  for (const [name, r] of [
    ["old", old],
    ["new", fresh],
  ] as const) {
    if (r.unknownLabels.length > 0) out.push(`Unknown labels (${name}): ${r.unknownLabels.join(", ")}`, "");
  }
  const offEntries = entries.filter((e) => e.offTopic).length;
  out.push(
    `FAQ entries: ${entries.length} (${offEntries} off-topic)   load+build: ${buildMs.toFixed(0)} ms`,
    `old set        ${String(old.total).padStart(3)} questions   top-1: ${pct(old.top1)}   top-3: ${pct(old.top3)}   (${QUESTION_FILES.old})`,
    `new set        ${String(fresh.total).padStart(3)} questions   top-1: ${pct(fresh.top1)} ${mark(fresh.top1 >= GOALS.newTop1)} ≥ ${pct(GOALS.newTop1)}   top-3: ${pct(fresh.top3)} ${mark(fresh.top3 >= GOALS.newTop3)} ≥ ${pct(GOALS.newTop3)}   (${QUESTION_FILES.new})`,
    `off-topic set  ${String(off.total).padStart(3)} questions   not answered outright: ${pct(off.notAnswered)} ${mark(off.notAnswered >= GOALS.offTopicNotAnswered)} ≥ ${pct(GOALS.offTopicNotAnswered)}   honest reply: ${pct(off.honest)}   (${QUESTION_FILES.offTopic})`,
    `               answered ${off.counts.answered} · unrelated suggestions ${off.counts.suggested} · "di luar" entry ${off.counts["honest-entry"]} · no answer ${off.counts["no-answer"]}`,
    `holdout        ${String(holdout.labelled.total).padStart(3)} + ${holdout.offTopic.total} questions   top-1: ${pct(holdout.labelled.top1)}   top-3: ${pct(holdout.labelled.top3)}   off-topic not answered outright: ${pct(holdout.offTopic.notAnswered)}, honest ${pct(holdout.offTopic.honest)}   (${QUESTION_FILES.holdout}, never tuned on)`,
    `latency: p50 ${latency.p50.toFixed(3)} ms   p99 ${latency.p99.toFixed(3)} ms   max ${latency.max.toFixed(3)} ms (${latency.samples} searches)`,
  );
  for (const [name, r] of [
    ["old", old],
    ["new", fresh],
    ["holdout", holdout.labelled],
  ] as const) {
    out.push("", `Misses, ${name} set (${r.misses.length}; "in top-3 at #n" or "not in top-3"):`);
    for (const m of r.misses) {
      const got = m.got.map((g) => `${g.id} ${g.score.toFixed(2)}`).join(" | ") || "(no hit)";
      out.push(`  ${m.rank ? `#${m.rank}` : "--"}  "${m.q}"`, `        expected ${m.expected}; got ${got}`);
    }
  }
  out.push(
    "",
    `Off-topic not handled honestly (${off.misses.length} + holdout ${holdout.offTopic.misses.length}):`,
  );
  for (const m of [...off.misses, ...holdout.offTopic.misses]) {
    const got = m.got.map((g) => `${g.id} ${g.score.toFixed(2)}`).join(" | ");
    out.push(`  ${m.outcome.padEnd(9)} "${m.q}"${m.topic ? ` [${m.topic}]` : ""}`, `        got ${got}`);
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  });
}
