import { autoRetry } from "@grammyjs/auto-retry";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import type { Api, Transformer } from "grammy";

export interface LimitsOptions {
  /** Retries of one call on 429 / 5xx / network errors (default 3). */
  maxRetries?: number;
  /** Longest retry_after honoured in place; longer waits fail the call (default 30 s). */
  maxDelaySeconds?: number;
}

/**
 * Telegram's limits as API transformers: auto-retry (429 retry_after, 5xx,
 * bounded) wrapped around a throttler. Per private chat a token bucket of 3
 * with 1 more per second (a step's 2–3 messages go out at once, the sustained
 * rate stays about 1/s); per group 20 per minute; about 30 per second overall.
 * 403 (blocked by the user) and other 4xx are not retried by auto-retry.
 */
export function installLimits(api: Api, options: LimitsOptions = {}): void {
  const throttle: Transformer = apiThrottler({
    global: { reservoir: 30, reservoirRefreshAmount: 30, reservoirRefreshInterval: 1_000 },
    group: {
      maxConcurrent: 1,
      minTime: 1_000,
      reservoir: 20,
      reservoirRefreshAmount: 20,
      reservoirRefreshInterval: 60_000,
    },
    out: {
      maxConcurrent: 1,
      reservoir: 3,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: 1_000,
      reservoirIncreaseMaximum: 3,
    },
  });
  // Order: transformers installed later run first, so retry wraps throttling and each retry is throttled again.
  api.config.use(throttle);
  api.config.use(
    autoRetry({
      maxRetryAttempts: options.maxRetries ?? 3,
      maxDelaySeconds: options.maxDelaySeconds ?? 30,
      rethrowInternalServerErrors: false,
      rethrowHttpErrors: false,
    }),
  );
}
