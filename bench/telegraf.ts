/**
 * The activation journey written with Telegraf 4's `Scenes.WizardScene`: the
 * same prompts, validators, keyboards and Bot API calls as Pandu, one wizard
 * step per state.
 *
 * Bot API calls are answered at Telegraf's `callApi`. Telegraf builds a new
 * `Telegram` client per update (`handleUpdate` → `new Telegram(token, options)`),
 * so overriding `bot.telegram.callApi` alone would miss `ctx.telegram`; the
 * override is installed on `Telegram.prototype.callApi` and answers only for
 * the bench bots' tokens.
 *
 * Sessions: Telegraf's own `session()` middleware. In memory with a `Map` (what
 * Telegraf recommends instead of its deprecated MemorySessionStore). On Redis
 * with a ten-line ioredis store written here: Telegraf's maintained store
 * package, `@telegraf/session`, is not a dev dependency of this project (and
 * its Redis adapter drives the `redis` client, not ioredis); the old
 * `telegraf-session-redis` is deprecated and not used. Telegraf's session has
 * no per-chat lock across processes: GET on the way in, SET on the way out.
 */
import type { Redis } from "ioredis";
import { Scenes, type SessionStore, session, Telegraf, Telegram } from "telegraf";
import {
  checkCandidate,
  checkNip,
  MENU,
  PLAIN,
  S,
  type Screen,
  type SendOptions,
  type Vars,
} from "./journey.ts";
import { BOT_INFO } from "./pandu.ts";
import { admin, cleanup, connect, memoryUsage, RedisMeter } from "./redis.ts";
import { type ThroughputResult, throughput } from "./scenarios.ts";
import { type BenchOptions, BOT_ID, FakeTelegram, type Subject } from "./util.ts";

interface State {
  nip?: string;
}
type Ctx = Scenes.WizardContext;

// ---------------------------------------------------------------- API boundary

const FAKES = new Map<string, FakeTelegram>();
let tokens = 0;
const originalCallApi = Telegram.prototype.callApi;
let patched = false;

function installCallApi(): void {
  if (patched) return;
  patched = true;
  Telegram.prototype.callApi = async function callApi(this: Telegram, method, payload, options) {
    const fake = FAKES.get(this.token);
    if (fake === undefined) return originalCallApi.call(this, method, payload, options);
    return fake.answer(method, payload as Record<string, unknown>) as never;
  } as typeof Telegram.prototype.callApi;
}

// ---------------------------------------------------------------- the wizard

function data(ctx: Ctx): string | undefined {
  const q = ctx.callbackQuery;
  return q !== undefined && "data" in q ? q.data : undefined;
}

function text(ctx: Ctx): string | undefined {
  const m = ctx.message;
  return m !== undefined && "text" in m ? m.text : undefined;
}

function state(ctx: Ctx): State {
  return ctx.wizard.state as State;
}

function vars(ctx: Ctx, extra: Vars = {}): Vars {
  const nip = state(ctx).nip;
  return nip === undefined ? extra : { nip, ...extra };
}

async function reply(ctx: Ctx, body: string, options: SendOptions): Promise<void> {
  await ctx.reply(body, options as never);
}

/** Sends `screen` and answers the tap, in Pandu's order. */
async function show(ctx: Ctx, screen: Screen, v: Vars = vars(ctx)): Promise<void> {
  await reply(ctx, screen.text(v), screen.options);
  if (ctx.callbackQuery !== undefined) await ctx.answerCbQuery();
}

/** A step that waits for button `i` of `from`, shows `to`, then moves on. */
function button(from: string, i: number, to: string, after?: (ctx: Ctx) => unknown) {
  const expected = S(from).data[i]!;
  return async (ctx: Ctx) => {
    if (data(ctx) !== expected) return;
    await show(ctx, S(to));
    if (after !== undefined) await after(ctx);
    else ctx.wizard.next();
  };
}

const D_NIP = 6;
const D_NIP_GAGAL = 12;

export function aktivasiScene(): Scenes.WizardScene<Ctx> {
  return new Scenes.WizardScene<Ctx>(
    "aktivasi",
    // 0 mulai (entered from the menu button)
    async (ctx) => {
      await show(ctx, S("mulai"));
      ctx.wizard.next();
    },
    // 1 NIP typed
    async (ctx) => {
      const t = text(ctx);
      if (t === undefined) return;
      const nip = checkNip(t);
      if (!nip.ok) return reply(ctx, nip.text, S("mulai").options);
      state(ctx).nip = nip.vars.nip!;
      await show(ctx, S("nip-cek"), nip.vars);
      ctx.wizard.next();
    },
    // 2 nip-cek → 3 pilih-jalur → 4 d-buka → 5 d-reset → 6 d-nip
    button("nip-cek", 0, "pilih-jalur"),
    button("pilih-jalur", 0, "d-buka"),
    button("d-buka", 0, "d-reset"),
    button("d-reset", 0, "d-nip"),
    // 6 d-nip: "Email saya muncul" → d-email, "Muncul pesan gagal" → d-nip-gagal (12)
    async (ctx) => {
      const d = data(ctx);
      if (d === S("d-nip").data[0]) {
        await show(ctx, S("d-email"));
        ctx.wizard.next();
      } else if (d === S("d-nip").data[1]) {
        await show(ctx, S("d-nip-gagal"));
        ctx.wizard.selectStep(D_NIP_GAGAL);
      }
    },
    // 7 d-email → 8 d-kode → 9 d-password
    button("d-email", 0, "d-kode"),
    button("d-kode", 0, "d-password"),
    // 9 password candidate: deleted, checked, reported
    async (ctx) => {
      const t = text(ctx);
      if (t === undefined) return;
      await ctx.deleteMessage();
      const check = checkCandidate(t);
      if (!check.ok) return reply(ctx, check.text, S("d-password").options);
      await reply(ctx, check.text, PLAIN);
      await show(ctx, S("d-hasil"));
      ctx.wizard.next();
    },
    // 10 d-hasil → 11 d-login → selesai (scene left)
    button("d-hasil", 0, "d-login"),
    button("d-login", 0, "selesai", (ctx) => ctx.scene.leave()),
    // 12 d-nip-gagal: "Coba lagi" → d-nip
    button("d-nip-gagal", 0, "d-nip", (ctx) => ctx.wizard.selectStep(D_NIP)),
  );
}

// ---------------------------------------------------------------- bots

export interface TelegrafSubject extends Subject {
  bot: Telegraf<Ctx>;
}

type SessionStoreOf = Map<string, object> | SessionStore<object>;

export function createTelegrafBot(fake: FakeTelegram, store: SessionStoreOf): Telegraf<Ctx> {
  installCallApi();
  const token = `${BOT_ID}:BENCH-tg-${++tokens}`;
  FAKES.set(token, fake);
  const bot = new Telegraf<Ctx>(token);
  bot.botInfo = BOT_INFO as never;
  const stage = new Scenes.Stage<Ctx>([aktivasiScene()]);
  bot.use(session({ store: store as never }));
  bot.use(stage.middleware());
  bot.start((ctx) => reply(ctx, MENU.text({}), MENU.options));
  bot.action(MENU.data[0]!, (ctx) => ctx.scene.enter("aktivasi"));
  return bot;
}

function sessionKey(chatId: number): string {
  return `${chatId}:${chatId}`; // Telegraf's default: `${from.id}:${chat.id}`
}

export async function createTelegrafMemory(): Promise<TelegrafSubject> {
  const fake = new FakeTelegram();
  const map = new Map<string, object>();
  const bot = createTelegrafBot(fake, map);
  return {
    name: "telegraf",
    fake,
    bot,
    handle: (update) => bot.handleUpdate(update as never),
    stored: async (chatId) => {
      const value = map.get(sessionKey(chatId));
      return value === undefined ? undefined : { json: Buffer.byteLength(JSON.stringify(value)) };
    },
    close: async () => {},
  };
}

/** A minimal Telegraf session store on ioredis: JSON under `prefix + key`, with a TTL. */
export function redisSessionStore(redis: Redis, prefix: string, ttlSeconds: number): SessionStore<object> {
  return {
    async get(key: string): Promise<object | undefined> {
      const value = await redis.get(prefix + key);
      return value === null ? undefined : (JSON.parse(value) as object);
    },
    set: (key: string, value: object) => redis.set(prefix + key, JSON.stringify(value), "EX", ttlSeconds),
    delete: (key: string) => redis.del(prefix + key),
  };
}

export async function createTelegrafRedis(
  bench: BenchOptions,
): Promise<{ subject: TelegrafSubject; meter: RedisMeter }> {
  const counted = await connect(bench.redisUrl);
  const adm = await admin(bench.redisUrl);
  const prefix = `${bench.prefix}:tg:`;
  const fake = new FakeTelegram();
  const bot = createTelegrafBot(fake, redisSessionStore(counted.client, prefix, 7 * 24 * 3600));
  const subject: TelegrafSubject = {
    name: "telegraf",
    fake,
    bot,
    handle: (update) => bot.handleUpdate(update as never),
    stored: async (chatId) => {
      const key = prefix + sessionKey(chatId);
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

export async function telegrafMemory(bench: BenchOptions): Promise<ThroughputResult> {
  return throughput(
    "telegraf-memory",
    async () => ({ subject: await createTelegrafMemory() }),
    "memory",
    bench,
    ["Telegraf session() on a Map, Scenes.Stage + WizardScene"],
  );
}

export async function telegrafRedis(bench: BenchOptions): Promise<ThroughputResult> {
  return throughput("telegraf-redis", () => createTelegrafRedis(bench), "redis", bench, [
    "Telegraf session() with a bench-local ioredis store (GET + SET per update), no per-chat lock",
  ]);
}
