import type { Transformer } from "grammy";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
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
  /** `lock_wait_seconds` */
  lockWait: Histogram;
  /** `build_info{version,node}`: always 1; the labels say what runs. */
  buildInfo: Gauge<"version" | "node">;
  /**
   * Reports `store_up{store}` from this ping at every scrape: 1 when it resolves true within 2 s,
   * 0 otherwise. The runtime watches Redis; the PostgreSQL desk watches itself.
   */
  watchStore(store: StoreName, ping: () => Promise<boolean>): void;

  // Set by the HR desk (its tick, outbox and routes), not by this module: they read 0 until it does.
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

  return {
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
    lockWait: histogram("lock_wait_seconds", "Time spent waiting for a per-chat lock."),
    buildInfo,
    watchStore: (store, ping) => {
      storePings.set(store, ping);
    },
    outboxPending: gauge("outbox_pending", "Outbox items not delivered yet (set by the desk)."),
    outboxDue: gauge("outbox_due", "Outbox items due now (set by the desk)."),
    outboxDeadLetters: gauge(
      "outbox_dead_letters",
      "Outbox items that failed for good, kept as dead letters (set by the desk).",
    ),
    outboxOldestAge: gauge(
      "outbox_oldest_age_seconds",
      "Age of the oldest undelivered outbox item, seconds (set by the desk).",
    ),
    casesOpen: gauge("cases_open", "Open cases by status (set by the desk).", ["status"]),
    caseOldestUnclaimedAge: gauge(
      "case_oldest_unclaimed_age_seconds",
      "Age of the oldest case nobody took, seconds; 0 when there is none (set by the desk).",
    ),
    routesBroken: gauge(
      "routes_broken",
      "Instansi routed to a group that cannot receive cards (set by the desk).",
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
  };
}

/** A ping's verdict: true only if it resolves true within STORE_PING_TIMEOUT_MS. */
async function up(ping: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), STORE_PING_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(ping)
        .catch(() => false),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
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
