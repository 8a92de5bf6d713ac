import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe } from "vitest";
import { RedisChatStore } from "../../src/adapters/redis/chat-store.ts";
import { createRedis } from "../../src/adapters/redis/connect.ts";
import { dropPrefix, REDIS_SUITE, REDIS_URL, SKIP_REDIS, testPrefix } from "../helpers/redis.ts";
import { chatInboxContract } from "./chat-inbox-contract.ts";

describe.skipIf(SKIP_REDIS)(REDIS_SUITE, () => {
  let redis: Redis;
  let admin: Redis;
  const prefixes: string[] = [];
  beforeAll(async () => {
    redis = createRedis(REDIS_URL) as Redis;
    admin = new Redis(REDIS_URL);
    await redis.ping().catch(() => new Promise((r) => redis.once("ready", r)));
  });
  afterEach(async () => {
    for (const p of prefixes.splice(0)) await dropPrefix(admin, p);
  });
  afterAll(async () => {
    redis.disconnect();
    admin.disconnect();
  });
  chatInboxContract("Redis", async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const store = new RedisChatStore({ redis, prefix, ttlSeconds: 600, strandedAfterMs: 0 });
    return { store, expireLock: async (chat) => void (await admin.del(store.keys(chat).lock)) };
  });
});
