import { createRunner, createSource, createUpdateFetcher, type RunnerHandle } from "@grammyjs/runner";
import { Api } from "grammy";
import type { Update } from "grammy/types";
import { createDashboardHandler } from "../adapters/http/dashboard.ts";
import { createHttpServer, type HttpServer, OPS_ROUTES, PUBLIC_ROUTES } from "../adapters/http/server.ts";
import { JourneyCounter } from "../adapters/journey-counter.ts";
import { MemoryChatStore } from "../adapters/memory/chat-store.ts";
import { MemoryDashboardStore } from "../adapters/memory/dashboard-store.ts";
import { MemoryDeskStore } from "../adapters/memory/desk-store.ts";
import { MemoryFaqLog } from "../adapters/memory/faq-log.ts";
import { apiTransformer, createMetrics, type Metrics, turnMetrics, updateType } from "../adapters/metrics.ts";
import { PostgresDashboardStore } from "../adapters/postgres/dashboard-store.ts";
import { createPool, PostgresDeskStore } from "../adapters/postgres/desk-store.ts";
import { migrate } from "../adapters/postgres/migrate.ts";
import { RedisChatStore } from "../adapters/redis/chat-store.ts";
import { createRedis, STORE_CLIENT_OPTIONS, waitReady } from "../adapters/redis/connect.ts";
import { RedisFaqLog } from "../adapters/redis/faq-log.ts";
import { type BotHooks, createBot } from "../adapters/telegram/bot.ts";
import { leanFetch } from "../adapters/telegram/fetch.ts";
import { createTelegramIntake, type TelegramIntake } from "../adapters/telegram/intake.ts";
import { installLimits } from "../adapters/telegram/limits.ts";
import { tg } from "../adapters/telegram/render.ts";
import { createTelegramSender } from "../adapters/telegram/sender.ts";
import type { Config } from "../config.ts";
import { COMMAND_MENU, GROUP_COMMAND_MENU } from "../core/commands.ts";
import { Background, routeSenders } from "../desk/background.ts";
import { Dashboard } from "../desk/dashboard.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../desk/desk.ts";
import { errorSummary, type Logger } from "../logger.ts";
import type { ChatStore, DeskStore, FaqLog, JourneyLog, SignInStore } from "../stores.ts";
import { DatabaseClock } from "./clock.ts";
import { deskSecret } from "./signing.ts";
import { loadWorld } from "./world.ts";

// edited_message: an edit that puts a password or code into the chat is deleted with a warning.
export const ALLOWED_UPDATES = [
  "message",
  "edited_message",
  "callback_query",
  "inline_query",
  "my_chat_member",
] as const;

export interface Runtime {
  mode: "polling" | "webhook";
  port: number;
  /** The operators' listener: /metrics, /readyz, /healthz on METRICS_HOST. */
  metricsPort: number;
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
 * runner or a webhook on node:http (PORT: the webhook and /healthz), and
 * /metrics, /readyz, /healthz on their own listener (METRICS_PORT on METRICS_HOST).
 */
export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
  if (config.BOT_TOKEN === undefined) {
    throw new Error("BOT_TOKEN belum diisi. Untuk mencoba tanpa Telegram: npm run chat");
  }
  const world = await loadWorld({ flowsDir: config.FLOWS_DIR, secret: deskSecret(config.BOT_TOKEN) });
  const metrics = createMetrics();

  let store: ChatStore;
  const faqLogOptions = { retentionMs: config.FAQ_GAP_RETENTION_DAYS * 24 * 3_600_000 };
  let faqLog: FaqLog = new MemoryFaqLog(faqLogOptions);
  let deskStore: DeskStore;
  // The dashboard's sign-ins and the journey aggregates live beside the desk's records.
  let dashboardStore: SignInStore & JourneyLog = new MemoryDashboardStore();
  let clock: DatabaseClock | undefined;
  if (config.DATABASE_URL !== undefined) {
    // Migrations first (under an advisory lock: instances starting together apply them once).
    const applied = await migrate({
      databaseUrl: config.DATABASE_URL,
      log: (message) => logger.debug({ message }, "migration"),
    });
    if (applied.length > 0) logger.info({ applied }, "database migrated");
    const pool = createPool(config.DATABASE_URL, (err) =>
      logger.warn({ err: errorSummary(err) }, "postgres connection"),
    );
    deskStore = new PostgresDeskStore({
      pool,
      onUnreadable: (what, reason) => logger.warn({ what, reason }, "unreadable desk record skipped"),
    });
    dashboardStore = new PostgresDashboardStore(pool);
    metrics.watchStore("postgres", () => deskStore.ping());
    clock = new DatabaseClock(pool, (err) => logger.warn({ err: errorSummary(err) }, "database clock"));
    await clock.start();
  } else {
    deskStore = new MemoryDeskStore();
    logger.warn("DATABASE_URL not set: cases and the outbox in memory, lost on restart, one process only");
  }
  const now = clock?.now ?? Date.now;
  if (config.REDIS_URL !== undefined) {
    const redis = createRedis(config.REDIS_URL, STORE_CLIENT_OPTIONS, (err) =>
      logger.warn({ err: errorSummary(err) }, "redis connection"),
    );
    await waitReady(redis, 10_000).catch((err: Error) =>
      logger.error({ err: errorSummary(err) }, "redis not ready yet; retrying in the background"),
    );
    store = new RedisChatStore({
      redis,
      ttlSeconds: config.SESSION_TTL_SECONDS,
      lockTtlMs: config.LOCK_TTL_MS,
      // Updates come in through the inboxes (admit/claim never wait); acquire() is for other callers.
      lockWaitMs: config.LOCK_WAIT_MS,
      onLockWait: (seconds) => metrics.lockWait.observe(seconds),
    });
    metrics.watchStore("redis", () => store.ping());
    faqLog = new RedisFaqLog(redis, faqLogOptions);
  } else {
    store = new MemoryChatStore({ ttlSeconds: config.SESSION_TTL_SECONDS });
    logger.warn("REDIS_URL not set: sessions in memory, lost on restart, one process only");
  }

  // Durable daily journey aggregates for the dashboard: counted in memory, flushed every 30 s and at stop.
  const journeys = new JourneyCounter(dashboardStore, {
    now,
    onError: (err) => logger.warn({ err: errorSummary(err) }, "journey counts not flushed yet"),
  });
  journeys.start();
  const counted = turnMetrics(metrics);
  const hooks: BotHooks = {
    ...counted,
    track: (e) => {
      counted.track?.(e);
      journeys.track(e);
    },
    update: (update, seconds) => {
      metrics.updates.inc({ type: updateType(update) });
      metrics.updateDuration.observe(seconds);
    },
    dropped: () => metrics.droppedUpdates.inc(),
  };
  const desk = new Desk(deskStore, world, {
    ...(config.HR_CHAT_ID !== undefined ? { fallbackGroup: tg(config.HR_CHAT_ID) } : {}),
    admins: config.ADMIN_IDS.map(tg),
    onRouteState: (group, broken, why) => {
      if (broken) logger.warn({ group, why }, "HR route broken: its cases take the fallback chain");
      else logger.info({ group }, "HR route repaired");
    },
    onDeadLetter: (item, description) =>
      logger.warn(
        { item: item.id, case: item.caseId, to: item.group ? item.to : "user", description },
        "outbox item failed for good (dead letter)",
      ),
    remindAfterMs: config.CASE_REMIND_MINUTES * 60_000,
    reopenWindowMs: config.CASE_REOPEN_HOURS * 3_600_000,
    retentionMs: config.CASE_RETENTION_DAYS * 24 * 3_600_000,
    showStaffName: config.SHOW_STAFF_NAME,
    relayPerMinute: config.CASE_RELAY_PER_MINUTE,
    opensPerDay: DEFAULT_DESK_CONFIG.opensPerDay,
    onOpened: (type) => metrics.casesOpened.inc({ type }),
    weeklyDigest: true,
  });
  const faqEntries = world.faq.entries.map((e) => ({ id: e.id, title: e.title }));
  const dashboard = new Dashboard(dashboardStore, dashboardStore, faqLog, deskStore, desk.network, world, {
    ...(config.DASHBOARD_URL !== undefined ? { url: config.DASHBOARD_URL } : {}),
    faqEntries,
  });
  metrics.watchDesk(() => desk.health(now()), now);
  const bot = createBot({
    token: config.BOT_TOKEN,
    world,
    logger,
    store,
    hooks,
    faqLog,
    desk,
    dashboard,
    now,
    adminIds: config.ADMIN_IDS,
    ...(config.TELEGRAM_API_ROOT !== undefined ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
  });
  // Innermost: counts every real attempt, retries included.
  bot.api.config.use(apiTransformer(metrics));
  installLimits(bot.api);
  await bot.init();
  await bot.api.setMyCommands(COMMAND_MENU, { scope: { type: "all_private_chats" } });
  await bot.api.setMyCommands(GROUP_COMMAND_MENU, { scope: { type: "all_group_chats" } });
  await desk.contacts.refresh(now());

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
    onError: (err) => logger.warn({ err: errorSummary(err) }, "desk background"),
  });
  background.start(500);
  // FAQ gaps past their retention go hourly (recording a gap also drops the expired ones).
  const purgeGaps = () => {
    void faqLog
      .purge(now())
      .catch((err: unknown) => logger.warn({ err: errorSummary(err) }, "faq gap purge"));
    void dashboard
      .purge(now())
      .catch((err: unknown) => logger.warn({ err: errorSummary(err) }, "sign-in purge"));
  };
  purgeGaps();
  const gapPurger = setInterval(purgeGaps, 3_600_000);
  gapPurger.unref();

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
  let polling: { lastFetchAt(): number } | undefined;
  const webhookPath = config.WEBHOOK_URL !== undefined ? new URL(config.WEBHOOK_URL).pathname : undefined;
  const http: HttpServer = createHttpServer({
    logger,
    routes: PUBLIC_ROUTES,
    ...(config.DASHBOARD_URL !== undefined
      ? {
          dashboard: createDashboardHandler({
            dashboard,
            logger,
            now,
            secure: config.DASHBOARD_URL.startsWith("https://"),
          }),
        }
      : {}),
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
    shuttingDown: () => stopping,
  });
  const ops: HttpServer = createHttpServer({
    logger,
    routes: OPS_ROUTES,
    ready: async () => {
      const checks = {
        flows: world.flows.states.size > 0,
        store: await store.ping(),
        desk: await deskStore.ping(),
        updates:
          !stopping &&
          (runner?.isRunning() ?? true) &&
          updateLoopHealthy({
            now: Date.now(),
            oldestRunningMs: telegram.intake.oldestRunningMs(),
            ...(polling !== undefined ? { lastFetchAt: polling.lastFetchAt() } : {}),
          }),
      };
      return { ok: Object.values(checks).every(Boolean), checks };
    },
    metrics,
    shuttingDown: () => stopping,
  });
  const port = await http.listen(config.PORT);
  const metricsPort = await ops.listen(config.METRICS_PORT, config.METRICS_HOST);

  if (config.WEBHOOK_URL !== undefined) {
    await bot.api.setWebhook(config.WEBHOOK_URL, {
      secret_token: config.WEBHOOK_SECRET,
      allowed_updates: [...ALLOWED_UPDATES],
      max_connections: 40,
    });
  } else {
    await bot.api.deleteWebhook();
    const started = startPolling(bot.api, telegram, logger);
    runner = started.runner;
    polling = started;
  }
  logger.info(
    {
      bot: bot.botInfo.username,
      mode: runner ? "polling" : "webhook",
      port,
      metricsPort,
      flows: world.flows.flows.size,
    },
    "Pandu berjalan",
  );

  return {
    mode: runner ? "polling" : "webhook",
    port,
    metricsPort,
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
      await ops.close();
      await background.stop();
      await journeys
        .stop()
        .catch((err: unknown) => logger.warn({ err: errorSummary(err) }, "journey counts lost at stop"));
      clearInterval(gapPurger);
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
function startPolling(
  api: Api,
  telegram: TelegramIntake,
  logger: Logger,
): { runner: RunnerHandle; lastFetchAt(): number } {
  // The fetcher only calls api.getUpdates (and retries it); updates never pass through bot.handleUpdate here.
  const fetchUpdates = createUpdateFetcher<Update, unknown>(
    { api, handleUpdate: async () => {}, errorHandler: () => {} },
    { fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
  );
  // When a getUpdates last came back (with updates or after its long poll): /readyz's heartbeat.
  let lastFetchAt = Date.now();
  const source = createSource<Update>({
    supply: async (batchSize, signal) => {
      try {
        return await fetchUpdates(batchSize, signal);
      } finally {
        lastFetchAt = Date.now();
      }
    },
  });
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
  return { runner, lastFetchAt: () => lastFetchAt };
}

/** A long poll returns within 30 s; a getUpdates not back for this long means the loop is stuck. */
export const POLL_STUCK_MS = 90_000;
/** A turn renews its lock while it runs, but one still in its handler after this long is stuck. */
export const HANDLER_STUCK_MS = 120_000;

/**
 * Whether updates still flow (/readyz): no handler stuck for HANDLER_STUCK_MS and, when polling, a
 * getUpdates came back within POLL_STUCK_MS. A process that fails it is taken out of rotation (and
 * restarted by its supervisor after the readiness alert); what waits in its inboxes is swept by another.
 */
export function updateLoopHealthy(state: {
  now: number;
  oldestRunningMs: number;
  lastFetchAt?: number;
}): boolean {
  if (state.oldestRunningMs >= HANDLER_STUCK_MS) return false;
  return state.lastFetchAt === undefined || state.now - state.lastFetchAt < POLL_STUCK_MS;
}
