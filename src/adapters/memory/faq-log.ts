import { GAP_MAX, gapKey } from "../../core/faq-gap.ts";
import type { FaqGap, FaqLog } from "../../stores.ts";

export class MemoryFaqLog implements FaqLog {
  private readonly gapCounts = new Map<string, FaqGap>();
  private readonly voteCounts = new Map<string, { up: number; down: number }>();

  async gap(maskedText: string, best?: string): Promise<void> {
    const text = gapKey(maskedText);
    const entry = this.gapCounts.get(text) ?? { text, count: 0 };
    entry.count++;
    if (best !== undefined) entry.best = best;
    this.gapCounts.set(text, entry);
    if (this.gapCounts.size > GAP_MAX) {
      const rarest = [...this.gapCounts.values()].sort((a, b) => a.count - b.count)[0];
      if (rarest !== undefined) this.gapCounts.delete(rarest.text);
    }
  }
  async feedback(id: string, helpful: boolean): Promise<void> {
    const v = this.voteCounts.get(id) ?? { up: 0, down: 0 };
    if (helpful) v.up++;
    else v.down++;
    this.voteCounts.set(id, v);
  }
  async gaps(limit: number): Promise<FaqGap[]> {
    return [...this.gapCounts.values()].sort((a, b) => b.count - a.count).slice(0, limit);
  }
  async votes(): Promise<Record<string, { up: number; down: number }>> {
    return Object.fromEntries(this.voteCounts);
  }
}
