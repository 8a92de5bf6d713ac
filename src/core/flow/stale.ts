import type { CompiledFlows, Provenance } from "./compile.ts";

/** One text that states a fact, with where it lives, its sources and when it was last checked. */
export interface DatedFact {
  /** "flows/aktivasi.yaml › d-buka", "flows/aktivasi.yaml › help", "flows/faq › token-tidak-masuk". */
  where: string;
  sources: string[];
  /** YYYY-MM-DD */
  checked: string;
}

export interface StaleFact extends DatedFact {
  /** Whole days between `checked` and today. */
  age: number;
}

/** Every flow text that states a fact (flow help and states), with its provenance. Pure. */
export function flowFacts(flows: CompiledFlows): DatedFact[] {
  const out: DatedFact[] = [];
  const push = (where: string, p: Provenance) => {
    if (p.fact && p.sources !== undefined && p.checked !== undefined)
      out.push({ where, sources: p.sources, checked: p.checked });
  };
  for (const flow of flows.flows.values()) {
    if (flow.help !== undefined) push(`${flow.file} › help`, flow.provenance);
    for (const state of flow.states.values()) push(`${flow.file} › ${state.id}`, state.provenance);
  }
  return out;
}

/**
 * The facts last checked more than `days` days before `today` (YYYY-MM-DD), oldest first.
 * Pure: today comes in as an argument.
 */
export function staleFacts(facts: readonly DatedFact[], today: string, days: number): StaleFact[] {
  const now = Date.parse(`${today}T00:00:00Z`);
  return facts
    .map((f) => ({ ...f, age: Math.floor((now - Date.parse(`${f.checked}T00:00:00Z`)) / 86_400_000) }))
    .filter((f) => f.age > days)
    .sort((a, b) => b.age - a.age || a.where.localeCompare(b.where));
}

/** Facts whose check date lies after `today`: a typo, or a date that was never true. Pure. */
export function futureFacts(facts: readonly DatedFact[], today: string): DatedFact[] {
  return facts.filter((f) => f.checked > today);
}
