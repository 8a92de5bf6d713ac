/**
 * Telegram as a channel, on grammY: routing by chat type, the HR group's
 * commands and buttons, inline mode. Conversations in private chats run as
 * turns (src/turn.ts); grammY is the transport, not the session layer.
 */
import { Bot, type ChatTypeContext, Composer, type Context } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { formatGaps } from "../../core/faq-gap.ts";
import type { World } from "../../core/flow/transition.ts";
import { toAddress } from "../../core/protocol.ts";
import { DEFAULT_DESK_CONFIG, Desk, type Staff } from "../../desk/desk.ts";
import { LazyChild, type Log, type Logger } from "../../logger.ts";
import type { ChatStore, FaqLog } from "../../stores.ts";
import { type TurnHooks, Turns } from "../../turn.ts";
import { MemoryChatStore } from "../memory/chat-store.ts";
import { MemoryDeskStore } from "../memory/desk-store.ts";
import { MemoryFaqLog } from "../memory/faq-log.ts";
import { leanFetch } from "./fetch.ts";
import { CHANNEL, ReplyIO, replyIO, toKeyboard } from "./render.ts";
import { toEvent, updateToEvent } from "./to-event.ts";

export type PanduContext = Context & { log: Log };

/** Observers for metrics; every one optional. */
export interface BotHooks extends TurnHooks {
  update?(update: object, seconds: number): void;
}

export interface BotOptions {
  token: string;
  world: World;
  logger: Logger;
  /** Sessions with per-chat lock and dedupe; in memory when absent. */
  store?: ChatStore;
  /** Session TTL of the default in-memory store (default 7 days). */
  sessionTtlSeconds?: number;
  /** Clock (ms since epoch). */
  now?: () => number;
  /** Skips the getMe call (tests, or a known bot). */
  botInfo?: UserFromGetMe;
  /** Local Bot API server or emulator, e.g. http://127.0.0.1:8081. */
  apiRoot?: string;
  hooks?: BotHooks;
  /** Where unanswered questions and 👍/👎 go; in memory when absent. */
  faqLog?: FaqLog;
  /** Telegram user ids allowed to use admin commands (/faqgap, /statistik, /hubungkan anywhere). */
  adminIds?: number[];
  /** The HR desk; an in-memory one (no HR group) when absent. */
  desk?: Desk;
}

export const DEFAULT_SESSION_TTL = 7 * 24 * 3600;
/** Offered in inline mode before anything is typed. */
const INLINE_DEFAULTS = [
  "cara-aktivasi",
  "token-tidak-masuk",
  "email-tidak-sesuai",
  "syarat-password",
  "invalid-authenticator-code",
];
const PRIVATE_ONLY = ["start", "menu", "bantuan", "batal", "privasi", "petugas", "hapusdata"];
/** A group is pointed to the private chat at most once in this interval. */
const GROUP_POINTER_MS = 60_000;
/** Every command the bot acts on in a group; any other command there is chatter (see intake.ts). */
export const GROUP_COMMANDS: ReadonlySet<string> = new Set([
  "hubungkan",
  "putuskan",
  "kasus",
  "statistik",
  ...PRIVATE_ONLY,
]);

export const tg = (id: number) => toAddress(CHANNEL, id);

/** Builds the grammY bot: journeys in private chats, the HR desk in groups, FAQ inline. */
export function createBot(
  options: BotOptions,
): Bot<PanduContext> & { store: ChatStore; faqLog: FaqLog; desk: Desk; turns: Turns } {
  const now = options.now ?? Date.now;
  const bot = new Bot<PanduContext>(options.token, {
    ...(options.botInfo !== undefined ? { botInfo: options.botInfo } : {}),
    client: {
      fetch: leanFetch as never,
      ...(options.apiRoot !== undefined ? { apiRoot: options.apiRoot } : {}),
    },
  });

  const hooks = options.hooks ?? {};
  const store =
    options.store ??
    new MemoryChatStore({ ttlSeconds: options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL, now });
  const faqLog = options.faqLog ?? new MemoryFaqLog();
  const admins = new Set(options.adminIds ?? []);
  const desk = options.desk ?? new Desk(new MemoryDeskStore(), options.world, DEFAULT_DESK_CONFIG);
  const turns = new Turns({ world: options.world, store, desk, faqLog, now, hooks });

  bot.use(async (ctx, next) => {
    // The child logger is made on the first line written: most updates log nothing at the configured level.
    ctx.log = new LazyChild(options.logger, () => ({
      update_id: ctx.update.update_id,
      chat_id: ctx.chat?.id,
    }));
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      hooks.update?.(ctx.update, seconds);
      if (options.logger.isLevelEnabled("debug"))
        ctx.log.debug({ ms: Math.round(seconds * 100_000) / 100 }, "update done");
    }
  });

  // Routing by chat type with plain checks: grammY's filters (chatType, on, command) build a
  // Composer on every update they see, which showed up as 9 % of CPU in the benchmark profile.
  const groups = new Composer<ChatTypeContext<PanduContext, "group" | "supergroup">>();
  const privateCommands = new Composer<ChatTypeContext<PanduContext, "private">>();
  const anywhere = new Composer<PanduContext>();
  const staffOf = (from: { id: number; first_name: string; last_name?: string }): Staff => ({
    id: tg(from.id),
    name: [from.first_name, from.last_name].filter(Boolean).join(" "),
  });
  const mayConfigure = async (ctx: Context & { from: { id: number } }) => {
    if (admins.has(ctx.from.id)) return true;
    const member = await ctx.getChatMember(ctx.from.id).catch(() => undefined);
    return member?.status === "creator" || member?.status === "administrator";
  };
  const groupInfo = (chat: { id: number; type: string; title?: string; is_forum?: true }) => ({
    address: tg(chat.id),
    forum: chat.type === "supergroup" && chat.is_forum === true,
    ...(chat.title !== undefined ? { title: chat.title } : {}),
  });
  /** Group work runs under the group's lock and update dedupe: a redelivered update is applied once. */
  const inGroup = (ctx: ChatTypeContext<PanduContext, "group" | "supergroup">, work: () => Promise<void>) =>
    turns.exclusive(tg(ctx.chat.id), ctx.update.update_id, ctx.log, work);

  groups.command("hubungkan", (ctx) =>
    inGroup(ctx, async () => {
      const reply = await desk.link(
        groupInfo(ctx.chat),
        staffOf(ctx.from),
        ctx.match,
        await mayConfigure(ctx),
        now(),
      );
      await ctx.reply(
        reply.text,
        reply.buttons ? { reply_markup: { inline_keyboard: toKeyboard(reply.buttons) } } : {},
      );
    }),
  );
  groups.command("putuskan", (ctx) =>
    inGroup(ctx, async () => {
      const reply = await desk.unlink(
        tg(ctx.chat.id),
        staffOf(ctx.from),
        ctx.match,
        await mayConfigure(ctx),
        now(),
      );
      await ctx.reply(reply.text);
    }),
  );
  groups.command("kasus", (ctx) =>
    inGroup(ctx, async () => {
      const n = /^#?(\d{1,12})$/.exec(ctx.match.trim())?.[1];
      await ctx.reply((await desk.groupList(tg(ctx.chat.id), now(), n)).text);
    }),
  );
  anywhere.command("statistik", async (ctx, next) => {
    if (ctx.from === undefined || !admins.has(ctx.from.id)) return next();
    await ctx.reply(await desk.stats());
  });
  groups.callbackQuery(/^d\|/, (ctx) =>
    inGroup(ctx, async () => {
      const text = await desk.staffButton(tg(ctx.chat.id), staffOf(ctx.from), ctx.callbackQuery.data, now());
      ctx.log.info({ action: ctx.callbackQuery.data.split("|")[1] }, "desk button");
      await ctx.answerCallbackQuery({ text });
    }),
  );
  groups.callbackQuery(/^h\|/, (ctx) =>
    inGroup(ctx, async () => {
      const reply = await desk.linkPick(
        groupInfo(ctx.chat),
        staffOf(ctx.from),
        ctx.callbackQuery.data,
        await mayConfigure(ctx),
        now(),
      );
      await ctx.answerCallbackQuery();
      await ctx.reply(reply.text);
    }),
  );
  // Staff answers: replies to a case's messages, or messages in a case's forum topic.
  groups.on(["message:text", "message:photo"], async (ctx, next) => {
    const msg = ctx.message;
    if (msg.text?.startsWith("/")) return next();
    const replyTo = msg.reply_to_message?.message_id;
    const topic = msg.is_topic_message ? msg.message_thread_id : undefined;
    if (replyTo === undefined && topic === undefined) return next(); // chatter: costs nothing
    // A reply to a person (not to the bot) outside a case's topic cannot answer a case: chatter too.
    const repliedBy = msg.reply_to_message?.from?.id;
    if (topic === undefined && repliedBy !== undefined && repliedBy !== ctx.me.id) return next();
    await inGroup(ctx, async () => {
      const photo = msg.photo?.at(-1)?.file_id;
      const reply = await desk.staffMessage(
        tg(ctx.chat.id),
        staffOf(ctx.from),
        {
          ...(replyTo !== undefined && replyTo !== topic ? { replyTo: String(replyTo) } : {}),
          ...(msg.reply_to_message?.from?.id === ctx.me.id
            ? { replyToBotText: msg.reply_to_message.text ?? msg.reply_to_message.caption ?? "" }
            : {}),
          ...(topic !== undefined ? { topic: String(topic) } : {}),
          ...(msg.text !== undefined ? { text: msg.text } : {}),
          ...(photo !== undefined ? { photo } : {}),
          ...(msg.caption !== undefined ? { caption: msg.caption } : {}),
        },
        now(),
      );
      if (reply !== undefined)
        await ctx.reply(reply.text, { reply_parameters: { message_id: msg.message_id } });
    });
  });
  // One pointer to the private chat per group and minute: a group repeating /start gets no echo of each.
  const pointedAt = new Map<number, number>();
  groups.command(PRIVATE_ONLY, async (ctx) => {
    const at = now();
    if (at - (pointedAt.get(ctx.chat.id) ?? Number.NEGATIVE_INFINITY) < GROUP_POINTER_MS) return;
    if (pointedAt.size >= 10_000) pointedAt.clear();
    pointedAt.set(ctx.chat.id, at);
    const link = `https://t.me/${ctx.me.username}`;
    await ctx.reply(
      "Pandu melayani lewat chat pribadi, supaya data Anda tetap aman. Silakan buka chat pribadi dengan Pandu.",
      {
        reply_markup: { inline_keyboard: [[{ text: "💬 Buka chat pribadi", url: link }]] },
        link_preview_options: { is_disabled: true },
      },
    );
  });

  // Inline mode: "@bot token" in any chat offers FAQ answers to share.
  anywhere.on("inline_query", async (ctx) => {
    const query = ctx.inlineQuery.query.trim().slice(0, 200);
    const faq = options.world.faq;
    const hits =
      faq === undefined
        ? []
        : query.length > 0
          ? faq.search(query, 5)
          : INLINE_DEFAULTS.flatMap((id) => faq.get(id) ?? []);
    await ctx.answerInlineQuery(
      hits.map((hit) => ({
        type: "article" as const,
        id: hit.id,
        title: hit.title,
        description: hit.answer.slice(0, 120),
        input_message_content: {
          message_text: `💡 ${hit.title}\n\n${hit.answer}\n\n— Pandu, asisten akun ASN: @${ctx.me.username}`,
          link_preview_options: { is_disabled: true },
        },
      })),
      { cache_time: 300, is_personal: false },
    );
  });

  // Admin commands, answered before the journeys; anyone else's /faqgap is just text to the engine.
  privateCommands.command("faqgap", async (ctx, next) => {
    if (!admins.has(ctx.from.id)) return next();
    const gaps = await faqLog.gaps(20);
    await ctx.reply(`Pertanyaan yang belum terjawab (data pribadi disamarkan):\n${formatGaps(gaps)}`);
  });

  const journey = async (ctx: ChatTypeContext<PanduContext, "private">) => {
    const event = toEvent(ctx);
    if (event === undefined) {
      if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery();
      return;
    }
    await turns.run({
      chat: tg(ctx.chat.id),
      updateId: ctx.update.update_id,
      event,
      io: replyIO(ctx, ctx.log),
      log: ctx.log,
    });
  };

  /**
   * The same journey for a private message that is not a command, or a private
   * button, straight from the raw update: no grammY Context, per-update Api or
   * middleware chain (a third of an update's allocations in the benchmark
   * profile). Calls go through bot.api, with the same transformers. Anything
   * else, commands included (admin commands are routed by grammY), takes grammY's path.
   */
  const journeyFast = async (update: Update): Promise<void> => {
    const message = update.message;
    const query = update.callback_query;
    const chatId = (message?.chat ?? query?.message?.chat)!.id;
    const log = new LazyChild(options.logger, () => ({ update_id: update.update_id, chat_id: chatId }));
    const started = performance.now();
    try {
      const event = updateToEvent(update, bot.botInfo.username);
      if (event === undefined) {
        if (query !== undefined) await bot.api.answerCallbackQuery(query.id);
        return;
      }
      await turns.run({
        chat: tg(chatId),
        updateId: update.update_id,
        event,
        io: new ReplyIO(bot.api, chatId, message?.message_id, query?.id, log),
        log,
      });
    } catch (err) {
      reportError(log, err);
    } finally {
      const seconds = (performance.now() - started) / 1000;
      hooks.update?.(update, seconds);
      if (options.logger.isLevelEnabled("debug"))
        log.debug({ ms: Math.round(seconds * 100_000) / 100 }, "update done");
    }
  };

  // Buttons pressed outside a private chat (old messages, forged updates): acknowledge, nothing else.
  anywhere.on("callback_query", (ctx) => ctx.answerCallbackQuery());

  const groupMw = groups.middleware();
  const privateCommandMw = privateCommands.middleware();
  const anywhereMw = anywhere.middleware();
  bot.use((ctx, next) => {
    const type = ctx.chat?.type;
    if (type === "private") {
      const c = ctx as ChatTypeContext<PanduContext, "private">;
      // Only a command can be an admin command: everything else goes straight to the journey.
      if (ctx.message?.text?.startsWith("/") !== true) return journey(c);
      return anywhereMw(ctx, async () => {
        await privateCommandMw(c, () => journey(c));
      });
    }
    if (type === "group" || type === "supergroup") {
      return groupMw(ctx as ChatTypeContext<PanduContext, "group" | "supergroup">, async () => {
        await anywhereMw(ctx, next);
      });
    }
    return anywhereMw(ctx, next);
  });

  bot.catch((err) => reportError((err.ctx as Partial<PanduContext>).log ?? options.logger, err.error));

  const viaGrammy = bot.handleUpdate.bind(bot);
  bot.handleUpdate = (update, webhookReplyEnvelope) =>
    webhookReplyEnvelope === undefined && bot.isInited() && isPrivateJourney(update)
      ? journeyFast(update)
      : viaGrammy(update, webhookReplyEnvelope);
  return Object.assign(bot, { store, faqLog, desk, turns });
}

/** A private message that is not a command, or a button pressed in a private chat. */
function isPrivateJourney(update: Update): boolean {
  const message = update.message;
  if (message !== undefined) return message.chat.type === "private" && message.text?.startsWith("/") !== true;
  return update.callback_query?.message?.chat.type === "private";
}

/** Never the error object itself: grammY's BotError carries the update (message text) and the API (token). */
function reportError(log: Log, error: unknown): void {
  const inner = error instanceof Error ? error : undefined;
  log.error(
    {
      err: {
        type: inner?.name ?? typeof error,
        message: (inner?.message ?? String(error)).slice(0, 500),
      },
    },
    "update failed",
  );
}
