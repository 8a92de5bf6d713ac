import { GAP_MAX, GAP_RETENTION_DAYS, gapId, gapKey } from "../../core/faq-gap.ts";
import type { FaqGap, FaqLog, FaqLogOptions } from "../../stores.ts";
import type { RedisClient } from "./connect.ts";

// The records of one gap id: count (zset), last asked (zset), masked text (hash), best unsure hit (hash).
// KEYS: gaps, seen, text, best. Every script removes a gap from all four together.
const REMOVE = `
local function remove(ids)
  for i = 1, #ids, 500 do
    local part = {unpack(ids, i, math.min(i + 499, #ids))}
    redis.call('ZREM', KEYS[1], unpack(part))
    redis.call('ZREM', KEYS[2], unpack(part))
    redis.call('HDEL', KEYS[3], unpack(part))
    redis.call('HDEL', KEYS[4], unpack(part))
  end
  return #ids
end
local function expire(before)
  local n = 0
  repeat
    local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. before, 'LIMIT', 0, 500)
    if #old > 0 then n = n + remove(old) end
  until #old < 500
  return n
end
`;

// ARGV: id, text, now, best ('' = none), max, expire-before.
const GAP = `${REMOVE}
expire(ARGV[6])
redis.call('ZINCRBY', KEYS[1], 1, ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[4], ARGV[1], ARGV[4]) end
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[5])
if over > 0 then remove(redis.call('ZRANGE', KEYS[1], 0, over - 1)) end
return 1`;

// ARGV: ids to take one asking from.
const FORGET = `${REMOVE}
local gone = {}
for _, id in ipairs(ARGV) do
  if redis.call('ZSCORE', KEYS[1], id) then
    if tonumber(redis.call('ZINCRBY', KEYS[1], -1, id)) <= 0 then gone[#gone + 1] = id end
  end
end
if #gone > 0 then remove(gone) end
return #gone`;

// ARGV: before.
const PURGE = `${REMOVE}
return expire(ARGV[1])`;

type Scripted = RedisClient & {
  panduFaqGap(...args: (string | number)[]): Promise<number>;
  panduFaqForget(...args: string[]): Promise<number>;
  panduFaqPurge(...args: (string | number)[]): Promise<number>;
};

export interface RedisFaqLogOptions extends FaqLogOptions {
  /** Key prefix (default "pandu"). */
  prefix?: string;
}

/**
 * Redis: gaps keyed by their id (gapId of the masked text) in a sorted set by
 * count, with their last-asked time, text and best unsure hit; trimmed to the
 * most asked and to the retention period in the same script that records one.
 * Gap keys share the {faq} hash tag (the scripts work on a Cluster). Votes in a
 * hash "<id>:up" / "<id>:down".
 */
export class RedisFaqLog implements FaqLog {
  private readonly redis: Scripted;
  private readonly prefix: string;
  private readonly max: number;
  private readonly retentionMs: number;

  constructor(redis: RedisClient, options: RedisFaqLogOptions = {}) {
    this.prefix = options.prefix ?? "pandu";
    this.max = options.max ?? GAP_MAX;
    this.retentionMs = options.retentionMs ?? GAP_RETENTION_DAYS * 24 * 3_600_000;
    const scripted = redis as Scripted;
    if (typeof scripted.panduFaqGap !== "function") {
      scripted.defineCommand("panduFaqGap", { numberOfKeys: 4, lua: GAP });
      scripted.defineCommand("panduFaqForget", { numberOfKeys: 4, lua: FORGET });
      scripted.defineCommand("panduFaqPurge", { numberOfKeys: 4, lua: PURGE });
    }
    this.redis = scripted;
  }

  get keys() {
    const base = `${this.prefix}:{faq}`;
    return {
      gaps: `${base}:gaps`,
      seen: `${base}:gap-seen`,
      text: `${base}:gap-text`,
      best: `${base}:gap-best`,
      votes: `${this.prefix}:faq:votes`,
      /** Before issue 13: questions keyed by their text, never expired (may hold unmasked data). */
      legacy: [`${this.prefix}:faq:gaps`, `${this.prefix}:faq:gap-best`],
    };
  }

  private get gapKeys(): [string, string, string, string] {
    const k = this.keys;
    return [k.gaps, k.seen, k.text, k.best];
  }

  async gap(maskedText: string, best: string | undefined, now: number): Promise<void> {
    const text = gapKey(maskedText);
    await this.redis.panduFaqGap(
      ...this.gapKeys,
      gapId(text),
      text,
      now,
      best?.slice(0, 64) ?? "",
      this.max,
      now - this.retentionMs,
    );
  }
  async feedback(id: string, helpful: boolean): Promise<void> {
    await this.redis.hincrby(this.keys.votes, `${id}:${helpful ? "up" : "down"}`, 1);
  }
  async gaps(limit: number): Promise<FaqGap[]> {
    const flat = await this.redis.zrevrange(this.keys.gaps, 0, limit - 1, "WITHSCORES");
    const ids: string[] = [];
    const counts: number[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      ids.push(flat[i]!);
      counts.push(Number(flat[i + 1]));
    }
    if (ids.length === 0) return [];
    const [texts, best] = await Promise.all([
      this.redis.hmget(this.keys.text, ...ids),
      this.redis.hmget(this.keys.best, ...ids),
    ]);
    return ids.flatMap((_id, i) => {
      const text = texts[i];
      if (!text) return [];
      const hit = best[i];
      return [hit ? { text, count: counts[i]!, best: hit } : { text, count: counts[i]! }];
    });
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
  async forget(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.panduFaqForget(...this.gapKeys, ...ids);
  }
  async purge(now: number): Promise<number> {
    // Separate DELs: the legacy keys have no hash tag (one slot each on a Cluster).
    for (const key of this.keys.legacy) await this.redis.del(key);
    return this.redis.panduFaqPurge(...this.gapKeys, now - this.retentionMs);
  }
}
