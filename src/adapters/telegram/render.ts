/**
 * Telegram rendering: buttons → inline keyboards, channel-neutral messages →
 * Bot API calls, a turn's effects → calls in the chat of the update.
 * Telegram's limits (4096 characters of text, 1024 of a caption, 64 bytes of
 * callback data) are enforced where the text is made (core) and checked here.
 */
import type { Context } from "grammy";
import type { InlineKeyboardButton, MessageEntity } from "grammy/types";
import type { ButtonView, OutMessage, Span } from "../../core/protocol.ts";
import { errorSummary, type Logger } from "../../logger.ts";
import type { ChannelEffect, TurnIO } from "../../turn.ts";

export const CHANNEL = "tg";

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

/** User-typed spans as `code` entities: Telegram then shows them verbatim, never as a command, mention or link. */
export function toEntities(inert: Span[] | undefined): MessageEntity[] | undefined {
  if (inert === undefined || inert.length === 0) return undefined;
  return inert.filter((s) => s.length > 0).map((s) => ({ type: "code", offset: s.offset, length: s.length }));
}

/** A Bot API call: method and payload. */
export interface Call {
  method: "sendMessage" | "sendPhoto" | "editMessageText" | "createForumTopic" | "setMessageReaction";
  payload: Record<string, unknown>;
}

/** The Bot API call that shows `message` in chat `chatId`. Pure. */
export function toCall(chatId: number, message: OutMessage): Call {
  const markup = (buttons: ButtonView[][] | undefined) =>
    buttons !== undefined && buttons.length > 0
      ? { reply_markup: { inline_keyboard: toKeyboard(buttons) } }
      : {};
  const thread = (m: { thread?: { topic?: string; replyTo?: string } }) => ({
    ...(m.thread?.topic !== undefined ? { message_thread_id: Number(m.thread.topic) } : {}),
    ...(m.thread?.replyTo !== undefined && m.thread.topic === undefined
      ? { reply_parameters: { message_id: Number(m.thread.replyTo), allow_sending_without_reply: true } }
      : {}),
  });
  const entities = (inert: Span[] | undefined) => {
    const list = toEntities(inert);
    return list !== undefined ? { entities: list } : {};
  };
  switch (message.type) {
    case "text":
      return {
        method: "sendMessage",
        payload: {
          chat_id: chatId,
          text: message.text,
          link_preview_options: { is_disabled: true },
          ...entities(message.inert),
          ...markup(message.buttons),
          ...thread(message),
        },
      };
    case "photo":
      return {
        method: "sendPhoto",
        payload: {
          chat_id: chatId,
          photo: message.photo,
          ...(message.caption !== undefined ? { caption: message.caption } : {}),
          ...(message.inert !== undefined && message.inert.length > 0
            ? { caption_entities: toEntities(message.inert) }
            : {}),
          ...thread(message),
        },
      };
    case "edit":
      return {
        method: "editMessageText",
        payload: {
          chat_id: chatId,
          message_id: Number(message.ref),
          text: message.text,
          link_preview_options: { is_disabled: true },
          ...entities(message.inert),
          ...markup(message.buttons),
        },
      };
    case "topic":
      return { method: "createForumTopic", payload: { chat_id: chatId, name: message.name } };
    case "react":
      return {
        method: "setMessageReaction",
        payload: {
          chat_id: chatId,
          message_id: Number(message.ref),
          reaction: [{ type: "emoji", emoji: message.emoji }],
        },
      };
  }
}

export const APOLOGY = "Maaf, terjadi kesalahan. Silakan coba lagi.";
export const OUTAGE = "Maaf, sedang ada gangguan, silakan coba beberapa saat lagi.";

/**
 * The turn's effects in the chat of a grammY update: replies, deleting the
 * user's message, and the answer to a button press (always given, with the
 * toast text when there is one).
 */
export function replyIO(ctx: Context, log: Logger): TurnIO {
  const chatId = ctx.chat?.id;
  const answerButton = async (text?: string) => {
    if (ctx.callbackQuery === undefined) return;
    await ctx.answerCallbackQuery(text !== undefined ? { text } : undefined).catch((err: unknown) => {
      log.warn({ err: errorSummary(err) }, "could not answer callback query");
    });
  };
  return {
    async run(effects: ChannelEffect[]) {
      let toast: string | undefined;
      for (const effect of effects) {
        if (chatId === undefined) break;
        if (effect.type === "reply") {
          await ctx.api.sendMessage(chatId, effect.text, {
            link_preview_options: { is_disabled: true },
            ...(effect.buttons !== undefined
              ? { reply_markup: { inline_keyboard: toKeyboard(effect.buttons) } }
              : {}),
          });
        } else if (effect.type === "delete-incoming") {
          const messageId = ctx.msg?.message_id; // the message, or the edited message, of the update
          if (messageId === undefined) continue;
          await ctx.api.deleteMessage(chatId, messageId).catch((err: unknown) => {
            log.warn({ err: errorSummary(err) }, "could not delete message");
          });
        } else toast = effect.text;
      }
      await answerButton(toast);
    },
    async outage() {
      if (chatId !== undefined) await ctx.api.sendMessage(chatId, OUTAGE).catch(() => undefined);
      await answerButton();
    },
    async apologise() {
      if (chatId !== undefined) await ctx.api.sendMessage(chatId, APOLOGY).catch(() => undefined);
      await answerButton();
    },
  };
}
