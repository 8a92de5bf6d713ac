import { createRunner, createSource, createUpdateFetcher, type RunnerHandle } from "@grammyjs/runner";
import { Api } from "grammy";
import type { Update } from "grammy/types";
import { createHttpServer, type HttpServer } from "../adapters/http/server.ts";
import { MemoryChatStore } from "../adapters/memory/chat-store.ts";
import { MemoryDeskStore } from "../adapters/memory/desk-store.ts";
import { MemoryFaqLog } from "../adapters/memory/faq-log.ts";
import { apiTransformer, createMetrics, type Metrics, updateType } from "../adapters/metrics.ts";
import { createPool, PostgresDeskStore } from "../adapters/postgres/desk-store.ts";
import { migrate } from "../adapters/postgres/migrate.ts";
import { RedisChatStore } from "../adapters/redis/chat-store.ts";
import { createRedis, STORE_CLIENT_OPTIONS, waitReady } from "../adapters/redis/connect.ts";
import { RedisFaqLog } from "../adapters/redis/faq-log.ts";
import { type BotHooks, createBot, tg } from "../adapters/telegram/bot.ts";
import { leanFetch } from "../adapters/telegram/fetch.ts";
import { createTelegramIntake, type TelegramIntake } from "../adapters/telegram/intake.ts";
import { installLimits } from "../adapters/telegram/limits.ts";
import { createTelegramSender } from "../adapters/telegram/sender.ts";
import type { Config } from "../config.ts";
import { COMMAND_MENU } from "../core/commands.ts";
import { Background, routeSenders } from "../desk/background.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../desk/desk.ts";
import type { Logger } from "../logger.ts";
import type { ChatStore, DeskStore, FaqLog } from "../stores.ts";
import { errorSummary } from "../turn.ts";
import { DatabaseClock } from "./clock.ts";
import { deskSecret } from "./signing.ts";
import { loadWorld } from "./world.ts";

export const ALLOWED_UPDATES = ["message", "callback_query", "inline_query", "my_chat_member"] as const;

export interface Runtime {
  mode: "polling" | "webhook";
  port: number;
  metrics: Metrics;
  store: ChatStore;
  /** Where updates come in (tests: `intake.idle()`, `intake.load`). */
  intake: TelegramIntake["intake"];
  /** Graceful stop: no new updates, in-flight ones finish, Redis closed. */
  stop(): Promise<void>;
}

/**
 * Starts Pandu as `npm start` does: flows checked, store chosen (Redis when
 * REDIS_URL is set), Telegram limits installed, then long polling through the
 * runner or a webhook on node:http, with /healthz, /readyz and /metrics.
 */
export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
  if (config.BOT_TOKEN === undefined) {
    throw new Error("BOT_TOKEN belum diisi. Untuk mencoba tanpa Telegram: npm run chat");
  }
  const world = await loadWorld({ flowsDir: config.FLOWS_DIR, secret: deskSecret(config.BOT_TOKEN) });
  const metrics = createMetrics();

  let store: ChatStore;
  let faqLog: FaqLog = new MemoryFaqLog();
  let deskStore: DeskStore;
  let clock: DatabaseClock | undefined;
  if (config.DATABASE_URL !== undefined) {
    // Migrations first (under an advisory lock: instances starting together apply them once).
    const applied = await migrate({
      databaseUrl: config.DATABASE_URL,
      log: (message) => logger.debug({ message }, "migration"),
    });
    if (applied.length > 0) logger.info({ applied }, "database migrated");
    const pool = createPool(config.DATABASE_URL, (err) =>
      logger.warn({ err: err.message }, "postgres connection"),
    );
    deskStore = new PostgresDeskStore({
      pool,
      onUnreadable: (what, reason) => logger.warn({ what, reason }, "unreadable desk record skipped"),
    });
    clock = new DatabaseClock(pool, (err) => logger.warn({ err: String(err) }, "database clock"));
    await clock.start();
  } else {
    deskStore = new MemoryDeskStore();
    logger.warn("DATABASE_URL not set: cases and the outbox in memory, lost on restart, one process only");
  }
  const now = clock?.now ?? Date.now;
  if (config.REDIS_URL !== undefined) {
    const redis = createRedis(config.REDIS_URL, STORE_CLIENT_OPTIONS, (err) =>
      logger.warn({ err: err.message }, "redis connection"),
    );
    await waitReady(redis, 10_000).catch((err: Error) =>
      logger.error({ err: err.message }, "redis not ready yet; retrying in the background"),
    );
    store = new RedisChatStore({
      redis,
      ttlSeconds: config.SESSION_TTL_SECONDS,
      lockTtlMs: config.LOCK_TTL_MS,
      // Updates come in through the inboxes (admit/claim never wait); acquire() is for other callers.
      lockWaitMs: config.LOCK_WAIT_MS,
      onLockWait: (seconds) => metrics.lockWait.observe(seconds),
    });
    faqLog = new RedisFaqLog(redis);
  } else {
    store = new MemoryChatStore({ ttlSeconds: config.SESSION_TTL_SECONDS });
    logger.warn("REDIS_URL not set: sessions in memory, lost on restart, one process only");
  }

  const hooks: BotHooks = {
    update: (update, seconds) => {
      metrics.updates.inc({ type: updateType(update) });
      metrics.updateDuration.observe(seconds);
    },
    track: (e) => {
      const labels = { flow: e.flow, state: e.state };
      if (e.event === "enter") metrics.flowStateEntries.inc(labels);
      else if (e.event === "complete") metrics.flowCompletions.inc(labels);
      else if (e.event === "invalid") metrics.flowInvalidInputs.inc(labels);
    },
    error: (kind) => metrics.errors.inc({ kind }),
    duplicate: () => metrics.duplicateUpdates.inc(),
    dropped: () => metrics.droppedUpdates.inc(),
  };
  const desk = new Desk(deskStore, world, {
    ...(config.HR_CHAT_ID !== undefined ? { fallbackGroup: tg(config.HR_CHAT_ID) } : {}),
    remindAfterMs: config.CASE_REMIND_MINUTES * 60_000,
    reopenWindowMs: config.CASE_REOPEN_HOURS * 3_600_000,
    retentionMs: config.CASE_RETENTION_DAYS * 24 * 3_600_000,
    showStaffName: config.SHOW_STAFF_NAME,
    relayPerMinute: config.CASE_RELAY_PER_MINUTE,
    opensPerDay: DEFAULT_DESK_CONFIG.opensPerDay,
    onOpened: (type) => metrics.casesOpened.inc({ type }),
  });
  const bot = createBot({
    token: config.BOT_TOKEN,
    world,
    logger,
    store,
    hooks,
    faqLog,
    desk,
    now,
    adminIds: config.ADMIN_IDS,
    ...(config.TELEGRAM_API_ROOT !== undefined ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
  });
  // Innermost: counts every real attempt, retries included.
  bot.api.config.use(apiTransformer(metrics));
  installLimits(bot.api);
  await bot.init();
  await bot.api.setMyCommands(COMMAND_MENU);

  let stopping = false;
  // The desk's background work: deliver the outbox (at its own pace and limits) and run reminders.
  const outboxApi = new Api(config.BOT_TOKEN, {
    timeoutSeconds: 20, // below the outbox lease, so a hung send cannot outlive it
    fetch: leanFetch as never,
    ...(config.TELEGRAM_API_ROOT !== undefined ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
  });
  outboxApi.config.use(apiTransformer(metrics));
  const background = new Background(desk, routeSenders({ tg: createTelegramSender(outboxApi) }), {
    now,
    onError: (err) => logger.warn({ err: String(err) }, "desk background"),
  });
  background.start(500);

  // Every update goes through the intake: into its chat's inbox (durable on Redis), acknowledged,
  // then handled one at a time per chat, private chats and groups each within their own budget.
  const telegram = createTelegramIntake(bot, {
    store,
    log: logger,
    concurrency: { private: config.CONCURRENCY_PRIVATE, group: config.CONCURRENCY_GROUP },
    perChat: config.CHAT_BACKLOG + 1,
    lockTtlMs: config.LOCK_TTL_MS,
    hooks: {
      dropped: () => metrics.droppedUpdates.inc(),
      duplicate: () => metrics.duplicateUpdates.inc(),
    },
    onDirectError: (err) => logger.warn({ err: errorSummary(err) }, "update failed"),
  });
  telegram.intake.start();
  metrics.intakeSource = () => telegram.intake.load;

  let runner: RunnerHandle | undefined;
  const webhookPath = config.WEBHOOK_URL !== undefined ? new URL(config.WEBHOOK_URL).pathname : undefined;
  const http: HttpServer = createHttpServer({
    logger,
    ...(webhookPath !== undefined
      ? {
          webhookPath,
          webhookSecret: config.WEBHOOK_SECRET,
          // Answered once the update is in its chat's inbox, not when it is handled.
          handleUpdate: async (update: unknown, raw?: string) => {
            await telegram.accept(update as Update, raw);
          },
        }
      : {}),
    ready: async () => {
      const checks = {
        flows: world.flows.states.size > 0,
        store: await store.ping(),
        desk: await deskStore.ping(),
        updates: !stopping && (runner?.isRunning() ?? true),
      };
      return { ok: Object.values(checks).every(Boolean), checks };
    },
    metrics,
    shuttingDown: () => stopping,
  });
  const port = await http.listen(config.PORT);

  if (config.WEBHOOK_URL !== undefined) {
    await bot.api.setWebhook(config.WEBHOOK_URL, {
      secret_token: config.WEBHOOK_SECRET,
      allowed_updates: [...ALLOWED_UPDATES],
      max_connections: 40,
    });
  } else {
    await bot.api.deleteWebhook();
    runner = startPolling(bot.api, telegram, logger);
  }
  logger.info(
    { bot: bot.botInfo.username, mode: runner ? "polling" : "webhook", port, flows: world.flows.flows.size },
    "Pandu berjalan",
  );

  return {
    mode: runner ? "polling" : "webhook",
    port,
    metrics,
    store,
    intake: telegram.intake,
    async stop() {
      if (stopping) return;
      stopping = true;
      logger.info("stopping: no new updates, finishing those in flight");
      if (runner?.isRunning()) await runner.stop();
      await http.close();
      await telegram.intake.stop();
      await background.stop();
      clock?.stop();
      await deskStore.close();
      await store.close();
      logger.info("stopped");
    },
  };
}

/**
 * Long polling with the runner's fetcher and source, and the intake as the sink:
 * a batch is confirmed to Telegram (the next getUpdates' offset) only after each
 * of its updates is in its chat's inbox, and the sink never waits for a chat to
 * be handled, so a busy chat holds no slot of the fetch.
 */
function startPolling(api: Api, telegram: TelegramIntake, logger: Logger): RunnerHandle {
  // The fetcher only calls api.getUpdates (and retries it); updates never pass through bot.handleUpdate here.
  const fetchUpdates = createUpdateFetcher<Update, unknown>(
    { api, handleUpdate: async () => {}, errorHandler: () => {} },
    { fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
  );
  const source = createSource<Update>({ supply: fetchUpdates });
  let pending = 0;
  const sink = {
    async handle(updates: Update[]): Promise<number> {
      pending = updates.length;
      for (let attempt = 0; ; attempt++) {
        try {
          await Promise.all(updates.map((update) => telegram.accept(update)));
          break;
        } catch (err) {
          // Not confirmed: getUpdates is not called again until the batch is in (redelivery is deduplicated).
          logger.error({ err: errorSummary(err), attempt }, "updates not accepted; retrying");
          await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5_000)));
        }
      }
      pending = 0;
      const { ready } = telegram.intake.load;
      // Fetch less while many chats wait for a slot (the runner passes this on as getUpdates' limit).
      return Math.max(1, 10_000 - ready.private - ready.group);
    },
    size: () => pending,
    snapshot: () => [],
  };
  const runner = createRunner(source, sink);
  runner.start();
  return runner;
}
