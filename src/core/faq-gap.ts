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
/** Gaps not asked for this long are deleted (FAQ_GAP_RETENTION_DAYS overrides). */
export const GAP_RETENTION_DAYS = 90;
/** Gap ids a session remembers, so /hapusdata can take the user's questions back. */
export const ASKED_MAX = 5;

export function gapKey(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim().slice(0, 200);
}

/**
 * A short stable id of a gap key (53-bit hash, base 36): what a session keeps
 * to find its own questions again, instead of the question itself. Pure.
 */
export function gapId(key: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** Text for /faqgap and `pandu faq gaps`. */
export function formatGaps(gaps: FaqGap[]): string {
  if (gaps.length === 0) return "Belum ada pertanyaan yang tidak terjawab.";
  return gaps
    .map((g, i) => `${i + 1}. (${g.count}×) ${g.text}${g.best ? `  → mirip: ${g.best}` : ""}`)
    .join("\n");
}
