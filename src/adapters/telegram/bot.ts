/**
 * Telegram as a channel, on grammY: routing by chat type, the HR group's
 * commands and buttons, inline mode. Conversations in private chats run as
 * turns (src/turn.ts); grammY is the transport, not the session layer.
 */
import { Bot, BotError, type ChatTypeContext, Composer, type Context, InputFile } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { startLink } from "../../core/deep-link.ts";
import { formatGaps } from "../../core/faq-gap.ts";
import type { World } from "../../core/flow/transition.ts";
import { type GroupState, parseGroupState } from "../../desk/contacts.ts";
import type { Dashboard } from "../../desk/dashboard.ts";
import { DEFAULT_DESK_CONFIG, Desk, STAFF_MESSAGE_NOT_SENT, type Staff } from "../../desk/desk.ts";
import { errorSummary, LazyChild, type Log, type Logger } from "../../logger.ts";
import type { ChatStore, FaqLog } from "../../stores.ts";
import { type TurnHooks, Turns } from "../../turn.ts";
import { MemoryChatStore } from "../memory/chat-store.ts";
import { MemoryDeskStore } from "../memory/desk-store.ts";
import { MemoryFaqLog } from "../memory/faq-log.ts";
import { posterPng } from "../poster.ts";
import { handleDasbor } from "./dashboard-command.ts";
import { leanFetch } from "./fetch.ts";
import { markup, ReplyIO, replyIO, tg } from "./render.ts";
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
  /** The supervisor's dashboard (/dasbor); absent: /dasbor says it is not enabled. */
  dashboard?: Dashboard;
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
/** Private-chat commands: in a group they get a pointer to the private chat instead. */
export const PRIVATE_ONLY = ["start", "menu", "bantuan", "batal", "privasi", "petugas", "hapusdata"];
const NOT_VERIFIED =
  "Grup ini belum disetujui untuk instansi mana pun. Admin grup bisa mengajukannya dengan /hubungkan <nama instansi>.";
/** A group is pointed to the private chat at most once in this interval. */
export const GROUP_POINTER_MS = 60_000;
/**
 * Every command the bot acts on in a group; any other command there is chatter that the intake drops
 * before it costs anything (adapters/telegram/intake.ts). A command handled in groups must be listed.
 */
export const GROUP_COMMANDS: ReadonlySet<string> = new Set([
  "hubungkan",
  "putuskan",
  "pengelola",
  "kasus",
  "riwayat",
  "tautan",
  "poster",
  "kontak",
  "id",
  "dasbor",
  "statistik",
  ...PRIVATE_ONLY,
]);

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

  /** Runs an update's work, then reports how long it took (the update hook, a debug line). */
  const timed = async (update: Update, log: Log, work: () => Promise<void>): Promise<void> => {
    const started = performance.now();
    try {
      await work();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      hooks.update?.(update, seconds);
      if (options.logger.isLevelEnabled("debug"))
        log.debug({ ms: Math.round(seconds * 100_000) / 100 }, "update done");
    }
  };

  bot.use((ctx, next) => {
    // The child logger is made on the first line written: most updates log nothing at the configured level.
    ctx.log = new LazyChild(options.logger, () => ({
      update_id: ctx.update.update_id,
      chat_id: ctx.chat?.id,
    }));
    return timed(ctx.update, ctx.log, next);
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
  /** Whether the sender administers the chat (Telegram getChatMember); bot admins count everywhere. */
  const isChatAdmin = async (ctx: Context & { from: { id: number } }) => {
    const member = await ctx.getChatMember(ctx.from.id).catch(() => undefined);
    return member?.status === "creator" || member?.status === "administrator";
  };
  const mayConfigure = async (ctx: Context & { from: { id: number } }) =>
    admins.has(ctx.from.id) || (await isChatAdmin(ctx));
  const groupInfo = (chat: {
    id: number;
    type: string;
    title?: string;
    is_forum?: true;
    username?: string;
  }) => ({
    address: tg(chat.id),
    forum: chat.type === "supergroup" && chat.is_forum === true,
    // A group with a @username is public: anyone can join and read it.
    public: chat.username !== undefined,
    ...(chat.title !== undefined ? { title: chat.title } : {}),
  });
  /** Group work runs under the group's lock and update dedupe: a redelivered update is applied once. */
  const inGroup = (
    ctx: ChatTypeContext<PanduContext, "group" | "supergroup">,
    work: (state: GroupState) => Promise<GroupState | void>,
  ) =>
    turns.exclusive(tg(ctx.chat.id), ctx.update.update_id, ctx.log, async (stored) => {
      const state = parseGroupState(stored);
      const next = await work(state);
      const kept = next ?? state;
      return kept.edit !== undefined ? kept : undefined;
    });

  groups.command("hubungkan", (ctx) =>
    inGroup(ctx, async () => {
      const members = await ctx.getChatMemberCount().catch(() => undefined);
      const reply = await desk.network.claim(
        { ...groupInfo(ctx.chat), ...(members !== undefined ? { members } : {}) },
        staffOf(ctx.from),
        ctx.match,
        await mayConfigure(ctx),
        now(),
      );
      await ctx.reply(reply.text, markup(reply.buttons));
    }),
  );
  groups.callbackQuery(/^h\|/, (ctx) =>
    inGroup(ctx, async () => {
      const members = await ctx.getChatMemberCount().catch(() => undefined);
      const reply = await desk.network.claimPick(
        { ...groupInfo(ctx.chat), ...(members !== undefined ? { members } : {}) },
        staffOf(ctx.from),
        ctx.callbackQuery.data,
        await mayConfigure(ctx),
        now(),
      );
      await ctx.answerCallbackQuery();
      await ctx.reply(reply.text);
    }),
  );
  groups.command("putuskan", (ctx) =>
    inGroup(ctx, async () => {
      const reply = await desk.network.unlink(
        tg(ctx.chat.id),
        staffOf(ctx.from),
        ctx.match,
        await mayConfigure(ctx),
        now(),
      );
      await ctx.reply(reply.text);
    }),
  );
  groups.command("pengelola", (ctx) =>
    inGroup(ctx, async () => {
      const reply = await desk.network.setManager(groupInfo(ctx.chat), staffOf(ctx.from), ctx.match, now());
      await ctx.reply(reply.text);
    }),
  );
  groups.command("kasus", (ctx) =>
    inGroup(ctx, async () => {
      const n = /^#?(\d{1,12})$/.exec(ctx.match.trim())?.[1];
      await ctx.reply((await desk.groupList(tg(ctx.chat.id), now(), n)).text);
    }),
  );
  groups.command("riwayat", (ctx) =>
    inGroup(ctx, async () => {
      const group = tg(ctx.chat.id);
      const known =
        (await desk.network.isVerified(group)) || (await desk.network.managedBy(group)).length > 0;
      await ctx.reply(known ? (await desk.network.history(group)).text : NOT_VERIFIED);
    }),
  );
  groups.command("tautan", (ctx) =>
    inGroup(ctx, async () => {
      const served = await desk.network.served(tg(ctx.chat.id));
      if (served.length === 0) return void (await ctx.reply(NOT_VERIFIED));
      const lines = served.map((id) => `• ${desk.network.name(id)}: ${startLink(ctx.me.username, id)}`);
      await ctx.reply(
        `🔗 Tautan Pandu untuk pegawai instansi grup ini. Yang membuka tautan langsung memakai instansinya saat perlu petugas:\n${lines.join("\n")}\n\nKetik /poster untuk poster QR yang bisa dicetak.`,
        { link_preview_options: { is_disabled: true } },
      );
    }),
  );
  groups.command("poster", (ctx) =>
    inGroup(ctx, async () => {
      const served = await desk.network.served(tg(ctx.chat.id));
      if (served.length === 0) return void (await ctx.reply(NOT_VERIFIED));
      const wanted = ctx.match.trim();
      const id =
        (wanted.length > 0
          ? options.world.directory?.search(wanted, 5).find((h) => served.includes(h.id))?.id
          : undefined) ?? served[0]!;
      const png = posterPng({ link: startLink(ctx.me.username, id), office: desk.network.name(id) });
      await ctx.replyWithPhoto(new InputFile(png, `poster-${id}.png`), {
        caption: `Poster Pandu untuk ${desk.network.name(id)}: cetak dan tempel di kantor.${served.length > 1 ? " Untuk instansi lain: /poster <nama instansi>." : ""}`,
      });
    }),
  );
  groups.command("kontak", (ctx) =>
    inGroup(ctx, async () => {
      const reply = await desk.contacts.show(tg(ctx.chat.id), await mayConfigure(ctx), now());
      await ctx.reply(reply.text, {
        ...markup(reply.buttons),
        link_preview_options: { is_disabled: true },
      });
    }),
  );
  groups.callbackQuery(/^n\|/, (ctx) =>
    inGroup(ctx, async (state) => {
      const result = await desk.contacts.press(
        tg(ctx.chat.id),
        staffOf(ctx.from),
        ctx.callbackQuery.data,
        await mayConfigure(ctx),
        now(),
      );
      await ctx.answerCallbackQuery(result.toast !== undefined ? { text: result.toast } : undefined);
      if (result.reply !== undefined)
        await ctx.reply(result.reply.text, {
          ...(result.askReply
            ? { reply_markup: { force_reply: true, selective: true } }
            : markup(result.reply.buttons)),
          link_preview_options: { is_disabled: true },
        });
      return result.editing !== undefined ? { ...state, edit: result.editing } : state;
    }),
  );
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
  // /dasbor: a one-time dashboard link, sent privately (adapters/telegram/dashboard-command.ts).
  anywhere.command("dasbor", (ctx) => handleDasbor(ctx, { dashboard: options.dashboard, now, isChatAdmin }));
  anywhere.command("statistik", async (ctx, next) => {
    if (ctx.from === undefined) return next();
    const chat = ctx.chat;
    if (admins.has(ctx.from.id)) return void (await ctx.reply(await desk.stats()));
    if (chat === undefined || chat.type === "private" || chat.type === "channel") return next();
    const group = tg(chat.id);
    // A group's admins see their own instansi; a regional manager group's admins see its set.
    const scope = (await desk.network.looksAfter(group)).instansi;
    if (scope.length === 0) return void (await ctx.reply(NOT_VERIFIED));
    if (!(await isChatAdmin(ctx as Context & { from: { id: number } })))
      return void (await ctx.reply("Statistik hanya untuk admin grup ini."));
    await ctx.reply(await desk.stats({ instansi: scope }));
  });
  groups.callbackQuery(/^d\|/, (ctx) =>
    inGroup(ctx, async () => {
      const text = await desk.staffButton(tg(ctx.chat.id), staffOf(ctx.from), ctx.callbackQuery.data, now());
      ctx.log.info({ action: ctx.callbackQuery.data.split("|")[1] }, "desk button");
      await ctx.answerCallbackQuery({ text });
    }),
  );
  // Setujui / Tolak of a claim: in a bot admin's private chat, or in a regional manager group.
  anywhere.callbackQuery(/^c\|/, async (ctx) => {
    const where = tg(ctx.chat?.id ?? ctx.from.id);
    const result = await desk.network.decide(
      staffOf(ctx.from),
      where,
      ctx.callbackQuery.data,
      () => isChatAdmin(ctx as Context & { from: { id: number } }),
      now(),
    );
    await ctx.answerCallbackQuery({ text: result.toast });
    if (result.text !== undefined) await ctx.editMessageText(result.text).catch(() => undefined);
  });
  // Staff answers: replies to a case's messages, or messages in a case's forum topic; an edit of the contact card in progress.
  groups.on(["message:text", "message:photo"], async (ctx, next) => {
    const msg = ctx.message;
    const replyTo = msg.reply_to_message?.message_id;
    const topic = msg.is_topic_message ? msg.message_thread_id : undefined;
    const toBot = msg.reply_to_message?.from?.id === ctx.me.id;
    if (msg.text?.startsWith("/") && !(toBot && /^\/batal\b/i.test(msg.text))) return next();
    if (replyTo === undefined && topic === undefined) return next(); // chatter: costs nothing
    // A reply to a person (not to the bot) outside a case's topic cannot answer a case: chatter too.
    const repliedBy = msg.reply_to_message?.from?.id;
    if (topic === undefined && repliedBy !== undefined && repliedBy !== ctx.me.id) return next();
    const notSent = () =>
      ctx
        .reply(STAFF_MESSAGE_NOT_SENT, { reply_parameters: { message_id: msg.message_id } })
        .catch(() => undefined);
    const outcome = await inGroup(ctx, async (state) => {
      if (state.edit !== undefined && msg.text !== undefined) {
        const edited = await desk.contacts.edit(
          tg(ctx.chat.id),
          staffOf(ctx.from),
          state.edit,
          msg.text,
          await mayConfigure(ctx),
          now(),
        );
        if (edited !== undefined) {
          await ctx.reply(edited.reply.text, {
            ...markup(edited.reply.buttons),
            reply_parameters: { message_id: msg.message_id },
            link_preview_options: { is_disabled: true },
          });
          if (edited.done) {
            const { edit: _done, ...rest } = state;
            return rest;
          }
          return state;
        }
      }
      if (msg.text?.startsWith("/")) return state;
      const photo = msg.photo?.at(-1)?.file_id;
      const reply = await desk.staffMessage(
        tg(ctx.chat.id),
        staffOf(ctx.from),
        {
          ref: String(msg.message_id),
          ...(replyTo !== undefined && replyTo !== topic ? { replyTo: String(replyTo) } : {}),
          ...(toBot
            ? { replyToBotText: msg.reply_to_message?.text ?? msg.reply_to_message?.caption ?? "" }
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
      return state;
    }).catch(async (err: unknown) => {
      // The store failed while taking the answer: the staff member is told it did not go out.
      ctx.log.error({ err: errorSummary(err) }, "staff message not processed");
      await notSent();
      return "failed" as const;
    });
    if (outcome === "outage") await notSent();
  });
  // The group became a supergroup: its route, manager set and open cases follow it.
  groups.on("message:migrate_to_chat_id", async (ctx) => {
    await desk.network.groupMoved(tg(ctx.chat.id), tg(ctx.message.migrate_to_chat_id), now());
    ctx.log.warn({ to: ctx.message.migrate_to_chat_id }, "group migrated; route follows");
  });
  // The bot added, removed, promoted or restricted in a group.
  anywhere.on("my_chat_member", async (ctx) => {
    const chat = ctx.myChatMember.chat;
    if (chat.type !== "group" && chat.type !== "supergroup") return;
    const member = ctx.myChatMember.new_chat_member;
    const info = groupInfo(chat);
    const forum = info.forum;
    const state =
      member.status === "left" || member.status === "kicked"
        ? "removed"
        : member.status === "restricted" && member.can_send_messages === false
          ? "no-rights"
          : forum && !(member.status === "administrator" && member.can_manage_topics === true)
            ? "no-rights"
            : "ok";
    const joined =
      ["left", "kicked"].includes(ctx.myChatMember.old_chat_member.status) && state !== "removed";
    const result = await desk.network.groupChanged(info, state, joined, now());
    if (state !== "ok") ctx.log.warn({ chat: chat.id, state }, "bot lost access to a group");
    if (result.welcome !== undefined) await ctx.reply(result.welcome).catch(() => undefined);
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

  privateCommands.command("id", async (ctx) => {
    await ctx.reply(`ID Telegram Anda: ${ctx.from.id}\n(Untuk admin Pandu: ID ini yang diisi di ADMIN_IDS.)`);
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
    return timed(update, log, async () => {
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
        // As grammY's own handleUpdate: the caller (webhook server, intake) logs it (summarised) and
        // decides; a webhook answers 500 so that Telegram delivers the update again.
        throw new BotError(err, { update } as unknown as PanduContext);
      }
    });
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
      // A decision on a group's claim (bot admins) is not part of any journey.
      if (ctx.callbackQuery?.data?.startsWith("c|") === true) return anywhereMw(ctx, next);
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

  bot.catch((err) => {
    const log = (err.ctx as Partial<PanduContext>).log ?? options.logger;
    // Never the error object itself: grammY's BotError carries the update (message text) and the API (token).
    log.error({ err: errorSummary(err) }, "update failed");
  });

  const viaGrammy = bot.handleUpdate.bind(bot);
  bot.handleUpdate = (update, webhookReplyEnvelope) =>
    webhookReplyEnvelope === undefined && bot.isInited() && isPrivateJourney(update)
      ? journeyFast(update)
      : viaGrammy(update, webhookReplyEnvelope);
  return Object.assign(bot, { store, faqLog, desk, turns });
}

/** A private message that is not a command, or a button of a journey pressed in a private chat (not a claim decision). */
function isPrivateJourney(update: Update): boolean {
  const message = update.message;
  if (message !== undefined) return message.chat.type === "private" && message.text?.startsWith("/") !== true;
  const query = update.callback_query;
  return query?.message?.chat.type === "private" && query.data?.startsWith("c|") !== true;
}
