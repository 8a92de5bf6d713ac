import { type Context, GrammyError } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import type { ButtonView, Effect } from "../../core/flow/transition.ts";
import { maskText } from "../../core/mask.ts";
import { type Desk, isCaseEffect } from "../../desk/desk.ts";
import type { Logger } from "../../logger.ts";
import type { FaqLog } from "../faq-log.ts";

/** Inline keyboard rows from rendered buttons. */
export function toKeyboard(rows: ButtonView[][]): InlineKeyboardButton[][] {
  return rows.map((row) =>
    row.map(
      (b): InlineKeyboardButton =>
        b.url !== undefined
          ? { text: b.label, url: b.url }
          : { text: b.label, callback_data: b.data ?? "g|menu" },
    ),
  );
}

/**
 * Runs the effects of one transition against the Bot API, in order. A failed
 * delete is logged and ignored (the message may be gone already); a failed
 * send throws so the session is not saved.
 */
export async function runEffects(
  ctx: Context,
  effects: Effect[],
  log: Logger,
  faqLog?: FaqLog,
  desk?: Desk,
  now: number = Date.now(),
): Promise<Record<string, string | undefined>> {
  const chatId = ctx.chat?.id;
  const vars: Record<string, string | undefined> = {};
  let toast: string | undefined;
  for (const effect of effects) {
    if (isCaseEffect(effect)) {
      if (desk === undefined || chatId === undefined) continue;
      const outcome = await desk.userEffect(chatId, effect, now);
      Object.assign(vars, outcome.vars ?? {});
      if (outcome.reply !== undefined) {
        await ctx.api.sendMessage(chatId, outcome.reply.text, {
          link_preview_options: { is_disabled: true },
          ...(outcome.reply.buttons !== undefined
            ? { reply_markup: { inline_keyboard: toKeyboard(outcome.reply.buttons) } }
            : {}),
        });
      }
      continue;
    }
    switch (effect.type) {
      case "reply":
        if (chatId === undefined) break;
        await ctx.api.sendMessage(chatId, effect.text, {
          link_preview_options: { is_disabled: true },
          ...(effect.buttons !== undefined
            ? { reply_markup: { inline_keyboard: toKeyboard(effect.buttons) } }
            : {}),
        });
        break;
      case "delete-incoming": {
        const messageId = ctx.message?.message_id;
        if (chatId === undefined || messageId === undefined) break;
        await ctx.api.deleteMessage(chatId, messageId).catch((err: unknown) => {
          log.warn(
            { err: err instanceof GrammyError ? err.description : String(err) },
            "could not delete message",
          );
        });
        break;
      }
      case "toast":
        toast = effect.text;
        break;
      case "track":
        log.info(
          { event: effect.event, flow: effect.flow, state: effect.state, detail: effect.detail },
          "flow",
        );
        break;
      case "faq-gap":
        // Learning material only: never fail the update for it.
        await faqLog
          ?.gap(maskText(effect.text), effect.best)
          .catch((err: unknown) => log.warn({ err: String(err) }, "faq gap not recorded"));
        break;
      case "faq-feedback":
        await faqLog
          ?.feedback(effect.id, effect.helpful)
          .catch((err: unknown) => log.warn({ err: String(err) }, "faq feedback not recorded"));
        break;
    }
  }
  if (ctx.callbackQuery !== undefined) {
    await ctx.answerCallbackQuery(toast !== undefined ? { text: toast } : undefined).catch((err: unknown) => {
      log.warn({ err: String(err) }, "could not answer callback query");
    });
  }
  return vars;
}
