import type { Transformer } from "grammy";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { DeskHealth } from "../desk/desk.ts";
import type { TurnHooks } from "../turn.ts";
import { VERSION } from "../version.ts";

/** Update types counted by `updates_total`; anything else is "other". */
export const UPDATE_TYPES = [
  "message",
  "edited_message",
  "callback_query",
  "inline_query",
  "my_chat_member",
  "channel_post",
  "other",
] as const;
export type UpdateType = (typeof UPDATE_TYPES)[number];

/** Kinds counted by `errors_total`. */
export const ERROR_KINDS = ["telegram", "network", "store", "lock_timeout", "handler", "config"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Outcomes counted by `faq_outcomes_total`: a confident answer, a shown-but-unsure hit, nothing (a gap). */
export const FAQ_OUTCOMES = ["answered", "unsure", "gap"] as const;

/** Stores whose reachability `store_up{store}` reports. */
export type StoreName = "redis" | "postgres";

/** A store ping that takes longer than this counts as down (a scrape must not hang on it). */
const STORE_PING_TIMEOUT_MS = 2_000;

/** Buckets for millisecond-level work: 1 ms … 5 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface MetricsOptions {
  /** Prefix of Pandu's own metric names; default "pandu_". */
  prefix?: string;
  /**
   * Also collect prom-client's default process metrics (CPU, memory, event loop…) under their
   * standard names (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`…, no prefix, so
   * stock Node.js dashboards and alerts work); default true.
   */
  collectDefault?: boolean;
  /** Labels of `build_info`; default this package's version and the running Node. */
  buildInfo?: { version: string; node: string };
}

export interface Metrics {
  /** Private registry: nothing is registered on prom-client's global one. */
  registry: Registry;
  /** Content-Type of `render()`'s output. */
  contentType: string;
  /** Prometheus text exposition of every metric in `registry`. */
  render(): Promise<string>;
  /** `updates_total{type}` */
  updates: Counter<"type">;
  /** `update_duration_seconds` */
  updateDuration: Histogram;
  /** `errors_total{kind}` */
  errors: Counter<"kind">;
  /** `telegram_api_calls_total{method}` */
  telegramApiCalls: Counter<"method">;
  /** `telegram_api_errors_total{method,code}` */
  telegramApiErrors: Counter<"method" | "code">;
  /** `telegram_rate_limited_total` */
  telegramRateLimited: Counter;
  /** `telegram_blocked_total` */
  telegramBlocked: Counter;
  /** `flow_state_entries_total{flow,state}` */
  flowStateEntries: Counter<"flow" | "state">;
  /** `flow_completions_total{flow,state}` */
  flowCompletions: Counter<"flow" | "state">;
  /** `flow_invalid_inputs_total{flow,state}` */
  flowInvalidInputs: Counter<"flow" | "state">;
  /** `cases_opened_total{type}` */
  casesOpened: Counter<"type">;
  /** `duplicate_updates_total` */
  duplicateUpdates: Counter;
  /** `dropped_updates_total`: updates of a chat beyond its backlog (a flood), dropped. */
  droppedUpdates: Counter;
  /** `lock_wait_seconds` */
  lockWait: Histogram;
  /** `build_info{version,node}`: always 1; the labels say what runs. */
  buildInfo: Gauge<"version" | "node">;
  /**
   * Reports `store_up{store}` from this ping at every scrape: 1 when it resolves true within 2 s,
   * 0 otherwise. The runtime watches Redis; the PostgreSQL desk watches itself.
   */
  watchStore(store: StoreName, ping: () => Promise<boolean>): void;
  /**
   * Reads the desk's health at every scrape (one read shared by the gauges below, 2 s at most;
   * on failure they keep their last values and `store_up` tells why).
   */
  watchDesk(read: () => Promise<DeskHealth>, now?: () => number): void;

  // Read from the HR desk at scrape time (watchDesk); 0 until it is watched.
  /** `outbox_pending`: outbox items not delivered yet. */
  outboxPending: Gauge;
  /** `outbox_due`: outbox items due now (not waiting for a retry or a rate window). */
  outboxDue: Gauge;
  /** `outbox_dead_letters`: outbox items that failed for good and are kept as dead letters. */
  outboxDeadLetters: Gauge;
  /** `outbox_oldest_age_seconds`: age of the oldest undelivered outbox item. */
  outboxOldestAge: Gauge;
  /** `cases_open{status}`: open cases by status. */
  casesOpen: Gauge<"status">;
  /** `case_oldest_unclaimed_age_seconds`: age of the oldest case nobody took. */
  caseOldestUnclaimedAge: Gauge;
  /** `routes_broken`: instansi routed to a group that cannot receive cards (bot removed, no rights). */
  routesBroken: Gauge;
  /** `faq_outcomes_total{outcome}`: FAQ questions answered, shown with doubt, or recorded as gaps. */
  faqOutcomes: Counter<"outcome">;
  /** `secrets_deleted_total`: messages deleted because they held a password, token or OTP. */
  secretsDeleted: Counter;
  /** `turn_duration_seconds`: one turn (lock, load, transition, effects, commit), any channel. */
  turnDuration: Histogram;
  /** `intake_chats{lane,state}`: chats waiting for a slot or being handled in this process. */
  intakeChats: Gauge<"lane" | "state">;
  /** Where `intake_chats` is read from when /metrics is scraped. */
  intakeSource?: () => { ready: Record<string, number>; running: Record<string, number> };
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const prefix = options.prefix ?? "pandu_";
  const registry = new Registry();
  if (options.collectDefault ?? true) collectDefaultMetrics({ register: registry });

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name: prefix + name, help, labelNames, registers: [registry] });
  const histogram = (name: string, help: string) =>
    new Histogram({ name: prefix + name, help, buckets: LATENCY_BUCKETS, registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name: prefix + name, help, labelNames, registers: [registry] });

  // The desk gauges read one shared snapshot per scrape (prom-client collects every metric at once).
  let deskRead: (() => Promise<DeskHealth>) | undefined;
  let deskNow: () => number = Date.now;
  let deskSnapshot: Promise<DeskHealth | undefined> | undefined;
  const readDesk = (): Promise<DeskHealth | undefined> => {
    const read = deskRead;
    if (read === undefined) return Promise.resolve(undefined);
    if (deskSnapshot === undefined) {
      deskSnapshot = withTimeout(read).finally(() => {
        deskSnapshot = undefined;
      });
    }
    return deskSnapshot;
  };
  const deskGauge = <L extends string>(
    name: string,
    help: string,
    set: (gauge: Gauge<L>, health: DeskHealth, now: number) => void,
    labelNames: readonly L[] = [],
  ) =>
    new Gauge<L>({
      name: prefix + name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const health = await readDesk();
        if (health !== undefined) set(this, health, deskNow());
      },
    });
  const age = (at: number | undefined, now: number) =>
    at === undefined ? 0 : Math.max(0, (now - at) / 1000);

  const updates = counter("updates_total", "Telegram updates received, by update type.", ["type"]);
  const errors = counter("errors_total", "Errors, by kind.", ["kind"]);
  // Known label values start at 0 so rates and alerts work before the first occurrence.
  for (const type of UPDATE_TYPES) updates.inc({ type }, 0);
  for (const kind of ERROR_KINDS) errors.inc({ kind }, 0);
  const faqOutcomes = counter("faq_outcomes_total", "FAQ questions by outcome (answered, unsure, gap).", [
    "outcome",
  ]);
  for (const outcome of FAQ_OUTCOMES) faqOutcomes.inc({ outcome }, 0);

  const build = options.buildInfo ?? { version: VERSION, node: process.version };
  const buildInfo = gauge("build_info", "Always 1; the labels say which Pandu and which Node run.", [
    "version",
    "node",
  ]);
  buildInfo.set(build, 1);

  const storePings = new Map<StoreName, () => Promise<boolean>>();
  new Gauge({
    name: `${prefix}store_up`,
    help: "1 when the store answered a ping at scrape time, 0 when it did not (within 2 s).",
    labelNames: ["store"],
    registers: [registry],
    async collect() {
      const results = await Promise.all(
        [...storePings].map(async ([store, ping]) => [store, await up(ping)]),
      );
      for (const [store, ok] of results) this.set({ store: String(store) }, ok ? 1 : 0);
    },
  });

  const metrics: Metrics = {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    updates,
    updateDuration: histogram("update_duration_seconds", "Time spent handling one update."),
    errors,
    telegramApiCalls: counter("telegram_api_calls_total", "Bot API calls made, by method.", ["method"]),
    telegramApiErrors: counter(
      "telegram_api_errors_total",
      "Failed Bot API calls, by method and error code (429, 403, 400, 5xx, network…).",
      ["method", "code"],
    ),
    telegramRateLimited: counter(
      "telegram_rate_limited_total",
      "Bot API calls refused with 429 (flood control).",
    ),
    telegramBlocked: counter(
      "telegram_blocked_total",
      "Bot API calls refused with 403 (bot blocked by the user, kicked, user deactivated).",
    ),
    flowStateEntries: counter("flow_state_entries_total", "Entries into a flow state.", ["flow", "state"]),
    flowCompletions: counter("flow_completions_total", "Flows completed, by final state.", ["flow", "state"]),
    flowInvalidInputs: counter("flow_invalid_inputs_total", "Inputs rejected in a flow state.", [
      "flow",
      "state",
    ]),
    casesOpened: counter("cases_opened_total", "Cases opened for staff, by type.", ["type"]),
    duplicateUpdates: counter(
      "duplicate_updates_total",
      "Updates dropped as already processed (same update_id).",
    ),
    droppedUpdates: counter(
      "dropped_updates_total",
      "Updates dropped because their chat already had a full backlog (a flood).",
    ),
    lockWait: histogram("lock_wait_seconds", "Time spent waiting for a per-chat lock."),
    buildInfo,
    watchStore: (store, ping) => {
      storePings.set(store, ping);
    },
    watchDesk: (read, now = Date.now) => {
      deskRead = read;
      deskNow = now;
    },
    outboxPending: deskGauge("outbox_pending", "Outbox items not delivered yet.", (g, h) => g.set(h.pending)),
    outboxDue: deskGauge(
      "outbox_due",
      "Outbox items due now (not waiting for a retry or a rate window).",
      (g, h) => g.set(h.due),
    ),
    outboxDeadLetters: deskGauge(
      "outbox_dead_letters",
      "Outbox items that failed for good, kept as dead letters.",
      (g, h) => g.set(h.deadLetters),
    ),
    outboxOldestAge: deskGauge(
      "outbox_oldest_age_seconds",
      "Age of the oldest undelivered outbox item, seconds; 0 when the outbox is empty.",
      (g, h, now) => g.set(age(h.oldestAt, now)),
    ),
    casesOpen: deskGauge(
      "cases_open",
      "Open cases by status (open: nobody took it yet; claimed: a staff member has it).",
      (g, h) => {
        g.set({ status: "open" }, h.open);
        g.set({ status: "claimed" }, h.claimed);
      },
      ["status"],
    ),
    caseOldestUnclaimedAge: deskGauge(
      "case_oldest_unclaimed_age_seconds",
      "Age of the oldest case nobody took, seconds; 0 when there is none.",
      (g, h, now) => g.set(age(h.oldestUnclaimedAt, now)),
    ),
    routesBroken: deskGauge(
      "routes_broken",
      "HR groups that cannot receive cards (bot removed, no rights) and still have routes.",
      (g, h) => g.set(h.routesBroken),
    ),
    faqOutcomes,
    secretsDeleted: counter(
      "secrets_deleted_total",
      "Messages deleted because they held a password, token or OTP.",
    ),
    turnDuration: histogram(
      "turn_duration_seconds",
      "One turn of any channel: lock, load, transition, effects, commit.",
    ),
    intakeChats: new Gauge<"lane" | "state">({
      name: `${prefix}intake_chats`,
      help: "Chats in this process's intake, by lane (private, group) and state (waiting for a slot, running).",
      labelNames: ["lane", "state"],
      registers: [registry],
      collect() {
        const load = metrics.intakeSource?.();
        if (load === undefined) return;
        for (const lane of Object.keys(load.ready)) {
          this.set({ lane, state: "waiting" }, load.ready[lane] ?? 0);
          this.set({ lane, state: "running" }, load.running[lane] ?? 0);
        }
      },
    }),
  };
  return metrics;
}

/** The turn's hooks that feed the metrics: flow funnel, FAQ outcomes, deleted secrets, turn latency, errors. */
export function turnMetrics(metrics: Metrics): TurnHooks {
  return {
    track: (e) => {
      const labels = { flow: e.flow, state: e.state };
      if (e.event === "enter") metrics.flowStateEntries.inc(labels);
      else if (e.event === "complete") metrics.flowCompletions.inc(labels);
      else if (e.event === "invalid") metrics.flowInvalidInputs.inc(labels);
      else if (e.event === "secret") metrics.secretsDeleted.inc();
      else if (e.event === "faq") metrics.faqOutcomes.inc({ outcome: "answered" });
      else if (e.event === "faq-unsure") metrics.faqOutcomes.inc({ outcome: "unsure" });
      else if (e.event === "faq-none") metrics.faqOutcomes.inc({ outcome: "gap" });
    },
    turn: (seconds) => metrics.turnDuration.observe(seconds),
    error: (kind) => metrics.errors.inc({ kind }),
    duplicate: () => metrics.duplicateUpdates.inc(),
  };
}

/** `read`'s value, or undefined when it fails or takes longer than STORE_PING_TIMEOUT_MS. */
async function withTimeout<T>(read: () => Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), STORE_PING_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(read)
        .catch(() => undefined),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A ping's verdict: true only if it resolves true within STORE_PING_TIMEOUT_MS. */
async function up(ping: () => Promise<boolean>): Promise<boolean> {
  return (await withTimeout(ping)) === true;
}

/** The type of a Telegram Update, from its keys (the one key besides `update_id`). */
export function updateType(update: object): UpdateType {
  for (const key of Object.keys(update)) {
    if (key === "update_id") continue;
    return (UPDATE_TYPES as readonly string[]).includes(key) ? (key as UpdateType) : "other";
  }
  return "other";
}

/** Bounded label value for a Bot API `error_code`. */
export function errorCodeLabel(code: number): string {
  if (code >= 500) return "5xx";
  if (code >= 400 && code < 500) return String(code);
  return "other";
}

/**
 * grammY API transformer (`bot.api.config.use(apiTransformer(metrics))`): counts
 * every call, failed calls by `error_code` (429 also counts as rate limited, 403
 * as blocked) and calls that threw (network failures, rethrown unchanged).
 * Results are passed through unchanged.
 */
export function apiTransformer(metrics: Metrics): Transformer {
  return async (prev, method, payload, signal) => {
    metrics.telegramApiCalls.inc({ method });
    const result = await prev(method, payload, signal).catch((error: unknown) => {
      metrics.telegramApiErrors.inc({ method, code: "network" });
      throw error;
    });
    if (!result.ok) {
      metrics.telegramApiErrors.inc({ method, code: errorCodeLabel(result.error_code) });
      if (result.error_code === 429) metrics.telegramRateLimited.inc();
      if (result.error_code === 403) metrics.telegramBlocked.inc();
    }
    return result;
  };
}
