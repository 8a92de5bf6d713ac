/**
 * FAQ search evaluation: top-1 / top-3 accuracy over the labelled questions in
 * test/faq/questions.yaml, the misses, and a quick latency figure.
 *
 *   npm run eval:faq            human-readable report
 *   npm run eval:faq -- --json  machine-readable report
 *
 * Always exits 0 (the floor is enforced by test/faq/faq.test.ts).
 */
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { loadFaq } from "../src/faq/load.ts";
import { createFaqIndex, type FaqIndex } from "../src/faq/search.ts";

export interface LabelledQuestion {
  q: string;
  id: string;
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

export async function loadQuestions(file = "test/faq/questions.yaml"): Promise<LabelledQuestion[]> {
  const data = parse(await readFile(file, "utf8")) as { questions?: LabelledQuestion[] };
  return data.questions ?? [];
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

/** p50/p99 search latency in milliseconds over the questions (after a warm-up pass). */
export function measureLatency(index: FaqIndex, questions: readonly LabelledQuestion[], rounds = 20) {
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
  const questions = await loadQuestions();
  const result = evaluateFaq(index, questions);
  const latency = measureLatency(index, questions);

  if (json) {
    process.stdout.write(
      `${JSON.stringify({ entries: entries.length, problems, buildMs, ...result, latency }, null, 2)}\n`,
    );
    return;
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const out: string[] = [];
  if (problems.length > 0)
    out.push(`FAQ problems (${problems.length}):`, ...problems.map((p) => `  ${p}`), "");
  if (result.unknownLabels.length > 0) out.push(`Unknown labels: ${result.unknownLabels.join(", ")}`, "");
  out.push(
    `FAQ entries: ${entries.length}   questions: ${result.total}   load+build: ${buildMs.toFixed(0)} ms`,
    `top-1: ${pct(result.top1)}   top-3: ${pct(result.top3)}`,
    `latency: p50 ${latency.p50.toFixed(3)} ms   p99 ${latency.p99.toFixed(3)} ms   max ${latency.max.toFixed(3)} ms (${latency.samples} searches)`,
    "",
    `Misses (${result.misses.length}; "in top-3 at #n" or "not in top-3"):`,
  );
  for (const m of result.misses) {
    const got = m.got.map((g) => `${g.id} ${g.score.toFixed(2)}`).join(" | ") || "(no hit)";
    out.push(`  ${m.rank ? `#${m.rank}` : "--"}  "${m.q}"`, `        expected ${m.expected}; got ${got}`);
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  });
}
