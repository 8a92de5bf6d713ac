import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisChatStore } from "../../src/adapters/redis/chat-store.ts";
import { createRedis } from "../../src/adapters/redis/connect.ts";
import { FencingError, LockTimeoutError } from "../../src/stores.ts";
import { dropPrefix, REDIS_SUITE, REDIS_URL, SKIP_REDIS, testPrefix } from "../helpers/redis.ts";

describe.skipIf(SKIP_REDIS)(`RedisChatStore (${REDIS_SUITE})`, () => {
  let redis: Redis;
  let admin: Redis;
  const prefixes: string[] = [];
  const store = (options: Partial<ConstructorParameters<typeof RedisChatStore>[0]> = {}) => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    return new RedisChatStore({ redis, prefix, ttlSeconds: 600, ...options });
  };

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

  it("writes the session with a TTL and reads it back under the lock", async () => {
    const s = store();
    const first = await s.acquire("42", 1);
    expect(first.status).toBe("acquired");
    if (first.status !== "acquired") return;
    expect(first.lease.session).toBeUndefined();
    await s.commit(first.lease, { v: 1, hello: "dunia" });
    const ttl = await admin.ttl(s.keys("42").session);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    expect(await admin.exists(s.keys("42").lock)).toBe(0);
    const second = await s.acquire("42", 2);
    expect(second.status === "acquired" && second.lease.session).toEqual({ v: 1, hello: "dunia" });
  });

  it("reports an update id already applied as duplicate", async () => {
    const s = store();
    const a = await s.acquire("7", 10);
    if (a.status !== "acquired") throw new Error("not acquired");
    await s.commit(a.lease, { n: 1 });
    expect((await s.acquire("7", 10)).status).toBe("duplicate");
    const b = await s.acquire("7", 11);
    expect(b.status).toBe("acquired");
  });

  it("makes a second update of the same chat wait for the first", async () => {
    const s = store();
    const a = await s.acquire("9", 1);
    if (a.status !== "acquired") throw new Error("not acquired");
    let secondGot = false;
    const second = s.acquire("9", 2).then((r) => {
      secondGot = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 60));
    expect(secondGot).toBe(false);
    await s.commit(a.lease, { n: 1 });
    const b = await second;
    expect(b.status === "acquired" && b.lease.session).toEqual({ n: 1 });
  });

  it("gives up after the bounded wait with LockTimeoutError", async () => {
    const s = store({ lockWaitMs: 150 });
    const a = await s.acquire("11", 1);
    expect(a.status).toBe("acquired");
    await expect(s.acquire("11", 2)).rejects.toBeInstanceOf(LockTimeoutError);
  });

  it("fences a holder whose lock expired and was taken: its commit writes nothing", async () => {
    const s = store({ lockTtlMs: 80 });
    const slow = await s.acquire("13", 1);
    if (slow.status !== "acquired") throw new Error("not acquired");
    await new Promise((r) => setTimeout(r, 120));
    const fast = await s.acquire("13", 2);
    if (fast.status !== "acquired") throw new Error("not acquired");
    await s.commit(fast.lease, { by: "fast" });
    await expect(s.commit(slow.lease, { by: "slow" })).rejects.toBeInstanceOf(FencingError);
    expect(await s.peek("13")).toEqual({ by: "fast" });
  });

  it("passes text that is not JSON on as is, for the engine to recover from", async () => {
    const s = store();
    await admin.set(s.keys("15").session, "not json {");
    const a = await s.acquire("15", 1);
    expect(a.status === "acquired" && a.lease.session).toBe("not json {");
  });

  it("keys every chat under one hash tag (Cluster-safe)", () => {
    const keys = store().keys("123");
    for (const key of Object.values(keys)) expect(key).toContain("{123}");
  });
});
