import { GAP_MAX, gapKey } from "../../core/faq-gap.ts";
import type { FaqGap, FaqLog } from "../../stores.ts";
import type { RedisClient } from "./connect.ts";

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
