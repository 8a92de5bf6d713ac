/** How recorded FAQ gaps are keyed, bounded and shown. Pure. */
export interface FaqGap {
  /** The question, personal data masked, lower case, at most 200 characters. */
  text: string;
  count: number;
  /** The best (unsure) hit when there was one. */
  best?: string;
}

/** Distinct questions kept (the least asked are dropped). */
export const GAP_MAX = 5_000;

export function gapKey(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim().slice(0, 200);
}

/** Text for /faqgap and `pandu faq gaps`. */
export function formatGaps(gaps: FaqGap[]): string {
  if (gaps.length === 0) return "Belum ada pertanyaan yang tidak terjawab.";
  return gaps
    .map((g, i) => `${i + 1}. (${g.count}×) ${g.text}${g.best ? `  → mirip: ${g.best}` : ""}`)
    .join("\n");
}
