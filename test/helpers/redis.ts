import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Whether a Redis answers at REDIS_URL (probed once, quickly). */
export async function redisAvailable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Redis tests run when Redis answers; in CI (CI set) a missing Redis fails
 * them instead of skipping. The suite title says why it was skipped.
 */
export const HAVE_REDIS = await redisAvailable();
export const REDIS_SUITE =
  HAVE_REDIS || process.env.CI
    ? `Redis at ${REDIS_URL}`
    : `SKIPPED: no Redis at ${REDIS_URL} (start redis-server to run)`;
export const SKIP_REDIS = !HAVE_REDIS && !process.env.CI;

/** A fresh key prefix per test, removed afterwards. */
export function testPrefix(): string {
  return `pandu-test-${randomBytes(4).toString("hex")}`;
}

export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}

/** Every value under every key matching `pattern`, as text (strings, hashes, lists, sets, zsets): for "is this stored anywhere?" scans. */
export async function dumpKeys(redis: Redis, pattern = "*"): Promise<string> {
  const parts: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      parts.push(key);
      if (type === "string") parts.push((await redis.get(key)) ?? "");
      else if (type === "hash") parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === "list") parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === "set") parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === "zset") parts.push(JSON.stringify(await redis.zrange(key, 0, -1, "WITHSCORES")));
      else if (type === "stream") parts.push(JSON.stringify(await redis.xrange(key, "-", "+")));
      else if (type !== "none")
        throw new Error(`dumpKeys: key ${key} has type ${type}, which the scan cannot read`);
    }
  } while (cursor !== "0");
  return parts.join("\n");
}
