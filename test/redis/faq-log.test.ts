import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisFaqLog } from "../../src/adapters/redis/faq-log.ts";
import { dropPrefix, REDIS_SUITE, REDIS_URL, SKIP_REDIS, testPrefix } from "../helpers/redis.ts";

describe.skipIf(SKIP_REDIS)(`RedisFaqLog (${REDIS_SUITE})`, () => {
  const prefix = testPrefix();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it("counts gaps by text, keeps the best unsure hit, and counts votes", async () => {
    const log = new RedisFaqLog(redis, prefix);
    await log.gap("Kapan  TUKIN cair?", "apa-itu-pdm");
    await log.gap("kapan tukin cair?");
    await log.gap("cuti bersama kapan?");
    await log.feedback("token-tidak-masuk", true);
    await log.feedback("token-tidak-masuk", false);
    await log.feedback("token-tidak-masuk", true);
    expect(await log.gaps(10)).toEqual([
      { text: "kapan tukin cair?", count: 2, best: "apa-itu-pdm" },
      { text: "cuti bersama kapan?", count: 1 },
    ]);
    expect(await log.votes()).toEqual({ "token-tidak-masuk": { up: 2, down: 1 } });
  });
});
