/**
 * Issue 13, item 1: a failed update never puts the bot token or the user's
 * text into a log. grammY's BotError carries the whole context (the update with
 * the message text, the API with the token); a GrammyError carries the payload
 * of the call that failed. Driven through the webhook HTTP server and the real
 * bot, with every level captured (trace).
 */
import type { UserFromGetMe } from "grammy/types";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHttpServer, type HttpServer, SECRET_HEADER } from "../../src/adapters/http/server.ts";
import { MemoryChatStore } from "../../src/adapters/memory/chat-store.ts";
import { createBot } from "../../src/adapters/telegram/bot.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { newSession } from "../../src/core/session.ts";
import { createLogger, errorSummary, scrubLog } from "../../src/logger.ts";
import { LockTimeoutError } from "../../src/stores.ts";
import { BOT_INFO, LogCapture } from "../helpers/bot-harness.ts";

const TOKEN = "7000001:AAE_SentinelBotToken-0123456789abcdefXYZ";
const TOKEN_SECRET_PART = "SentinelBotToken-0123456789abcdef";
const PASSWORD = "Sentinel#Pw2026xQ";
const SECRET = "webhook-secret-for-the-log-test";
const USER = 7070;
const GROUP = -1007070;

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

let running: HttpServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** The real bot and the webhook server, logging every level into `logs`. */
async function start(options: { store?: MemoryChatStore; failCalls?: boolean }) {
  const logs = new LogCapture();
  const logger = createLogger({ level: "trace", destination: logs });
  const bot = createBot({
    token: TOKEN,
    world,
    logger,
    botInfo: BOT_INFO as UserFromGetMe,
    ...(options.store !== undefined ? { store: options.store } : {}),
    now: () => Date.UTC(2026, 10, 24, 3),
  });
  bot.api.config.use(async (_prev, method, payload) => {
    if (options.failCalls === true && method !== "getChatMember")
      return {
        ok: false,
        error_code: 400,
        description: "Bad Request: chat not found",
        parameters: {},
      } as never;
    if (method === "getChatMember")
      return { ok: true, result: { status: "administrator", user: { id: 1, is_bot: false } } } as never;
    const p = payload as Record<string, unknown>;
    return { ok: true, result: { message_id: 1, date: 1, chat: { id: p.chat_id }, text: p.text } } as never;
  });
  const http = createHttpServer({
    logger,
    webhookPath: "/telegram/hook",
    webhookSecret: SECRET,
    handleUpdate: (u) => bot.handleUpdate(u as never),
    ready: async () => ({ ok: true, checks: {} }),
  });
  running = http;
  const base = `http://127.0.0.1:${await http.listen(0, "127.0.0.1")}`;
  const post = (update: unknown) =>
    fetch(`${base}/telegram/hook`, {
      method: "POST",
      headers: { "content-type": "application/json", [SECRET_HEADER]: SECRET },
      body: JSON.stringify(update),
    });
  return { logs, post };
}

/** A store whose lock is always held by another process (webhook mode: the update is left for redelivery). */
class BusyStore extends MemoryChatStore {
  override async acquire(chat: string): Promise<never> {
    throw new LockTimeoutError(chat, 5_000);
  }
}

function expectClean(logs: LogCapture) {
  expect(logs.lines.length).toBeGreaterThan(0);
  expect(logs.text).not.toContain(TOKEN_SECRET_PART);
  expect(logs.text).not.toContain(PASSWORD);
  expect(logs.text).not.toContain("Sentinel");
}

describe("a failed update logs no token and no message text (webhook, every level)", () => {
  it("a password typed while the chat is busy elsewhere: BotError around LockTimeoutError", async () => {
    const store = new BusyStore({ ttlSeconds: 3600 });
    store.poke(`tg:${USER}`, JSON.stringify(newSession("aktivasi", "d-password", 0)));
    const { logs, post } = await start({ store });
    const res = await post({
      update_id: 90001,
      message: {
        message_id: 5,
        date: 1,
        chat: { id: USER, type: "private", first_name: "B" },
        from: { id: USER, is_bot: false, first_name: "B" },
        text: PASSWORD,
      },
    });
    expect(res.status).toBe(500); // left for Telegram to redeliver
    expectClean(logs);
    const failed = logs.lines.map((l) => JSON.parse(l)).find((l) => l.msg === "update handler failed");
    expect(failed.update_id).toBe(90001);
    expect(failed.err).toMatchObject({ type: "LockTimeoutError", update_id: 90001 });
    expect(failed.err.message).toContain("chat lock not acquired");
  });

  it("a group command whose reply fails: BotError around GrammyError (whose payload echoes the text)", async () => {
    const { logs, post } = await start({ failCalls: true });
    const text = `/hubungkan ${PASSWORD} ${TOKEN}`;
    const res = await post({
      update_id: 90002,
      message: {
        message_id: 6,
        date: 1,
        chat: { id: GROUP, type: "supergroup", title: "HR" },
        from: { id: 1, is_bot: false, first_name: "Admin" },
        text,
        entities: [{ type: "bot_command", offset: 0, length: "/hubungkan".length }],
      },
    });
    expect(res.status).toBe(500);
    expectClean(logs);
    const failed = logs.lines.map((l) => JSON.parse(l)).find((l) => l.msg === "update handler failed");
    expect(failed.err).toMatchObject({
      type: "GrammyError",
      method: "sendMessage",
      code: 400,
      description: "Bad Request: chat not found",
      update_id: 90002,
    });
  });
});

describe("the logger's safety net", () => {
  it("drops ctx, api and token at any depth, and summarises errors wherever they sit", () => {
    const logs = new LogCapture();
    const log = createLogger({ level: "trace", destination: logs });
    const ctx = { update: { message: { text: PASSWORD } }, api: { token: TOKEN } };
    const error = Object.assign(new Error("boom"), { ctx, payload: { text: PASSWORD } });
    log.error({ err: error }, "top-level err");
    log.warn({ detail: { deep: { deeper: { ctx, token: TOKEN, list: [{ api: ctx.api }] } } } }, "nested");
    log.info({ wrapped: { cause: error } }, "error inside an object");
    log.debug({ err: `request to https://api.telegram.org/bot${TOKEN}/getMe failed` }, "as a string");
    log.error(error); // an error as the only argument
    expect(logs.lines).toHaveLength(5);
    expectClean(logs);
    expect(JSON.parse(logs.lines[0]!).err).toEqual({ type: "Error", message: "boom" });
  });

  it("leaves ordinary log objects as they are (same object: nothing copied)", () => {
    const plain = { update_id: 1, flow: "menu", nested: { ms: 3, list: [1, 2] } };
    expect(scrubLog(plain)).toBe(plain);
  });

  it("errorSummary keeps type, message, the API method and code, and the update id; masks tokens", () => {
    const inner = Object.assign(new Error(`Call to 'getMe' failed! bot${TOKEN}`), {
      name: "GrammyError",
      method: "getMe",
      error_code: 401,
      description: "Unauthorized",
      payload: { text: PASSWORD },
    });
    const botError = Object.assign(new Error("GrammyError in middleware"), {
      name: "BotError",
      error: inner,
      ctx: { update: { update_id: 77, message: { text: PASSWORD } }, api: { token: TOKEN } },
    });
    const summary = errorSummary(botError);
    expect(summary).toMatchObject({
      type: "GrammyError",
      method: "getMe",
      code: 401,
      description: "Unauthorized",
      update_id: 77,
    });
    expect(JSON.stringify(summary)).not.toContain(TOKEN_SECRET_PART);
    expect(JSON.stringify(summary)).not.toContain(PASSWORD);
  });
});
