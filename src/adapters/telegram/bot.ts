import { Bot, type Context, GrammyError, HttpError, type SessionFlavor, type StorageAdapter, session } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { decide } from "../../app/decide.ts";
import type { World } from "../../core/flow/transition.ts";
import type { Logger } from "../../logger.ts";
import { runEffects } from "./run-effects.ts";
import { toEvent } from "./to-event.ts";

/** Session data as stored: parsed and versioned by `decide`, so unknown here. */
export type StoredSession = unknown;

export type PanduContext = Context & SessionFlavor<StoredSession> & { log: Logger };

export interface BotOptions {
  token: string;
  world: World;
  logger: Logger;
  /** Session storage; grammY's in-memory storage when absent. */
  storage?: StorageAdapter<StoredSession>;
  /** Clock (ms since epoch). */
  now?: () => number;
  /** Skips the getMe call (tests, or a known bot). */
  botInfo?: UserFromGetMe;
  /** Local Bot API server or emulator, e.g. http://127.0.0.1:8081. */
  apiRoot?: string;
}

export const APOLOGY = "Maaf, sedang ada gangguan. Silakan coba beberapa saat lagi.";

/**
 * Builds the grammY bot: journeys in private chats, a pointer to the private
 * chat in groups, everything else ignored. Sessions go through grammY's
 * session middleware, keyed by chat.
 */
export function createBot(options: BotOptions): Bot<PanduContext> {
  const now = options.now ?? Date.now;
  const bot = new Bot<PanduContext>(options.token, {
    ...(options.botInfo !== undefined ? { botInfo: options.botInfo } : {}),
    ...(options.apiRoot !== undefined ? { client: { apiRoot: options.apiRoot } } : {}),
  });

  bot.use(async (ctx, next) => {
    ctx.log = options.logger.child({ update_id: ctx.update.update_id, chat_id: ctx.chat?.id });
    const started = performance.now();
    await next();
    ctx.log.debug({ ms: Math.round((performance.now() - started) * 100) / 100 }, "update done");
  });

  const groups = bot.chatType(["group", "supergroup"]);
  groups.command(["start", "menu", "bantuan", "batal", "privasi", "petugas", "hapusdata"], async (ctx) => {
    const link = `https://t.me/${ctx.me.username}`;
    await ctx.reply("Pandu melayani lewat chat pribadi, supaya data Anda tetap aman. Silakan buka chat pribadi dengan Pandu.", {
      reply_markup: { inline_keyboard: [[{ text: "💬 Buka chat pribadi", url: link }]] },
      link_preview_options: { is_disabled: true },
    });
  });

  const privateChats = bot.chatType("private");
  privateChats.use(
    session({
      // No initial value: an absent session means a new chat; `decide` parses whatever is stored.
      getSessionKey: (ctx) => ctx.chat?.id.toString(),
      ...(options.storage !== undefined ? { storage: options.storage } : {}),
    }),
  );
  privateChats.on(["message", "callback_query:data"], async (ctx) => {
    const event = toEvent(ctx);
    if (event === undefined) {
      if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery();
      return;
    }
    try {
      const decision = decide(options.world, await ctx.session, event, now());
      if (decision.recoveredFrom !== undefined) {
        ctx.log.warn({ reason: decision.recoveredFrom.slice(0, 300) }, "stored session unreadable; started afresh");
      }
      await runEffects(ctx, decision.effects, ctx.log);
      // Assigned only once every effect ran: a failure keeps the previous session.
      ctx.session = decision.session;
    } catch (error) {
      logError(ctx.log, error);
      await ctx.api.sendMessage(ctx.chat.id, APOLOGY).catch(() => undefined);
      if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery().catch(() => undefined);
    }
  });

  // Buttons pressed outside a private chat (old messages, forged updates): acknowledge, nothing else.
  bot.on("callback_query", (ctx) => ctx.answerCallbackQuery());

  bot.catch((err) => {
    const log = (err.ctx as Partial<PanduContext>).log ?? options.logger;
    logError(log, err.error);
  });
  return bot;
}

function logError(log: Logger, error: unknown): void {
  if (error instanceof GrammyError) log.error({ method: error.method, code: error.error_code, description: error.description }, "telegram refused a call");
  else if (error instanceof HttpError) log.error({ err: String(error.error) }, "telegram unreachable");
  else log.error({ err: error }, "update failed");
}
