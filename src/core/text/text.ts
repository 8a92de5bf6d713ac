/** Edit distance with adjacent transpositions (optimal string alignment): "gmial" → "gmail" is 1. Pure. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0),
  ]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The option closest to `word` and its distance (first one wins ties); undefined for no options. Pure. */
export function nearest(
  word: string,
  options: Iterable<string>,
): { value: string; distance: number } | undefined {
  let found: { value: string; distance: number } | undefined;
  for (const value of options) {
    const distance = editDistance(word, value);
    if (found === undefined || distance < found.distance) found = { value, distance };
  }
  return found;
}

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair; adds "…" when cut. Pure. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // a high surrogate would be left alone
  return `${text.slice(0, end)}…`;
}

/** `text` safe inside HTML or XML text and attribute values. Pure. */
export function escapeMarkup(text: string | number): string {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
