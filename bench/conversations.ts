/**
 * The activation journey written with @grammyjs/conversations 2.x: the same
 * prompts, validators, keyboards and Bot API calls as Pandu, as one
 * conversation function (replayed from its log on every update).
 *
 * Bot API calls are answered by a grammY API transformer: on `bot.api` outside,
 * and inside the conversation through the plugin's `plugins` option (the
 * documented way to install transformers on the conversation's own `ctx.api`).
 * The inside transformer records each answer in the replay log through the same
 * `controls.action` the plugin wraps real HTTP calls in, so a replay does not
 * re-send old messages and the stored state holds the API results, exactly as in
 * production.
 *
 * Sessions: v2 keeps its state through its own `storage` option (no session
 * plugin needed): a Map in memory (the plugin's default, made explicit so it can
 * be measured), or `@grammyjs/storage-redis`'s RedisAdapter on ioredis.
 */
import {
  type Conversation,
  type ConversationData,
  type ConversationFlavor,
  type ConversationStorage,
  conversations,
  createConversation,
} from "@grammyjs/conversations";
import { RedisAdapter } from "@grammyjs/storage-redis";
import { Bot, type Context, type Middleware } from "grammy";
import { checkCandidate, checkNip, MENU, PLAIN, S, type Screen, type Vars } from "./journey.ts";
import { BOT_INFO, TOKEN } from "./pandu.ts";
import { admin, cleanup, connect, memoryUsage, RedisMeter } from "./redis.ts";
import { type ThroughputResult, throughput } from "./scenarios.ts";
import { type BenchOptions, FakeTelegram, type Subject } from "./util.ts";

type Outer = ConversationFlavor<Context>;
type Inner = Context;
type Convo = Conversation<Outer, Inner>;
type Data = ConversationData;

/** The plugin's private replay controls (what its own API wrapper records calls with). */
interface Controls {
  action<R>(fn: () => R | Promise<R>, tag: string): Promise<R>;
}

/** Sends `screen` (text for vars, its keyboard) and answers the tap, in Pandu's order. */
async function show(ctx: Inner, screen: Screen, vars: Vars = {}): Promise<void> {
  await ctx.reply(screen.text(vars), screen.options);
  if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery();
}

/** Waits for a tap on button `i` of `screen`. */
function tap(conversation: Convo, screen: Screen, ...i: number[]) {
  return conversation.waitForCallbackQuery(i.map((n) => screen.data[n]!));
}

/** Activation on ASN Digital, entered by the menu's "Aktivasi" button. */
async function aktivasi(conversation: Convo, ctx: Inner): Promise<void> {
  await show(ctx, S("mulai"));

  let vars: Vars;
  for (;;) {
    const m = await conversation.waitFor("message:text");
    const nip = checkNip(m.message.text);
    if (nip.ok) {
      vars = nip.vars;
      await show(m, S("nip-cek"), vars);
      break;
    }
    await m.reply(nip.text, S("mulai").options);
  }

  await show(await tap(conversation, S("nip-cek"), 0), S("pilih-jalur"), vars);
  await show(await tap(conversation, S("pilih-jalur"), 0), S("d-buka"), vars);
  await show(await tap(conversation, S("d-buka"), 0), S("d-reset"), vars);
  await show(await tap(conversation, S("d-reset"), 0), S("d-nip"), vars);

  // d-nip, with the captcha retry loop (d-nip-gagal → "Coba lagi") used by the long journeys.
  for (;;) {
    const c = await tap(conversation, S("d-nip"), 0, 1);
    if (c.callbackQuery.data === S("d-nip").data[0]) {
      await show(c, S("d-email"), vars);
      break;
    }
    await show(c, S("d-nip-gagal"), vars);
    await show(await tap(conversation, S("d-nip-gagal"), 0), S("d-nip"), vars);
  }

  await show(await tap(conversation, S("d-email"), 0), S("d-kode"), vars);
  await show(await tap(conversation, S("d-kode"), 0), S("d-password"), vars);

  for (;;) {
    const m = await conversation.waitFor("message:text");
    await m.deleteMessage();
    const check = checkCandidate(m.message.text);
    if (check.ok) {
      await m.reply(check.text, PLAIN);
      await show(m, S("d-hasil"), vars);
      break;
    }
    await m.reply(check.text, S("d-password").options);
  }

  await show(await tap(conversation, S("d-hasil"), 0), S("d-login"), vars);
  await show(await tap(conversation, S("d-login"), 0), S("selesai"), vars);
}

export interface ConversationsSubject extends Subject {
  bot: Bot<Outer>;
}

export function createConversationsBot(
  fake: FakeTelegram,
  storage: ConversationStorage<Outer, Data>,
): Bot<Outer> {
  const bot = new Bot<Outer>(TOKEN, { botInfo: BOT_INFO });
  bot.api.config.use(async (_prev, method, payload) => fake.envelope(method, payload) as never);

  const plugins = (conversation: Convo): Middleware<Inner>[] => {
    const controls = (conversation as unknown as { controls?: Controls }).controls;
    if (typeof controls?.action !== "function")
      throw new Error("@grammyjs/conversations internals changed: Conversation.controls.action is gone");
    return [
      async (ctx, next) => {
        ctx.api.config.use(async (_prev, method, payload) => {
          const ret = await controls.action(
            async () => ({ ok: true, res: fake.envelope(method, payload) }),
            method,
          );
          return ret.res as never;
        });
        await next();
      },
    ];
  };

  bot.use(conversations<Outer, Inner>({ storage, plugins }));
  bot.use(createConversation<Outer, Inner>(aktivasi, "aktivasi"));
  bot.command("start", (ctx) => show(ctx, MENU));
  bot.callbackQuery(MENU.data[0]!, (ctx) => ctx.conversation.enter("aktivasi"));
  return bot;
}

/** The default in-memory storage of the plugin, made explicit so its contents can be measured. */
function mapStorage(map: Map<string, unknown>): ConversationStorage<Outer, Data> {
  return {
    type: "key",
    adapter: {
      read: (key) => map.get(key) as never,
      write: (key, state) => void map.set(key, state),
      delete: (key) => void map.delete(key),
    },
  };
}

export async function createConversationsMemory(): Promise<ConversationsSubject> {
  const fake = new FakeTelegram();
  const map = new Map<string, unknown>();
  const bot = createConversationsBot(fake, mapStorage(map));
  await bot.init();
  return {
    name: "conversations",
    fake,
    bot,
    handle: (update) => bot.handleUpdate(update),
    stored: async (chatId) => {
      const value = map.get(String(chatId));
      return value === undefined ? undefined : { json: Buffer.byteLength(JSON.stringify(value)) };
    },
    close: async () => {},
  };
}

export async function createConversationsRedis(
  bench: BenchOptions,
): Promise<{ subject: ConversationsSubject; meter: RedisMeter }> {
  const counted = await connect(bench.redisUrl);
  const adm = await admin(bench.redisUrl);
  const prefix = `${bench.prefix}:conv:`;
  const fake = new FakeTelegram();
  const bot = createConversationsBot(fake, {
    type: "key",
    prefix,
    adapter: new RedisAdapter<never>({ instance: counted.client, ttl: 7 * 24 * 3600 }),
  });
  await bot.init();
  const subject: ConversationsSubject = {
    name: "conversations",
    fake,
    bot,
    handle: (update) => bot.handleUpdate(update),
    stored: async (chatId) => {
      const key = `${prefix}${chatId}`;
      const json = await adm.strlen(key);
      return json === 0 ? undefined : { json, redisMemory: await memoryUsage(adm, [key]) };
    },
    close: async () => {
      await cleanup(adm, prefix);
      await counted.client.quit();
      await adm.quit();
    },
  };
  return { subject, meter: new RedisMeter(counted, adm) };
}

export async function conversationsMemory(bench: BenchOptions): Promise<ThroughputResult> {
  return throughput(
    "conversations-memory",
    async () => ({ subject: await createConversationsMemory() }),
    "memory",
    bench,
    ["conversations v2, default in-memory storage (a Map), replay log incl. recorded Bot API results"],
  );
}

export async function conversationsRedis(bench: BenchOptions): Promise<ThroughputResult> {
  return throughput("conversations-redis", () => createConversationsRedis(bench), "redis", bench, [
    "@grammyjs/storage-redis RedisAdapter on ioredis (GET + SET/DEL per update), no per-chat lock",
  ]);
}
