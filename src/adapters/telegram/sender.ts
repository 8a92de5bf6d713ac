import { type Api, GrammyError } from "grammy";
import type { Sender } from "../../core/outbox.ts";
import { splitAddress, toAddress } from "../../core/protocol.ts";
import { CHANNEL, toCall } from "./render.ts";

/**
 * Sends outbox items with a plain Bot API client (no auto-retry: the outbox
 * retries with its own pacing) and tells retryable from permanent failures:
 * 429 waits retry_after; 5xx and network errors back off; 403 and "chat not
 * found" mean the chat is gone (its route is broken); a group upgraded to a
 * supergroup reports its new id.
 */
export function createTelegramSender(api: Api): Sender {
  const raw = api.raw as unknown as Record<string, (payload: Record<string, unknown>) => Promise<unknown>>;
  return async (item) => {
    const { channel, id } = splitAddress(item.to);
    if (channel !== CHANNEL)
      return { ok: false, permanent: true, description: `not a Telegram address: ${channel}` };
    const call = toCall(Number(id), item.message);
    try {
      const result = (await raw[call.method]!(call.payload)) as {
        message_id?: number;
        message_thread_id?: number;
      };
      return {
        ok: true,
        delivered: {
          ...(typeof result?.message_id === "number" ? { ref: String(result.message_id) } : {}),
          ...(typeof result?.message_thread_id === "number"
            ? { topic: String(result.message_thread_id) }
            : {}),
        },
      };
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
        if (err.description.includes("message is not modified")) return { ok: true, delivered: {} };
        const migrated = err.parameters.migrate_to_chat_id;
        if (migrated !== undefined) {
          return {
            ok: false,
            permanent: true,
            gone: true,
            movedTo: toAddress(CHANNEL, migrated),
            description: err.description,
          };
        }
        const gone =
          err.error_code === 403 ||
          /chat not found|bot was kicked|not enough rights|TOPIC_CLOSED|have no rights/i.test(
            err.description,
          );
        return { ok: false, permanent: err.error_code < 500, gone, description: err.description };
      }
      return { ok: false, permanent: false, description: err instanceof Error ? err.message : String(err) };
    }
  };
}
