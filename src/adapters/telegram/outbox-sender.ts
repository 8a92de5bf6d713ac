import { type Api, GrammyError } from "grammy";
import type { Sender } from "../outbox.ts";

/**
 * Sends outbox items with a plain Bot API client (no auto-retry, no throttler:
 * the outbox does both) and tells retryable from permanent failures.
 */
export function createOutboxSender(api: Api): Sender {
  const raw = api.raw as unknown as Record<string, (payload: Record<string, unknown>) => Promise<unknown>>;
  return async (item) => {
    const call = raw[item.method];
    if (call === undefined)
      return { ok: false, permanent: true, description: `unknown method ${item.method}` };
    try {
      return { ok: true, result: await call(item.payload) };
    } catch (err) {
      if (err instanceof GrammyError) {
        if (err.error_code === 429) {
          return {
            ok: false,
            permanent: false,
            retryAfterSeconds: err.parameters.retry_after ?? 5,
            description: err.description,
          };
        }
        // An edit that changes nothing already shows what we wanted.
        if (err.description.includes("message is not modified")) return { ok: true, result: true };
        return { ok: false, permanent: err.error_code < 500, description: err.description };
      }
      return { ok: false, permanent: false, description: err instanceof Error ? err.message : String(err) };
    }
  };
}
