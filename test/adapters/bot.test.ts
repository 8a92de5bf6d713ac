import { beforeAll, describe, expect, it } from "vitest";
import { MemoryChatStore } from "../../src/adapters/memory/chat-store.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { createTestBot } from "../helpers/bot-harness.ts";

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

const texts = (calls: { method: string; payload: Record<string, unknown> }[]) =>
  calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text));

describe("grammY adapter", () => {
  it("in a group answers only its commands, with a link to the private chat", async () => {
    const t = createTestBot(world);
    const group = { id: -100123, type: "supergroup", title: "BKPSDM" };
    const from = { id: 9, is_bot: false, first_name: "Ani" };
    await t.raw({ message: { message_id: 1, date: 1, chat: group, from, text: "halo semua" } } as never);
    expect(t.calls).toEqual([]);
    await t.raw({
      message: {
        message_id: 2,
        date: 1,
        chat: group,
        from,
        text: "/menu",
        entities: [{ type: "bot_command", offset: 0, length: 5 }],
      },
    } as never);
    expect(t.calls).toHaveLength(1);
    expect(t.calls[0]?.payload.text).toContain("chat pribadi");
    expect(JSON.stringify(t.calls[0]?.payload.reply_markup)).toContain("https://t.me/PanduTestBot");
  });

  it("group chatter, replies to people included, costs nothing: no lock, no dedupe entry, no desk", async () => {
    const t = createTestBot(world);
    const group = { id: -100125, type: "supergroup", title: "BKPSDM" };
    const from = { id: 9, is_bot: false, first_name: "Ani" };
    const person = { id: 10, is_bot: false, first_name: "Budi" };
    await t.raw({ message: { message_id: 3, date: 1, chat: group, from, text: "selamat pagi" } } as never);
    await t.raw({
      message: {
        message_id: 4,
        date: 1,
        chat: group,
        from,
        text: "setuju",
        reply_to_message: { message_id: 3, date: 1, chat: group, from: person, text: "rapat jam 9" },
      },
    } as never);
    expect(t.calls).toEqual([]);
    expect((t.store as MemoryChatStore).size).toBe(0);
  });

  it("a group repeating /start is pointed to the private chat once a minute, not once per command", async () => {
    let now = Date.UTC(2026, 10, 24, 3);
    const t = createTestBot(world, { now: () => now });
    const group = { id: -100124, type: "supergroup", title: "BKPSDM" };
    const from = { id: 9, is_bot: false, first_name: "Ani" };
    const start = () =>
      t.raw({
        message: {
          message_id: 2,
          date: 1,
          chat: group,
          from,
          text: "/start",
          entities: [{ type: "bot_command", offset: 0, length: 6 }],
        },
      } as never);
    for (let i = 0; i < 30; i++) await start();
    expect(t.calls.filter((c) => c.method === "sendMessage")).toHaveLength(1);
    now += 61_000;
    await start();
    expect(t.calls.filter((c) => c.method === "sendMessage")).toHaveLength(2);
  });

  it("ignores edited messages and channel posts, and acknowledges stray callbacks", async () => {
    const t = createTestBot(world);
    const chat = { id: 71, type: "private", first_name: "Budi" };
    await t.raw({
      edited_message: {
        message_id: 1,
        date: 1,
        edit_date: 2,
        chat,
        from: { id: 71, is_bot: false, first_name: "Budi" },
        text: "x",
      },
    } as never);
    await t.raw({
      channel_post: { message_id: 1, date: 1, chat: { id: -1001, type: "channel", title: "c" }, text: "x" },
    } as never);
    expect(t.calls).toEqual([]);
    await t.raw({
      callback_query: {
        id: "q",
        from: { id: 8, is_bot: false, first_name: "X" },
        chat_instance: "c",
        data: "b|menu|mulai|0|aaaa",
      },
    } as never);
    expect(t.calls.map((c) => c.method)).toEqual(["answerCallbackQuery"]);
  });

  it("recovers from unreadable stored data with a short apology and a warning log", async () => {
    const store = new MemoryChatStore({ ttlSeconds: 3600 });
    store.poke("tg:72", JSON.stringify({ foreign: "telegraf-session", __scenes: {} }));
    const t = createTestBot(world, { store });
    await t.text(72, "halo");
    const sent = texts(t.calls);
    expect(sent[0]).toContain("Maaf, panduan ini baru saja diperbarui");
    expect(sent[1]).toContain("Halo, saya Pandu");
    expect(t.logs.text).toContain("stored session unreadable");
    expect(await store.peek("tg:72")).toMatchObject({ v: 1, flow: "menu", state: "mulai" });
  });

  it("skips an update delivered twice (same update_id)", async () => {
    const t = createTestBot(world);
    const update = {
      update_id: 99,
      message: {
        message_id: 5,
        date: 1,
        chat: { id: 73, type: "private", first_name: "B" },
        from: { id: 73, is_bot: false, first_name: "B" },
        text: "/start",
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      },
    };
    await t.bot.handleUpdate(update as never);
    await t.bot.handleUpdate(update as never);
    expect(texts(t.calls)).toHaveLength(1);
  });

  it("keeps the previous session when Telegram refuses a reply, and apologises", async () => {
    const t = createTestBot(world);
    await t.text(74, "/start");
    const before = await t.store.peek("tg:74");
    t.bot.api.config.use(async (prev, method, payload, signal) => {
      if (method === "sendMessage" && !String((payload as { text?: string }).text).startsWith("Maaf")) {
        return { ok: false, error_code: 400, description: "Bad Request: test" } as never;
      }
      return prev(method, payload, signal);
    });
    await t.tap(74, "g|human");
    expect(await t.store.peek("tg:74")).toEqual(before);
    expect(texts(t.calls).at(-1)).toBe("Maaf, terjadi kesalahan. Silakan coba lagi.");
  });
});
