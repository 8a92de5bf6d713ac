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
