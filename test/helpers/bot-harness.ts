import { Writable } from "node:stream";
import type { Update, UserFromGetMe } from "grammy/types";
import { MemoryChatStore } from "../../src/adapters/memory/chat-store.ts";
import { type BotHooks, createBot } from "../../src/adapters/telegram/bot.ts";
import { createTelegramSender } from "../../src/adapters/telegram/sender.ts";
import type { World } from "../../src/core/flow/transition.ts";
import type { Dashboard } from "../../src/desk/dashboard.ts";
import type { Desk } from "../../src/desk/desk.ts";
import { createLogger } from "../../src/logger.ts";
import type { ChatStore, FaqLog } from "../../src/stores.ts";

export const BOT_INFO: UserFromGetMe = {
  id: 424242,
  is_bot: true,
  first_name: "Pandu",
  username: "PanduTestBot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

/** A log sink that keeps every line (pino JSON) for assertions. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join("\n");
  }
}

/**
 * The real grammY bot, offline: a recording API transformer answers every
 * call with a well-formed result, nothing leaves the process.
 */
export function createTestBot(
  world: World,
  options: {
    now?: () => number;
    logLevel?: string;
    store?: ChatStore;
    hooks?: BotHooks;
    faqLog?: FaqLog;
    adminIds?: number[];
    desk?: Desk;
    /** A Bot API error to answer this call with instead of success (a permanent failure, a blocked user, …). */
    fail?: (
      method: string,
      payload: Record<string, unknown>,
    ) => { error_code: number; description: string } | undefined;
    dashboard?: Dashboard;
  } = {},
) {
  const calls: ApiCall[] = [];
  const store = options.store ?? new MemoryChatStore({ ttlSeconds: 3600 });
  const logs = new LogCapture();
  const logger = createLogger({ level: options.logLevel ?? "debug", destination: logs });
  const bot = createBot({
    token: "424242:TEST",
    world,
    logger,
    store,
    botInfo: BOT_INFO,
    ...(options.hooks !== undefined ? { hooks: options.hooks } : {}),
    ...(options.faqLog !== undefined ? { faqLog: options.faqLog } : {}),
    ...(options.adminIds !== undefined ? { adminIds: options.adminIds } : {}),
    ...(options.desk !== undefined ? { desk: options.desk } : {}),
    ...(options.dashboard !== undefined ? { dashboard: options.dashboard } : {}),
    now: options.now ?? (() => Date.UTC(2026, 10, 24, 3, 0, 0)),
  });
  let messageId = 1000;
  const groupAdmins = new Set<number>();
  /** Admins per chat (when a chat is listed here, only these users administer it). */
  const chatAdmins = new Map<number, Set<number>>();
  bot.api.config.use(async (_prev, method, payload) => {
    calls.push({ method, payload: payload as Record<string, unknown> });
    const p = payload as Record<string, unknown>;
    const failure = options.fail?.(method, p);
    if (failure !== undefined) return { ok: false, ...failure } as never;
    if (method === "getChatMemberCount") return { ok: true, result: 12 } as never;
    if (method === "getChatMember") {
      const userId = Number(p.user_id);
      const admins = chatAdmins.get(Number(p.chat_id)) ?? groupAdmins;
      const status = admins.has(userId) ? "administrator" : "member";
      return { ok: true, result: { status, user: { id: userId, is_bot: false, first_name: "X" } } } as never;
    }
    if (method === "createForumTopic") {
      return { ok: true, result: { message_thread_id: ++messageId, name: p.name, icon_color: 0 } } as never;
    }
    if (method === "sendMessage" || method === "sendPhoto") {
      const result = {
        message_id: ++messageId,
        date: 1_790_000_000,
        chat: { id: p.chat_id, type: "private" },
        text: p.text,
      };
      return { ok: true, result } as never;
    }
    return { ok: true, result: true } as never;
  });

  let updateId = 1;
  let userMessageId = 1;
  const user = (chatId: number) => ({ id: chatId, is_bot: false, first_name: "Budi" });
  const chat = (chatId: number) => ({ id: chatId, type: "private" as const, first_name: "Budi" });

  return {
    bot,
    calls,
    store,
    logs,
    groupAdmins,
    chatAdmins,
    /** Delivers everything the desk queued, as the runtime's outbox loop would, advancing a simulated clock. */
    async flush(from = Date.UTC(2026, 10, 24, 3)): Promise<number> {
      const send = createTelegramSender(bot.api);
      let now = from;
      let sent = 0;
      for (let i = 0; i < 500; i++) {
        const result = await bot.desk.store.drain(now, send, bot.desk.hooks);
        sent += result.sent;
        if (result.nextDueAt === undefined) break;
        now = Math.max(now + 1, result.nextDueAt);
      }
      return sent;
    },
    async text(chatId: number, text: string) {
      const message_id = ++userMessageId;
      const update: Update = {
        update_id: ++updateId,
        message: { message_id, date: 1_790_000_000, chat: chat(chatId), from: user(chatId), text },
      } as Update;
      if (text.startsWith("/")) {
        const length = text.split(/\s/)[0]!.length;
        (update.message as { entities?: unknown[] }).entities = [{ type: "bot_command", offset: 0, length }];
      }
      await bot.handleUpdate(update);
      return message_id;
    },
    async tap(chatId: number, data: string) {
      const update: Update = {
        update_id: ++updateId,
        callback_query: {
          id: String(updateId),
          from: user(chatId),
          chat_instance: "ci",
          data,
          message: { message_id: messageId, date: 1_790_000_000, chat: chat(chatId), text: "x" },
        },
      } as Update;
      await bot.handleUpdate(update);
    },
    async raw(update: Omit<Update, "update_id">) {
      await bot.handleUpdate({ update_id: ++updateId, ...update } as Update);
    },
  };
}
