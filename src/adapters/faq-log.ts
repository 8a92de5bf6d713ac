import type { RedisClient } from "./redis/connect.ts";

export interface FaqGap {
  /** The question, personal data masked, lower case, at most 200 characters. */
  text: string;
  count: number;
  /** The best (unsure) hit when there was one. */
  best?: string;
}

/** What the FAQ learns from: questions without a good answer, and 👍/👎 per entry. */
export interface FaqLog {
  gap(maskedText: string, best?: string): Promise<void>;
  feedback(id: string, helpful: boolean): Promise<void>;
  gaps(limit: number): Promise<FaqGap[]>;
  votes(): Promise<Record<string, { up: number; down: number }>>;
}

const GAP_MAX = 5_000;

function gapKey(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim().slice(0, 200);
}

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

/**
 * Redis: gaps in a sorted set by count (trimmed to the 5,000 most asked) with
 * the best unsure hit in a hash; votes in a hash "<id>:up" / "<id>:down".
 */
export class RedisFaqLog implements FaqLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = "pandu",
  ) {}

  private get keys() {
    return {
      gaps: `${this.prefix}:faq:gaps`,
      best: `${this.prefix}:faq:gap-best`,
      votes: `${this.prefix}:faq:votes`,
    };
  }

  async gap(maskedText: string, best?: string): Promise<void> {
    const text = gapKey(maskedText);
    const multi = this.redis
      .multi()
      .zincrby(this.keys.gaps, 1, text)
      .zremrangebyrank(this.keys.gaps, 0, -GAP_MAX - 1);
    if (best !== undefined) multi.hset(this.keys.best, text, best);
    await multi.exec();
  }
  async feedback(id: string, helpful: boolean): Promise<void> {
    await this.redis.hincrby(this.keys.votes, `${id}:${helpful ? "up" : "down"}`, 1);
  }
  async gaps(limit: number): Promise<FaqGap[]> {
    const flat = await this.redis.zrevrange(this.keys.gaps, 0, limit - 1, "WITHSCORES");
    const out: FaqGap[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ text: flat[i]!, count: Number(flat[i + 1]) });
    if (out.length > 0) {
      const best = await this.redis.hmget(this.keys.best, ...out.map((g) => g.text));
      out.forEach((g, i) => {
        if (best[i]) g.best = best[i]!;
      });
    }
    return out;
  }
  async votes(): Promise<Record<string, { up: number; down: number }>> {
    const all = await this.redis.hgetall(this.keys.votes);
    const out: Record<string, { up: number; down: number }> = {};
    for (const [field, value] of Object.entries(all)) {
      const [id = "", kind] = field.split(":");
      const v = out[id] ?? { up: 0, down: 0 };
      if (kind === "up") v.up = Number(value);
      else v.down = Number(value);
      out[id] = v;
    }
    return out;
  }
}

/** Text for /faqgap and `pandu faq gaps`. */
export function formatGaps(gaps: FaqGap[]): string {
  if (gaps.length === 0) return "Belum ada pertanyaan yang tidak terjawab.";
  return gaps
    .map((g, i) => `${i + 1}. (${g.count}×) ${g.text}${g.best ? `  → mirip: ${g.best}` : ""}`)
    .join("\n");
}
