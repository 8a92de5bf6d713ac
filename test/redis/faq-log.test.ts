import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisFaqLog } from "../../src/adapters/redis/faq-log.ts";
import { dropPrefix, REDIS_SUITE, REDIS_URL, SKIP_REDIS, testPrefix } from "../helpers/redis.ts";
import { faqLogContract } from "../stores/faq-log-contract.ts";

const prefixes: string[] = [];
let redis: Redis;
beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  for (const prefix of prefixes) await dropPrefix(redis, prefix);
  redis.disconnect();
});

faqLogContract(
  `Redis (${REDIS_SUITE})`,
  async ({ max, retentionDays }) => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const log = new RedisFaqLog(redis, {
      prefix,
      ...(max !== undefined ? { max } : {}),
      ...(retentionDays !== undefined ? { retentionMs: retentionDays * 24 * 3_600_000 } : {}),
    });
    const keys = log.keys;
    return {
      log,
      stored: async () => ({
        texts: await redis.hlen(keys.text),
        best: await redis.hlen(keys.best),
        seen: await redis.zcard(keys.seen),
      }),
    };
  },
  SKIP_REDIS,
);

describe.skipIf(SKIP_REDIS)(`RedisFaqLog keys (${REDIS_SUITE})`, () => {
  it("keeps every gap key under one hash tag (Cluster) and deletes the unmasked gaps of older versions", async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    await redis.zadd(`${prefix}:faq:gaps`, 1, "nama saya budi santoso nip 198609262015051001");
    await redis.hset(`${prefix}:faq:gap-best`, "nama saya budi santoso nip 198609262015051001", "x");
    const log = new RedisFaqLog(redis, { prefix });
    await log.gap("kapan tukin cair?", "x", Date.UTC(2026, 10, 24));
    await log.purge(0);
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.sort()).toEqual(
      [
        `${prefix}:{faq}:gaps`,
        `${prefix}:{faq}:gap-best`,
        `${prefix}:{faq}:gap-seen`,
        `${prefix}:{faq}:gap-text`,
      ].sort(),
    );
  });
});
