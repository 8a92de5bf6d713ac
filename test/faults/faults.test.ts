import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisChatStore } from "../../src/adapters/redis/chat-store.ts";
import { createRedis, type RedisClient, waitReady } from "../../src/adapters/redis/connect.ts";
import { installLimits } from "../../src/adapters/telegram/limits.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { createTestBot } from "../helpers/bot-harness.ts";
import { HAVE_REDIS_SERVER, OwnRedis } from "../helpers/redis-server.ts";

const JOURNEY: (string | { tap: string })[] = [
  "/start",
  { tap: "🔑 Aktivasi / lupa password" },
  "198609262015051001",
  { tap: "✅ Ya, benar" },
  { tap: "🌐 ASN Digital (sekarang)" },
  { tap: "Sudah, lanjut" },
  "Rahasia#2025x",
];

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

async function walk(t: ReturnType<typeof createTestBot>, chat: number) {
  for (const step of JOURNEY) {
    if (typeof step === "string") {
      await t.text(chat, step);
      continue;
    }
    const markup = [...t.calls]
      .reverse()
      .find((c) => c.method === "sendMessage" && c.payload.chat_id === chat && c.payload.reply_markup)
      ?.payload.reply_markup as { inline_keyboard: { text: string; callback_data?: string }[][] };
    await t.tap(chat, markup.inline_keyboard.flat().find((b) => b.text === step.tap)!.callback_data!);
  }
}

describe("Telegram answering 429 and 5xx in bursts on every method", () => {
  it("delivers every message once, in order, and the session ends where a fault-free run ends", async () => {
    const clean = createTestBot(world);
    await walk(clean, 11);
    const want = clean.calls.filter((c) => c.method === "sendMessage").map((c) => c.payload.text);

    const t = createTestBot(world);
    // Installed after the recorder, so it runs before it: every 3rd call fails (429 or 500), once.
    let n = 0;
    const failures: string[] = [];
    t.bot.api.config.use(async (prev, method, payload, signal) => {
      n++;
      if (n % 3 === 0 && failures.length < 4) {
        const kind = failures.length % 2 === 0 ? 429 : 500;
        failures.push(`${method}:${kind}`);
        return (
          kind === 429
            ? {
                ok: false,
                error_code: 429,
                description: "Too Many Requests: retry after 1",
                parameters: { retry_after: 1 },
              }
            : { ok: false, error_code: 500, description: "Internal Server Error" }
        ) as never;
      }
      return prev(method, payload, signal);
    });
    installLimits(t.bot.api, { maxRetries: 5 });
    await walk(t, 11);
    const got = t.calls.filter((c) => c.method === "sendMessage").map((c) => c.payload.text);
    expect(failures.length).toBe(4);
    expect(got).toEqual(want);
    expect(await t.store.peek("tg:11")).toEqual(await clean.store.peek("tg:11"));
  }, 30_000);
});

describe.skipIf(!HAVE_REDIS_SERVER && !process.env.CI)("Redis flushed mid-journey (own redis-server)", () => {
  const server = new OwnRedis();
  let redis: RedisClient;
  beforeAll(async () => {
    await server.start();
    redis = createRedis(server.url);
    await waitReady(redis);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server.destroy();
  });

  it("sessions gone: the user gets a fresh start, nothing crashes, the journey can be walked again", async () => {
    const t = createTestBot(world, { store: new RedisChatStore({ redis, ttlSeconds: 3600 }) });
    await walk(t, 21);
    expect(await t.store.peek("tg:21")).toMatchObject({ flow: "aktivasi", state: "d-reset" });
    await redis.flushall();
    await t.text(21, "198609262015051001");
    const last = t.calls.filter((c) => c.method === "sendMessage").at(-1);
    expect(String(last?.payload.text)).toContain("Halo, saya Pandu");
    expect(await t.store.peek("tg:21")).toMatchObject({ flow: "menu", state: "mulai" });
    expect(t.logs.lines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
    await walk(t, 21);
    expect(await t.store.peek("tg:21")).toMatchObject({ flow: "aktivasi", state: "d-reset" });
  });
});
