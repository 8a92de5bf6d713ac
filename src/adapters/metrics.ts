import type { Transformer } from "grammy";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

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

/** Buckets for millisecond-level work: 1 ms … 5 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface MetricsOptions {
  /** Prefix of every metric name; default "pandu_". */
  prefix?: string;
  /** Also collect prom-client's default process metrics (CPU, memory, event loop…); default true. */
  collectDefault?: boolean;
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
  /** `intake_chats{lane,state}`: chats waiting for a slot or being handled in this process. */
  intakeChats: Gauge<"lane" | "state">;
  /** Where `intake_chats` is read from when /metrics is scraped. */
  intakeSource?: () => { ready: Record<string, number>; running: Record<string, number> };
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const prefix = options.prefix ?? "pandu_";
  const registry = new Registry();
  if (options.collectDefault ?? true) collectDefaultMetrics({ register: registry, prefix });

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name: prefix + name, help, labelNames, registers: [registry] });
  const histogram = (name: string, help: string) =>
    new Histogram({ name: prefix + name, help, buckets: LATENCY_BUCKETS, registers: [registry] });

  const updates = counter("updates_total", "Telegram updates received, by update type.", ["type"]);
  const errors = counter("errors_total", "Errors, by kind.", ["kind"]);
  // Known label values start at 0 so rates and alerts work before the first occurrence.
  for (const type of UPDATE_TYPES) updates.inc({ type }, 0);
  for (const kind of ERROR_KINDS) errors.inc({ kind }, 0);

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
