import type { Update } from "grammy/types";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryChatStore } from "../../src/adapters/memory/chat-store.ts";
import { RedisChatStore } from "../../src/adapters/redis/chat-store.ts";
import { createRedis, waitReady } from "../../src/adapters/redis/connect.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { type ApiCall, createTestBot } from "../helpers/bot-harness.ts";
import { dropPrefix, REDIS_SUITE, REDIS_URL, SKIP_REDIS, testPrefix } from "../helpers/redis.ts";

const NOW = Date.UTC(2026, 10, 24, 3);
const CHATS = 240;

/** Scripts: text lines, or "#label" to tap the button with that label in the last reply. */
const SCRIPTS = [
  [
    "/start",
    "#🔑 Aktivasi / lupa password",
    "12345678901234567",
    "198609262015051001",
    "#✅ Ya, benar",
    "#🌐 ASN Digital (sekarang)",
    "#Sudah, lanjut",
    "#Sudah, lanjut",
    "#Email saya muncul",
    "#✅ Ya, saya klik Kirim",
    "#Kode sudah masuk",
    "Rahasia#2025x",
    "#✅ Berhasil",
  ],
  [
    "/start",
    "#📭 Token / kode tidak masuk",
    "#Di Spam pun tidak ada",
    "#Sudah coba lagi, tetap tidak masuk",
    "#Sudah coba lagi, tetap tidak masuk",
    "#Sudah coba lagi, tetap tidak masuk",
    "kembali",
    "/bantuan",
  ],
  [
    "/start",
    "#🔢 Cek arti NIP / NI PPPK",
    "abc",
    "200012312024211001",
    "#🔢 Cek NIP lain",
    "199009132025242014",
    "/menu",
    "#🏢 Kontak BKPSDM / Biro SDM",
    "kab bogor",
  ],
];

type Recorded = { seq: number; chat: number; text: string; buttons: string };

/** Runs the scripts once on a single in-memory instance; returns the concrete updates and the messages sent. */
async function baseline(world: World) {
  const t = createTestBot(world, {
    now: () => NOW,
    store: new MemoryChatStore({ ttlSeconds: 3600, now: () => NOW }),
  });
  const updates = new Map<number, Update[]>();
  let updateId = 1;
  for (let c = 0; c < CHATS; c++) {
    const chatId = 10_000 + c;
    const list: Update[] = [];
    for (const line of SCRIPTS[c % SCRIPTS.length]!) {
      let update: Update;
      if (line.startsWith("#")) {
        const last = [...t.calls]
          .reverse()
          .find((x) => x.method === "sendMessage" && x.payload.chat_id === chatId && x.payload.reply_markup);
        const markup = last?.payload.reply_markup as
          | { inline_keyboard: { text: string; callback_data?: string }[][] }
          | undefined;
        const buttons = markup?.inline_keyboard.flat() ?? [];
        const data = buttons.find((b) => b.text === line.slice(1))?.callback_data;
        if (data === undefined) throw new Error(`chat ${chatId}: no button ${line}`);
        update = {
          update_id: updateId++,
          callback_query: {
            id: `q${updateId}`,
            from: user(chatId),
            chat_instance: "c",
            data,
            message: { message_id: 1, date: 1, chat: chat(chatId), text: "x" },
          },
        } as Update;
      } else {
        const entities = line.startsWith("/")
          ? [{ type: "bot_command", offset: 0, length: line.length }]
          : undefined;
        update = {
          update_id: updateId++,
          message: {
            message_id: updateId,
            date: 1,
            chat: chat(chatId),
            from: user(chatId),
            text: line,
            ...(entities ? { entities } : {}),
          },
        } as Update;
      }
      list.push(update);
      await t.bot.handleUpdate(structuredClone(update));
    }
    updates.set(chatId, list);
  }
  const sessions = new Map<number, unknown>();
  for (const chatId of updates.keys()) sessions.set(chatId, await t.store.peek(`tg:${chatId}`));
  return { updates, messages: byChat(t.calls.map((c, seq) => ({ c, seq }))), sessions };
}

function byChat(calls: { c: ApiCall; seq: number }[]): Map<number, Recorded[]> {
  const out = new Map<number, Recorded[]>();
  for (const { c, seq } of calls) {
    if (c.method !== "sendMessage" && c.method !== "deleteMessage") continue;
    const chatId = Number(c.payload.chat_id);
    const list = out.get(chatId) ?? [];
    list.push({
      seq,
      chat: chatId,
      text: c.method === "deleteMessage" ? "<deleted>" : String(c.payload.text),
      buttons: JSON.stringify(c.payload.reply_markup ?? null),
    });
    out.set(chatId, list);
  }
  return out;
}

const user = (id: number) => ({ id, is_bot: false, first_name: "U" });
const chat = (id: number) => ({ id, type: "private" as const, first_name: "U" });

describe.skipIf(SKIP_REDIS)(`two bot instances on one Redis (${REDIS_SUITE})`, () => {
  let world: World;
  let admin: Redis;
  const prefix = testPrefix();
  beforeAll(async () => {
    world = await loadWorld();
    admin = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await dropPrefix(admin, prefix);
    admin.disconnect();
  });

  it(`${CHATS} chats, interleaved and duplicated updates: same end state and messages as one instance`, async () => {
    const expected = await baseline(world);

    // Both instances record into one timeline, as Telegram would see them.
    const timeline: { c: ApiCall; seq: number }[] = [];
    let seq = 0;
    const instances = [0, 1].map(() => {
      const redis = createRedis(REDIS_URL);
      const store = new RedisChatStore({ redis, prefix, ttlSeconds: 3600, lockWaitMs: 20_000 });
      const t = createTestBot(world, { now: () => NOW, store });
      t.bot.api.config.use(async (prev, method, payload, signal) => {
        timeline.push({ c: { method, payload: payload as Record<string, unknown> }, seq: seq++ });
        // A little latency so that updates of different chats overlap.
        await new Promise((r) => setTimeout(r, Math.random() * 2));
        return prev(method, payload, signal);
      });
      return { t, redis };
    });
    await Promise.all(instances.map(({ redis }) => waitReady(redis)));

    let duplicates = 0;
    let random = 12345;
    const rand = () => {
      random = (random * 1103515245 + 12345) & 0x7fffffff;
      return random / 0x7fffffff;
    };
    await Promise.all(
      [...expected.updates.entries()].map(async ([, list]) => {
        for (const update of list) {
          const first = rand() < 0.5 ? 0 : 1;
          if (rand() < 0.25) {
            duplicates++;
            // Redelivery racing the original on the other instance.
            await Promise.all([
              instances[first]!.t.bot.handleUpdate(structuredClone(update)),
              instances[1 - first]!.t.bot.handleUpdate(structuredClone(update)),
            ]);
          } else {
            await instances[first]!.t.bot.handleUpdate(structuredClone(update));
          }
        }
      }),
    );
    expect(duplicates).toBeGreaterThan(100);

    const got = byChat(timeline);
    for (const chatId of expected.updates.keys()) {
      const want = (expected.messages.get(chatId) ?? []).map(({ text, buttons }) => ({ text, buttons }));
      const have = (got.get(chatId) ?? []).map(({ text, buttons }) => ({ text, buttons }));
      expect(have, `messages of chat ${chatId}`).toEqual(want);
      expect(await instances[0]!.t.store.peek(`tg:${chatId}`), `session of chat ${chatId}`).toEqual(
        expected.sessions.get(chatId),
      );
    }
    const errors = instances.flatMap(({ t }) => t.logs.lines.filter((l) => /"level":(50|60)/.test(l)));
    expect(errors).toEqual([]);
    for (const { redis } of instances) redis.disconnect();
  }, 120_000);
});
