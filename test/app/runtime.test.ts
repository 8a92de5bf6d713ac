/**
 * `npm start`'s runtime in this process against the loopback Bot API: a chat
 * whose turn hangs and that keeps sending (600 updates) does not keep another
 * chat from being answered, in long polling and in webhook mode. Asserted by
 * counts: the other chat is answered while the flooder has not had one reply.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Runtime, startRuntime } from "../../src/app/runtime.ts";
import { parseConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { FakeTelegram } from "../helpers/fake-telegram.ts";

const TOKEN = "4242:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const FLOODER = 61_001;
const OTHER = 61_002;
const SECRET = "runtime-test-secret-0123456789-abcdef";

let telegram: FakeTelegram | undefined;
let runtime: Runtime | undefined;
afterEach(async () => {
  telegram?.release(FLOODER);
  await runtime?.stop();
  await telegram?.stop();
  runtime = undefined;
  telegram = undefined;
});

async function start(extra: Record<string, string> = {}) {
  telegram = new FakeTelegram();
  await telegram.start();
  const config = parseConfig({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: telegram.url, PORT: "0", ...extra });
  runtime = await startRuntime(config, createLogger({ level: "silent" }));
  return { telegram, runtime };
}

/** Posts updates to the webhook as Telegram does: at most `connections` requests at once, in order. */
async function postAll(url: string, updates: Record<string, unknown>[], connections = 40) {
  const statuses: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < updates.length) {
      const update = updates[next++]!;
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(update),
      });
      statuses.push(res.status);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return statuses;
}

const repliesTo = (t: FakeTelegram, chat: number) => t.sent.filter((m) => m.chat_id === chat);

describe("npm start's runtime: a flooding chat whose turn hangs", () => {
  it("long polling: another chat is answered while the flooder's 600 updates wait or are dropped", async () => {
    const { telegram } = await start();
    telegram.hold(FLOODER);
    for (let i = 0; i < 600; i++) telegram.text(FLOODER, i % 2 === 0 ? "/start" : "/privasi");
    telegram.text(OTHER, "/start");
    const other = await telegram.waitForMessages(OTHER, 1, 15_000);
    expect(other[0]?.text).toContain("Halo, saya Pandu");
    expect(repliesTo(telegram, FLOODER)).toHaveLength(0);
    // Waiting in sendMessage: the flooder's first reply, and the one notice that the rest was dropped.
    expect(telegram.waiting(FLOODER)).toBe(2);
  }, 30_000);

  it("long polling: fifty hung chats with a backlog each take no more than a slot each; another chat is answered", async () => {
    const { telegram } = await start();
    const hung = Array.from({ length: 50 }, (_, i) => 62_000 + i);
    for (const chat of hung) telegram.hold(chat);
    for (let round = 0; round < 12; round++) for (const chat of hung) telegram.text(chat, "/start");
    telegram.text(OTHER, "/start");
    const other = await telegram.waitForMessages(OTHER, 1, 15_000);
    expect(other[0]?.text).toContain("Halo, saya Pandu");
    expect(hung.every((chat) => repliesTo(telegram, chat).length === 0)).toBe(true);
    for (const chat of hung) telegram.release(chat);
  }, 30_000);

  it("webhook: every request is answered at once, and another chat is answered while the flooder hangs", async () => {
    const { telegram, runtime } = await start({
      WEBHOOK_URL: "https://pandu.example/tg/hook",
      WEBHOOK_SECRET: SECRET,
    });
    telegram.hold(FLOODER);
    const url = `http://127.0.0.1:${runtime.port}/tg/hook`;
    const flood = Array.from({ length: 600 }, (_, i) =>
      telegram.textUpdate(FLOODER, i % 2 === 0 ? "/start" : "/privasi"),
    );
    const statuses = await postAll(url, [...flood, telegram.textUpdate(OTHER, "/start")]);
    expect(statuses).toHaveLength(601);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const other = await telegram.waitForMessages(OTHER, 1, 15_000);
    expect(other[0]?.text).toContain("Halo, saya Pandu");
    expect(repliesTo(telegram, FLOODER)).toHaveLength(0);
    // The flooder's turn waits in sendMessage; 10 wait behind it; the rest were dropped (and counted).
    expect(await runtime.metrics.droppedUpdates.get()).toMatchObject({ values: [{ value: 589 }] });
  }, 30_000);
});
