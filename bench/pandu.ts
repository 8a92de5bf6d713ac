/**
 * Pandu as it runs in production (createBot: sequentialize, per-chat lock +
 * dedupe, grammY session over the leased store, the pure engine, effects),
 * with a grammY API transformer answering every Bot API call.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { UserFromGetMe } from "grammy/types";
import { parse } from "yaml";
import { MemoryChatStore } from "../src/adapters/memory/chat-store.ts";
import { RedisChatStore } from "../src/adapters/redis/chat-store.ts";
import { createBot } from "../src/adapters/telegram/bot.ts";
import { loadWorld } from "../src/app/world.ts";
import type { World } from "../src/core/flow/transition.ts";
import { newSession } from "../src/core/session.ts";
import { createLogger } from "../src/logger.ts";
import type { ChatStore } from "../src/stores.ts";
import { FLOWS_DIR, ROOT } from "./journey.ts";
import { admin, cleanup, connect, memoryUsage, RedisMeter } from "./redis.ts";
import { type ThroughputResult, throughput } from "./scenarios.ts";
import {
  type BenchOptions,
  BOT_ID,
  BOT_USERNAME,
  callbackUpdate,
  FakeTelegram,
  type Subject,
  textUpdate,
} from "./util.ts";

export const TOKEN = `${BOT_ID}:BENCH`;

export const BOT_INFO: UserFromGetMe = {
  id: BOT_ID,
  is_bot: true,
  first_name: "Pandu",
  username: BOT_USERNAME,
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

let worldPromise: Promise<World> | undefined;
export function world(): Promise<World> {
  worldPromise ??= loadWorld({ flowsDir: FLOWS_DIR });
  return worldPromise;
}

export interface PanduSubject extends Subject {
  store: ChatStore;
}

/** Pandu's bot over `store`, answering the Bot API at the transformer. */
export async function createPandu(
  store: ChatStore,
  stored: PanduSubject["stored"],
  onClose: () => Promise<void> = async () => {},
): Promise<PanduSubject> {
  const fake = new FakeTelegram();
  const bot = createBot({
    token: TOKEN,
    world: await world(),
    logger: createLogger({ level: "silent" }),
    store,
    botInfo: BOT_INFO,
  });
  bot.api.config.use(async (_prev, method, payload) => fake.envelope(method, payload) as never);
  await bot.init();
  return {
    name: "pandu",
    fake,
    store,
    handle: (update) => bot.handleUpdate(update),
    stored,
    close: onClose,
  };
}

export function memoryStore(): MemoryChatStore {
  return new MemoryChatStore({ ttlSeconds: 7 * 24 * 3600 });
}

/** Pandu over its in-memory store (same lock + dedupe contract as Redis, within one process). */
export async function createPanduMemory(): Promise<PanduSubject> {
  const store = memoryStore();
  return createPandu(store, async (chatId) => {
    const session = await store.peek(`tg:${chatId}`);
    if (session === undefined) return undefined;
    // The dedupe ids live next to the session (private field: read-only peek for the figures).
    const entry = (store as unknown as { entries: Map<string, { recent: number[] }> }).entries.get(
      `tg:${chatId}`,
    );
    return {
      json: Buffer.byteLength(JSON.stringify(session)),
      ...(entry !== undefined ? { extra: Buffer.byteLength(entry.recent.join(",")) } : {}),
    };
  });
}

/** Pandu over Redis: RedisChatStore (lock + session + dedupe, two Lua round trips per update). */
export async function createPanduRedis(
  bench: BenchOptions,
): Promise<{ subject: PanduSubject; meter: RedisMeter }> {
  const counted = await connect(bench.redisUrl);
  const adm = await admin(bench.redisUrl);
  const prefix = `${bench.prefix}:pandu`;
  const store = new RedisChatStore({ redis: counted.client, prefix, ttlSeconds: 7 * 24 * 3600 });
  const subject = await createPandu(
    store,
    async (chatId) => {
      const keys = store.keys(`tg:${chatId}`);
      const json = await adm.strlen(keys.session);
      if (json === 0) return undefined;
      return {
        json,
        extra: await adm.strlen(keys.recent),
        redisMemory: await memoryUsage(adm, [keys.session, keys.recent, keys.lock]),
      };
    },
    async () => {
      await cleanup(adm, prefix);
      await counted.client.quit();
      await adm.quit();
    },
  );
  return { subject, meter: new RedisMeter(counted, adm) };
}

export interface TranscriptSizes {
  /** Largest stored session JSON over every step of every transcript (bytes). */
  max: number;
  file: string;
  /** Largest per transcript file. */
  perFile: Record<string, number>;
  /** Transcripts that could not be replayed to the end (a label not found: flows and transcripts out of step). */
  incomplete: string[];
}

interface TranscriptStep {
  user?: string;
  tap?: string;
  media?: string;
}

/**
 * Every journey of test/transcripts/*.yaml replayed through Pandu's real bot
 * (in memory), reading the stored session after every step: the largest
 * session the tested journeys produce. Transcripts that start mid-flow get
 * their starting session poked in, then /bantuan shows the step's buttons.
 */
export async function transcriptSessionSizes(): Promise<TranscriptSizes> {
  const dir = `${ROOT}test/transcripts`;
  const store = memoryStore();
  const subject = await createPandu(store, async () => undefined);
  const perFile: Record<string, number> = {};
  const incomplete: string[] = [];
  let ids = 50_000;
  let chat = 9_000_000;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()) {
    const t = parse(readFileSync(`${dir}/${file}`, "utf8")) as {
      from?: string;
      vars?: Record<string, string>;
      steps: TranscriptStep[];
    };
    const id = ++chat;
    let message = 0;
    let max = 0;
    const measure = async () => {
      const stored = await store.peek(`tg:${id}`);
      if (stored !== undefined) max = Math.max(max, Buffer.byteLength(JSON.stringify(stored)));
    };
    try {
      if (t.from !== undefined) {
        const [flow = "", state = ""] = t.from.split("/");
        store.poke(
          `tg:${id}`,
          JSON.stringify({ ...newSession(flow, state, Date.now()), vars: { ...(t.vars ?? {}) } }),
        );
        await subject.handle(textUpdate(++ids, id, ++message, "/bantuan"));
      }
      for (const step of t.steps) {
        if (step.user !== undefined) await subject.handle(textUpdate(++ids, id, ++message, step.user));
        else if (step.tap !== undefined)
          await subject.handle(
            callbackUpdate(++ids, id, subject.fake.lastMessageId(id), subject.fake.data(id, step.tap)),
          );
        else continue;
        await measure();
      }
    } catch {
      incomplete.push(file);
    }
    perFile[file] = max;
    subject.fake.forget(id);
  }
  const [file = "", max = 0] = Object.entries(perFile).sort((a, b) => b[1] - a[1])[0] ?? [];
  return { max, file, perFile, incomplete };
}

export async function panduMemory(bench: BenchOptions): Promise<ThroughputResult> {
  const result = await throughput(
    "pandu-memory",
    async () => ({ subject: await createPanduMemory() }),
    "memory",
    bench,
    ["MemoryChatStore: per-chat lock queue + dedupe, session JSON round-tripped"],
  );
  return { ...result, transcripts: await transcriptSessionSizes() };
}

export async function panduRedis(bench: BenchOptions): Promise<ThroughputResult> {
  return throughput("pandu-redis", () => createPanduRedis(bench), "redis", bench, [
    "RedisChatStore: SET NX PX lock + fencing token + dedupe, acquire and commit are one Lua script each",
  ]);
}
