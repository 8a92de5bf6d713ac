import { autoRetry } from "@grammyjs/auto-retry";
import type { Api, Transformer } from "grammy";

export interface LimitsOptions {
  /** Retries of one call on 429 / 5xx (default 3). */
  maxRetries?: number;
  /** Longest retry_after honoured in place; longer waits fail the call (default 30 s). */
  maxDelaySeconds?: number;
  /** Everything one call may take, retries and waits included (default 60 s). */
  deadlineSeconds?: number;
}

/**
 * Telegram's limits on the reply path, as Telegram states them: no queue of
 * our own (replies to users go out as fast as they are made), and each call
 * honours a 429's retry_after or retries a 5xx in place (auto-retry). The wait
 * is per call, so a 429 for one chat holds back that chat's turn only. 403
 * (blocked by the user) and other 4xx are not retried. Background sends to
 * groups and users are paced by the desk's outbox, not here.
 */
export function installLimits(api: Api, options: LimitsOptions = {}): void {
  // Order: transformers installed later run first, so the deadline wraps every retry.
  api.config.use(
    autoRetry({
      maxRetryAttempts: options.maxRetries ?? 3,
      maxDelaySeconds: options.maxDelaySeconds ?? 30,
      rethrowInternalServerErrors: false,
      rethrowHttpErrors: false,
    }),
  );
  api.config.use(deadline((options.deadlineSeconds ?? 60) * 1000));
}

/**
 * Bounds a call with its retries: auto-retry retries network errors without a
 * limit on attempts, and a reply that cannot go out in a minute is better
 * failed (the turn apologises and keeps the session) than held for an hour.
 * getUpdates is left alone: the runner bounds and retries it itself.
 */
function deadline(ms: number): Transformer {
  return (prev, method, payload, signal) => {
    if (method === "getUpdates") return prev(method, payload, signal);
    const timeout = AbortSignal.timeout(ms);
    // grammY types its signal with the abort-controller shim; at run time it is Node's AbortSignal.
    const bounded = signal === undefined ? timeout : AbortSignal.any([signal as AbortSignal, timeout]);
    return prev(method, payload, bounded as unknown as typeof signal);
  };
}
