import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHttpServer,
  type HttpServer,
  OPS_ROUTES,
  PUBLIC_ROUTES,
  SECRET_HEADER,
} from "../../src/adapters/http/server.ts";
import { createMetrics } from "../../src/adapters/metrics.ts";
import { RedisChatStore } from "../../src/adapters/redis/chat-store.ts";
import { createRedis, waitReady } from "../../src/adapters/redis/connect.ts";
import { loadWorld } from "../../src/app/world.ts";
import { createLogger } from "../../src/logger.ts";
import { createTestBot } from "../helpers/bot-harness.ts";
import { dropPrefix, REDIS_SUITE, REDIS_URL, SKIP_REDIS, testPrefix } from "../helpers/redis.ts";

const SECRET = "s3cret-Token_for-tests";

describe.skipIf(SKIP_REDIS)(`webhook on node:http with Redis sessions (${REDIS_SUITE})`, () => {
  const prefix = testPrefix();
  let admin: Redis;
  let http: HttpServer;
  let base: string;
  let t: ReturnType<typeof createTestBot>;
  let redis: ReturnType<typeof createRedis>;

  beforeAll(async () => {
    admin = new Redis(REDIS_URL);
    redis = createRedis(REDIS_URL);
    await waitReady(redis);
    const store = new RedisChatStore({ redis, prefix, ttlSeconds: 3600 });
    t = createTestBot(await loadWorld(), { store });
    http = createHttpServer({
      logger: createLogger({ level: "silent" }),
      webhookPath: "/telegram/hook",
      webhookSecret: SECRET,
      handleUpdate: (u) => t.bot.handleUpdate(u as never),
      ready: async () => ({ ok: await store.ping(), checks: { store: await store.ping() } }),
      metrics: createMetrics({ collectDefault: false }),
      // One listener with both sets here; the runtime splits them over PORT and METRICS_PORT.
      routes: [...PUBLIC_ROUTES, ...OPS_ROUTES],
    });
    base = `http://127.0.0.1:${await http.listen(0, "127.0.0.1")}`;
  });
  afterAll(async () => {
    await http.close();
    await dropPrefix(admin, prefix);
    admin.disconnect();
    redis.disconnect();
  });

  const update = (id: number, text: string) => ({
    update_id: id,
    message: {
      message_id: id,
      date: 1,
      chat: { id: 9001, type: "private", first_name: "B" },
      from: { id: 9001, is_bot: false, first_name: "B" },
      text,
      ...(text.startsWith("/")
        ? { entities: [{ type: "bot_command", offset: 0, length: text.length }] }
        : {}),
    },
  });
  const post = (body: unknown, secret?: string) =>
    fetch(`${base}/telegram/hook`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(secret !== undefined ? { [SECRET_HEADER]: secret } : {}),
      },
      body: JSON.stringify(body),
    });

  it("refuses a wrong or missing secret with 401 and processes nothing", async () => {
    expect((await post(update(1, "/start"), "wrong")).status).toBe(401);
    expect((await post(update(2, "/start"))).status).toBe(401);
    expect(t.calls).toEqual([]);
    expect(await t.store.peek("tg:9001")).toBeUndefined();
  });

  it("applies an update delivered twice only once", async () => {
    expect((await post(update(10, "/start"), SECRET)).status).toBe(200);
    const [a, b] = await Promise.all([
      post(update(11, "/petugas"), SECRET),
      post(update(11, "/petugas"), SECRET),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await post(update(11, "/petugas"), SECRET)).status).toBe(200);
    const texts = t.calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text));
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain("meneruskan masalah Anda ke petugas");
    expect(await t.store.peek("tg:9001")).toMatchObject({
      flow: "kasus",
      state: "mulai",
      history: ["menu/mulai"],
    });
  });

  it("reports ready while Redis answers", async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { store: true } });
  });
});
