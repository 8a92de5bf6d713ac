/**
 * FAQ: index build time over the whole FAQ, and search latency for every
 * labelled question of test/faq/questions.yaml (as users type them).
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { loadFaq } from "../src/faq/load.ts";
import { createFaqIndex } from "../src/faq/search.ts";
import { FLOWS_DIR, ROOT } from "./journey.ts";
import { type BenchOptions, type LatencySummary, median, now, round, Samples } from "./util.ts";

export interface FaqResult {
  scenario: "faq";
  entries: number;
  questions: number;
  searches: number;
  search: LatencySummary;
  /** Index build, median of `builds` (ms). */
  buildMs: number;
  buildMinMs: number;
  builds: number;
  /** Top-1 hits of the labelled questions (sanity check that the index searched for real). */
  top1: number;
}

export async function faq(bench: BenchOptions): Promise<FaqResult> {
  const { entries, problems } = await loadFaq(`${FLOWS_DIR}/faq`);
  if (problems.length > 0) throw new Error(`FAQ problems: ${problems.join("; ")}`);
  const questions = (
    parse(readFileSync(`${ROOT}test/faq/questions.yaml`, "utf8")) as {
      questions: { q: string; id: string }[];
    }
  ).questions;

  const builds = bench.quick ? 5 : 30;
  const buildTimes: number[] = [];
  for (let i = 0; i < builds; i++) {
    const started = now();
    createFaqIndex(entries);
    buildTimes.push(now() - started);
  }

  const index = createFaqIndex(entries);
  let top1 = 0;
  for (const { q, id } of questions) if (index.search(q)[0]?.id === id) top1++; // also the warm-up
  for (let i = 0; i < 3; i++) for (const { q } of questions) index.search(q);

  const passes = bench.quick ? 5 : 50;
  const samples = new Samples();
  for (let pass = 0; pass < passes; pass++) {
    for (const { q } of questions) {
      const started = now();
      index.search(q);
      samples.push(now() - started);
    }
  }
  return {
    scenario: "faq",
    entries: entries.length,
    questions: questions.length,
    searches: samples.length,
    search: samples.summary(),
    buildMs: round(median(buildTimes), 3),
    buildMinMs: round(Math.min(...buildTimes), 3),
    builds,
    top1,
  };
}
