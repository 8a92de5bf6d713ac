import { createHash } from "node:crypto";
import {
  Bot,
  type ChatTypeContext,
  Composer,
  type Context,
  GrammyError,
  HttpError,
  type SessionFlavor,
  session,
} from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { decide } from "../../app/decide.ts";
import type { Effect, World } from "../../core/flow/transition.ts";
import { MemoryCaseStore } from "../../desk/case-store.ts";
import { DEFAULT_DESK_CONFIG, Desk, withVarChanges } from "../../desk/desk.ts";
import type { Logger } from "../../logger.ts";
import { type ChatStore, LeasedStorage, LockTimeoutError } from "../chat-store.ts";
import { type FaqLog, formatGaps, MemoryFaqLog } from "../faq-log.ts";
import { MemoryChatStore } from "../memory/chat-store.ts";
import { MemoryOutbox } from "../outbox.ts";
import { runEffects, toKeyboard } from "./run-effects.ts";
import { toEvent } from "./to-event.ts";

/** Session data as stored: parsed and versioned by `decide`, so unknown here. */
export type StoredSession = unknown;

export type PanduContext = Context & SessionFlavor<StoredSession> & { log: Logger };

/** Observers for metrics; every one optional. */
export interface BotHooks {
  update?(update: object, seconds: number): void;
  track?(effect: Extract<Effect, { type: "track" }>): void;
  error?(kind: "telegram" | "network" | "redis" | "lock_timeout" | "handler"): void;
  duplicate?(): void;
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
  /** The HR desk; an in-memory one (no HR group unless HR_CHAT_ID) when absent. */
  desk?: Desk;
}

/** Key for signing HR buttons, derived from the bot token (no extra secret to configure). */
export function deskSecret(token: string): string {
  return createHash("sha256").update(`pandu-desk:${token}`).digest("base64url");
}

export const APOLOGY = "Maaf, terjadi kesalahan. Silakan coba lagi.";
export const OUTAGE = "Maaf, sedang ada gangguan, silakan coba beberapa saat lagi.";
export const DEFAULT_SESSION_TTL = 7 * 24 * 3600;
/** Offered in inline mode before anything is typed. */
const INLINE_DEFAULTS = [
  "cara-aktivasi",
  "token-tidak-masuk",
  "email-tidak-sesuai",
  "syarat-password",
  "invalid-authenticator-code",
];

/**
 * Builds the grammY bot: journeys in private chats, a pointer to the private
 * chat in groups, everything else ignored. Sessions go through grammY's
 * session middleware, keyed by chat.
 */
export function createBot(
  options: BotOptions,
): Bot<PanduContext> & { store: ChatStore; faqLog: FaqLog; desk: Desk } {
  const now = options.now ?? Date.now;
  const bot = new Bot<PanduContext>(options.token, {
    ...(options.botInfo !== undefined ? { botInfo: options.botInfo } : {}),
    ...(options.apiRoot !== undefined ? { client: { apiRoot: options.apiRoot } } : {}),
  });

  const hooks = options.hooks ?? {};
  const store =
    options.store ??
    new MemoryChatStore({ ttlSeconds: options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL, now });
  const storage = new LeasedStorage(store);
  const faqLog = options.faqLog ?? new MemoryFaqLog();
  const admins = new Set(options.adminIds ?? []);
  const desk =
    options.desk ??
    new Desk(new MemoryCaseStore(), new MemoryOutbox(), options.world, {
      ...DEFAULT_DESK_CONFIG,
      adminIds: [...admins],
      secret: deskSecret(options.token),
    });

  // Within one process, one update per chat at a time (the store's lock does the same across processes).
  // A promise chain per chat: the runner's `sequentialize` did the same with more allocation per update.
  const running = new Map<number, Promise<void>>();
  bot.use(async (ctx, next) => {
    const chat = ctx.chat?.id;
    if (chat === undefined) return next();
    const previous = running.get(chat);
    const current = previous === undefined ? next() : previous.then(next, next);
    running.set(chat, current);
    try {
      await current;
    } finally {
      if (running.get(chat) === current) running.delete(chat);
    }
  });
  bot.use(async (ctx, next) => {
    // The child logger is made on first use: most updates log nothing at the configured level.
    let child: Logger | undefined;
    Object.defineProperty(ctx, "log", {
      get: () => {
        child ??= options.logger.child({ update_id: ctx.update.update_id, chat_id: ctx.chat?.id });
        return child;
      },
    });
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
  const privateChats = new Composer<ChatTypeContext<PanduContext, "private">>();
  const anywhere = new Composer<PanduContext>();
  const staffOf = (from: { id: number; first_name: string; last_name?: string }) => ({
    id: from.id,
    name: [from.first_name, from.last_name].filter(Boolean).join(" "),
  });
  const mayConfigure = async (ctx: Context & { from: { id: number } }) => {
    if (admins.has(ctx.from.id)) return true;
    const member = await ctx.getChatMember(ctx.from.id).catch(() => undefined);
    return member?.status === "creator" || member?.status === "administrator";
  };
  const forum = (chat: { type: string; is_forum?: true }) =>
    chat.type === "supergroup" && chat.is_forum === true;
  groups.command("hubungkan", async (ctx) => {
    const reply = await desk.link(
      ctx.chat.id,
      { forum: forum(ctx.chat), title: ctx.chat.title },
      ctx.match,
      await mayConfigure(ctx),
    );
    await ctx.reply(
      reply.text,
      reply.buttons ? { reply_markup: { inline_keyboard: toKeyboard(reply.buttons) } } : {},
    );
  });
  groups.command("putuskan", async (ctx) => {
    const reply = await desk.unlink(ctx.chat.id, ctx.match, await mayConfigure(ctx));
    await ctx.reply(reply.text);
  });
  groups.command("kasus", async (ctx) => {
    await ctx.reply((await desk.groupList(ctx.chat.id, now())).text);
  });
  // /id: what an operator needs for HR_CHAT_ID (a group's id, group admins only) and ADMIN_IDS (one's own id).
  groups.command("id", async (ctx) => {
    if (!(await mayConfigure(ctx))) {
      await ctx.reply(
        "Perintah /id di grup hanya untuk admin grup ini. ID Anda sendiri: ketik /id di chat pribadi dengan bot.",
      );
      return;
    }
    await ctx.reply(
      `ID grup ini: ${ctx.chat.id}\nUntuk grup HR cadangan, isi HR_CHAT_ID=${ctx.chat.id} di konfigurasi Pandu. ` +
        "Untuk menghubungkan grup ini ke instansi: /hubungkan <nama instansi>.",
    );
  });
  anywhere.command("statistik", async (ctx, next) => {
    if (ctx.from === undefined || !admins.has(ctx.from.id)) return next();
    await ctx.reply(await desk.stats());
  });
  groups.callbackQuery(/^d\|/, async (ctx) => {
    const text = await desk.staffButton(ctx.chat.id, staffOf(ctx.from), ctx.callbackQuery.data, now());
    ctx.log.info({ action: ctx.callbackQuery.data.split("|")[1] }, "desk button");
    await ctx.answerCallbackQuery({ text });
  });
  groups.callbackQuery(/^h\|/, async (ctx) => {
    const reply = await desk.linkPick(ctx.chat.id, ctx.callbackQuery.data, await mayConfigure(ctx));
    await ctx.answerCallbackQuery();
    await ctx.reply(reply.text);
  });
  // Staff answers: replies to a case's messages, or messages in a case's forum topic.
  groups.on(["message:text", "message:photo"], async (ctx, next) => {
    const msg = ctx.message;
    if (msg.text?.startsWith("/")) return next();
    const replyTo = msg.reply_to_message?.message_id;
    const topic = msg.is_topic_message ? msg.message_thread_id : undefined;
    if (replyTo === undefined && topic === undefined) return next();
    const photo = msg.photo?.at(-1)?.file_id;
    const reply = await desk.staffMessage(
      ctx.chat.id,
      staffOf(ctx.from),
      {
        ...(replyTo !== undefined && replyTo !== topic ? { replyTo } : {}),
        ...(topic !== undefined ? { topic } : {}),
        ...(msg.text !== undefined ? { text: msg.text } : {}),
        ...(photo !== undefined ? { photo } : {}),
        ...(msg.caption !== undefined ? { caption: msg.caption } : {}),
      },
      now(),
    );
    if (reply !== undefined)
      await ctx.reply(reply.text, { reply_parameters: { message_id: msg.message_id } });
  });
  groups.command(["start", "menu", "bantuan", "batal", "privasi", "petugas", "hapusdata"], async (ctx) => {
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

  privateCommands.command("id", async (ctx) => {
    await ctx.reply(`ID Telegram Anda: ${ctx.from.id}\n(Untuk admin Pandu: ID ini yang diisi di ADMIN_IDS.)`);
  });
  privateCommands.command("kasus", async (ctx) => {
    const reply = await desk.status(ctx.from.id, now());
    await ctx.reply(reply.text);
  });
  // Admin commands, answered before the journeys; anyone else's /faqgap is just text to the engine.
  privateCommands.command("faqgap", async (ctx, next) => {
    if (!admins.has(ctx.from.id)) return next();
    const gaps = await faqLog.gaps(20);
    await ctx.reply(`Pertanyaan yang belum terjawab (data pribadi disamarkan):\n${formatGaps(gaps)}`);
  });
  // One update per chat at a time, across processes; an update_id already applied is skipped.
  privateChats.use(async (ctx, next) => {
    const chat = String(ctx.chat.id);
    let acquired: Awaited<ReturnType<ChatStore["acquire"]>>;
    try {
      acquired = await store.acquire(chat, ctx.update.update_id);
    } catch (error) {
      if (error instanceof LockTimeoutError) {
        hooks.error?.("lock_timeout");
        ctx.log.warn({ waited_ms: error.waitedMs }, "chat busy; update left for redelivery");
        throw error; // webhook answers 500 and Telegram redelivers: nothing lost
      }
      hooks.error?.("redis");
      ctx.log.error({ err: String(error) }, "session store unreachable");
      await ctx.api.sendMessage(ctx.chat.id, OUTAGE).catch(() => undefined);
      if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery().catch(() => undefined);
      return;
    }
    if (acquired.status === "duplicate") {
      hooks.duplicate?.();
      ctx.log.info("duplicate update skipped");
      return;
    }
    const lease = acquired.lease;
    storage.leases.set(chat, lease);
    try {
      await next();
    } finally {
      storage.leases.delete(chat);
      if (!lease.done)
        await store
          .release(lease)
          .catch((err: unknown) => ctx.log.warn({ err: String(err) }, "lock release failed"));
    }
  });
  privateChats.use(
    session({
      // No initial value: an absent session means a new chat; `decide` parses whatever is stored.
      getSessionKey: (ctx) => ctx.chat?.id.toString(),
      storage,
    }),
  );
  privateChats.use(async (ctx) => {
    const event = toEvent(ctx);
    if (event === undefined) {
      if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery();
      return;
    }
    try {
      const decision = decide(options.world, await ctx.session, event, now());
      if (decision.recoveredFrom !== undefined) {
        ctx.log.warn(
          { reason: decision.recoveredFrom.slice(0, 300) },
          "stored session unreadable; started afresh",
        );
      }
      const changes = await runEffects(ctx, decision.effects, ctx.log, faqLog, desk, now());
      if (Object.keys(changes).length > 0) {
        decision.session = { ...decision.session, vars: withVarChanges(decision.session.vars, changes) };
      }
      if (hooks.track !== undefined) for (const e of decision.effects) if (e.type === "track") hooks.track(e);
      // Assigned only once every effect ran: a failure keeps the previous session.
      ctx.session = decision.session;
    } catch (error) {
      hooks.error?.(
        error instanceof GrammyError ? "telegram" : error instanceof HttpError ? "network" : "handler",
      );
      logError(ctx.log, error);
      await ctx.api.sendMessage(ctx.chat.id, APOLOGY).catch(() => undefined);
      if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery().catch(() => undefined);
    }
  });

  // Buttons pressed outside a private chat (old messages, forged updates): acknowledge, nothing else.
  anywhere.on("callback_query", (ctx) => ctx.answerCallbackQuery());

  const groupMw = groups.middleware();
  const privateMw = privateChats.middleware();
  const privateCommandMw = privateCommands.middleware();
  const anywhereMw = anywhere.middleware();
  bot.use((ctx, next) => {
    const type = ctx.chat?.type;
    if (type === "private") {
      const c = ctx as ChatTypeContext<PanduContext, "private">;
      const journey = async () => {
        await privateMw(c, next);
      };
      // Only a command can be an admin or desk command: everything else goes straight to the journey.
      if (ctx.message?.text?.startsWith("/") !== true) return journey();
      return anywhereMw(ctx, async () => {
        await privateCommandMw(c, journey);
      });
    }
    if (type === "group" || type === "supergroup") {
      return groupMw(ctx as ChatTypeContext<PanduContext, "group" | "supergroup">, async () => {
        await anywhereMw(ctx, next);
      });
    }
    return anywhereMw(ctx, next);
  });

  bot.catch((err) => {
    const log = (err.ctx as Partial<PanduContext>).log ?? options.logger;
    logError(log, err.error);
  });
  return Object.assign(bot, { store, faqLog, desk });
}

function logError(log: Logger, error: unknown): void {
  if (error instanceof GrammyError)
    log.error(
      { method: error.method, code: error.error_code, description: error.description },
      "telegram refused a call",
    );
  else if (error instanceof HttpError) log.error({ err: String(error.error) }, "telegram unreachable");
  else log.error({ err: error }, "update failed");
}
