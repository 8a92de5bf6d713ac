import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { PostgresDeskStore } from "../../src/adapters/postgres/desk-store.ts";
import { RedisChatStore } from "../../src/adapters/redis/chat-store.ts";
import { createRedis, type RedisClient, waitReady } from "../../src/adapters/redis/connect.ts";
import { RedisFaqLog } from "../../src/adapters/redis/faq-log.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../../src/desk/desk.ts";
import { freshSchema, type TestSchema } from "./postgres.ts";
import { dropPrefix, REDIS_URL, testPrefix } from "./redis.ts";

/**
 * Real Redis (a key prefix of its own) and real PostgreSQL (a schema of its own) for the tests of a
 * describe block, removed afterwards; `admin` is a plain client for scanning what was stored.
 */
export function useRealStores() {
  const stores = {
    prefix: testPrefix(),
    admin: undefined as unknown as Redis,
    redis: undefined as unknown as RedisClient,
    db: undefined as unknown as TestSchema,
    /** The bot's stores on them: sessions and FAQ gaps in Redis, a PostgreSQL desk with `fallback` as HR_CHAT_ID. */
    botStores(world: World, fallback: number) {
      const desk = new Desk(new PostgresDeskStore({ pool: stores.db.pool, ownsPool: false }), world, {
        ...DEFAULT_DESK_CONFIG,
        fallbackGroup: `tg:${fallback}`,
      });
      return {
        desk,
        store: new RedisChatStore({ redis: stores.redis, prefix: stores.prefix, ttlSeconds: 3600 }),
        faqLog: new RedisFaqLog(stores.redis, { prefix: stores.prefix }),
      };
    },
  };
  beforeAll(async () => {
    stores.admin = new Redis(REDIS_URL);
    stores.redis = createRedis(REDIS_URL);
    await waitReady(stores.redis);
    stores.db = await freshSchema();
  });
  afterAll(async () => {
    await dropPrefix(stores.admin, stores.prefix);
    stores.admin.disconnect();
    stores.redis.disconnect();
    await stores.db?.drop();
  });
  return stores;
}
