import { GAP_MAX, GAP_RETENTION_DAYS, gapId, gapKey } from "../../core/faq-gap.ts";
import type { FaqGap, FaqLog, FaqLogOptions } from "../../stores.ts";

interface Entry extends FaqGap {
  seen: number;
}

export class MemoryFaqLog implements FaqLog {
  private readonly entries = new Map<string, Entry>();
  private readonly voteCounts = new Map<string, { up: number; down: number }>();
  private readonly max: number;
  private readonly retentionMs: number;

  constructor(options: FaqLogOptions = {}) {
    this.max = options.max ?? GAP_MAX;
    this.retentionMs = options.retentionMs ?? GAP_RETENTION_DAYS * 24 * 3_600_000;
  }

  async gap(maskedText: string, best: string | undefined, now: number): Promise<void> {
    await this.purge(now);
    const text = gapKey(maskedText);
    const id = gapId(text);
    const entry = this.entries.get(id) ?? { text, count: 0, seen: now };
    entry.count++;
    entry.seen = now;
    if (best !== undefined) entry.best = best.slice(0, 64);
    this.entries.set(id, entry);
    if (this.entries.size > this.max) {
      const [rarest] = [...this.entries].sort(([, a], [, b]) => a.count - b.count);
      if (rarest !== undefined) this.entries.delete(rarest[0]);
    }
  }
  async feedback(id: string, helpful: boolean): Promise<void> {
    const v = this.voteCounts.get(id) ?? { up: 0, down: 0 };
    if (helpful) v.up++;
    else v.down++;
    this.voteCounts.set(id, v);
  }
  async gaps(limit: number): Promise<FaqGap[]> {
    return [...this.entries.values()]
      .sort((a, b) => b.count - a.count)
      .slice(0, limit)
      .map(({ text, count, best }) => (best !== undefined ? { text, count, best } : { text, count }));
  }
  async votes(): Promise<Record<string, { up: number; down: number }>> {
    return Object.fromEntries(this.voteCounts);
  }
  async forget(ids: string[]): Promise<void> {
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry === undefined) continue;
      entry.count--;
      if (entry.count <= 0) this.entries.delete(id);
    }
  }
  async purge(now: number): Promise<number> {
    const before = now - this.retentionMs;
    let purged = 0;
    for (const [id, entry] of this.entries) {
      if (entry.seen < before) {
        this.entries.delete(id);
        purged++;
      }
    }
    return purged;
  }
  /** What is held (tests): texts, best hits and last-seen times. */
  stored(): { texts: number; best: number; seen: number } {
    const all = [...this.entries.values()];
    return { texts: all.length, best: all.filter((e) => e.best !== undefined).length, seen: all.length };
  }
}
