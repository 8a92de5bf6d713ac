/**
 * Telegram rendering: buttons → inline keyboards, channel-neutral messages →
 * Bot API calls, a turn's effects → calls in the chat of the update.
 * Telegram's limits (4096 characters of text, 1024 of a caption, 64 bytes of
 * callback data) are enforced where the text is made (core) and checked here.
 */
import type { Api, Context } from "grammy";
import type { InlineKeyboardButton, MessageEntity } from "grammy/types";
import { APOLOGY, OUTAGE } from "../../core/notices.ts";
import { type ButtonView, type OutMessage, type Span, toAddress } from "../../core/protocol.ts";
import { errorSummary, type Log } from "../../logger.ts";
import type { ChannelEffect, TurnIO } from "../../turn.ts";

export const CHANNEL = "tg";
/** A Telegram chat's address ("tg:123456"). */
export const tg = (id: number) => toAddress(CHANNEL, id);

/** Keyboards already converted: the engine renders the keyboard of a static state once and reuses it. */
const KEYBOARDS = new WeakMap<ButtonView[][], InlineKeyboardButton[][]>();

/** Inline keyboard rows from rendered buttons. */
export function toKeyboard(rows: ButtonView[][]): InlineKeyboardButton[][] {
  let keyboard = KEYBOARDS.get(rows);
  if (keyboard === undefined) {
    keyboard = convert(rows);
    KEYBOARDS.set(rows, keyboard);
  }
  return keyboard;
}

function convert(rows: ButtonView[][]): InlineKeyboardButton[][] {
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

/** Send options with the buttons as an inline keyboard (none when there are no buttons). */
export function markup(buttons: ButtonView[][] | undefined): {
  reply_markup?: { inline_keyboard: InlineKeyboardButton[][] };
} {
  return buttons !== undefined && buttons.length > 0
    ? { reply_markup: { inline_keyboard: toKeyboard(buttons) } }
    : {};
}

/** The Bot API call that shows `message` in chat `chatId`. Pure. */
export function toCall(chatId: number, message: OutMessage): Call {
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

/** The Bot API calls a turn's effects need (grammY's Api has them). */
export interface ReplyApi {
  sendMessage: Api["sendMessage"];
  deleteMessage: Api["deleteMessage"];
  answerCallbackQuery: Api["answerCallbackQuery"];
}

const NO_PREVIEW = { is_disabled: true } as const;

/**
 * The turn's effects in the chat of one update: replies, deleting the user's
 * message, and the answer to a button press (always given, with the toast text
 * when there is one). One object per update, its methods on the prototype.
 */
export class ReplyIO implements TurnIO {
  constructor(
    private readonly api: ReplyApi,
    private readonly chatId: number | undefined,
    /** The user's message or edited message (for delete-incoming), when the update is one. */
    private readonly messageId: number | undefined,
    /** The button press to answer, when the update is one. */
    private readonly callbackQueryId: string | undefined,
    private readonly log: Log,
  ) {}

  async run(effects: ChannelEffect[]): Promise<void> {
    const chatId = this.chatId;
    let toast: string | undefined;
    for (const effect of effects) {
      if (chatId === undefined) break;
      if (effect.type === "reply") {
        await this.api.sendMessage(
          chatId,
          effect.text,
          effect.buttons !== undefined
            ? {
                link_preview_options: NO_PREVIEW,
                reply_markup: { inline_keyboard: toKeyboard(effect.buttons) },
              }
            : { link_preview_options: NO_PREVIEW },
        );
      } else if (effect.type === "delete-incoming") {
        if (this.messageId === undefined) continue;
        await this.api.deleteMessage(chatId, this.messageId).catch((err: unknown) => {
          this.log.warn({ err: errorSummary(err) }, "could not delete message");
        });
      } else toast = effect.text;
    }
    await this.answerButton(toast);
  }

  async outage(): Promise<void> {
    if (this.chatId !== undefined) await this.api.sendMessage(this.chatId, OUTAGE).catch(() => undefined);
    await this.answerButton();
  }

  async apologise(): Promise<void> {
    if (this.chatId !== undefined) await this.api.sendMessage(this.chatId, APOLOGY).catch(() => undefined);
    await this.answerButton();
  }

  private async answerButton(text?: string): Promise<void> {
    if (this.callbackQueryId === undefined) return;
    await this.api
      .answerCallbackQuery(this.callbackQueryId, text !== undefined ? { text } : undefined)
      .catch((err: unknown) => {
        this.log.warn({ err: errorSummary(err) }, "could not answer callback query");
      });
  }
}

/** The turn's effects in the chat of a grammY update. */
export function replyIO(ctx: Context, log: Log): TurnIO {
  return new ReplyIO(ctx.api, ctx.chat?.id, ctx.msg?.message_id, ctx.callbackQuery?.id, log);
}
