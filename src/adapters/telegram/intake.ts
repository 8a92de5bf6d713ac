/**
 * Telegram updates into the intake (src/intake.ts): which chat and lane an
 * update belongs to, read from the raw update before grammY builds anything;
 * what the bot does not act on is dropped here and costs nothing.
 */
import type { Update, UserFromGetMe } from "grammy/types";
import { FLOOD_NOTICE } from "../../core/notices.ts";
import { splitAddress } from "../../core/protocol.ts";
import { type Accepted, Intake, type IntakeOptions, type Lane } from "../../intake.ts";
import type { Lease } from "../../stores.ts";
import type { Turns } from "../../turn.ts";
import { GROUP_COMMANDS } from "./bot.ts";
import { CHANNEL } from "./render.ts";

export type Route =
  /** Handled in the chat's lane, one at a time, from its inbox. */
  | { lane: Lane; chat: number }
  /** Handled at once, outside any lane (inline queries, stray buttons): nothing to order or keep. */
  | "direct"
  /** Nothing the bot acts on (group chatter, service messages, channel posts). */
  | "ignore";

/**
 * Where an update goes, from its raw shape. Mirrors the routing in bot.ts: a
 * private chat's messages, edits and buttons are a conversation; in a group only
 * the bot's commands, replies to the bot's messages, forum-topic messages, the
 * desk's buttons, the group becoming a supergroup and the bot's own membership
 * are acted on. Pure.
 */
export function routeOf(update: Update, me: UserFromGetMe): Route {
  const message = update.message;
  if (message !== undefined) {
    const chat = message.chat;
    if (chat.type === "private") return { lane: "private", chat: chat.id };
    if (chat.type !== "group" && chat.type !== "supergroup") return "ignore";
    // The group became a supergroup: its route and open cases follow it (bot.ts, network.groupMoved).
    if (message.migrate_to_chat_id !== undefined) return { lane: "group", chat: chat.id };
    const text = message.text;
    if (text?.startsWith("/")) {
      const match = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?/.exec(text);
      if (match === null) return "ignore";
      const [, name = "", mention] = match;
      if (mention !== undefined && mention.toLowerCase() !== me.username.toLowerCase()) return "ignore";
      return GROUP_COMMANDS.has(name) ? { lane: "group", chat: chat.id } : "ignore";
    }
    if (text === undefined && message.photo === undefined) return "ignore";
    const repliedTo = message.reply_to_message;
    // A reply whose author is not given is taken in: only the desk can tell whether it answers a case.
    if (
      message.is_topic_message === true ||
      (repliedTo !== undefined && (repliedTo.from?.id ?? me.id) === me.id)
    )
      return { lane: "group", chat: chat.id };
    return "ignore";
  }
  // An edited private message is checked for secrets (a password added later is deleted); group edits are not acted on.
  const edited = update.edited_message;
  if (edited !== undefined)
    return edited.chat.type === "private" ? { lane: "private", chat: edited.chat.id } : "ignore";
  const query = update.callback_query;
  if (query !== undefined) {
    const chat = query.message?.chat;
    if (chat?.type === "private") return { lane: "private", chat: chat.id };
    // Case cards (d), claim picks (h), claim decisions in a manager group (c), contact cards (n).
    if ((chat?.type === "group" || chat?.type === "supergroup") && /^[dhcn]\|/.test(query.data ?? ""))
      return { lane: "group", chat: chat.id };
    return "direct";
  }
  // The bot added, removed or restricted in a group: its route may break or heal.
  const member = update.my_chat_member;
  if (member !== undefined)
    return member.chat.type === "group" || member.chat.type === "supergroup"
      ? { lane: "group", chat: member.chat.id }
      : "ignore";
  if (update.inline_query !== undefined) return "direct";
  return "ignore";
}

/** What the intake needs of the bot: its identity, the turns, and update handling. */
export interface IntakeBot {
  botInfo: UserFromGetMe;
  turns: Turns;
  handleUpdate(update: Update): Promise<void>;
  api: { sendMessage(chatId: number, text: string): Promise<unknown> };
}

export interface TelegramIntake {
  intake: Intake;
  /**
   * Takes one update; resolves once it may be acknowledged (it is in its chat's
   * inbox, or needs no keeping). `raw` is the update's JSON as received, if at hand.
   */
  accept(update: Update, raw?: string): Promise<Accepted | "direct" | "ignored">;
}

/** The intake for a grammY bot: updates routed by chat and lane, handled by the bot under the claimed lease. */
export function createTelegramIntake(
  bot: IntakeBot,
  options: Omit<IntakeOptions, "handle" | "notify" | "laneOf"> & {
    onDirectError?: (err: unknown) => void;
  },
): TelegramIntake {
  // Updates this process took in and has not handled yet, by chat and id: handled from the object
  // at hand rather than parsed back from the inbox's copy (which is for a crash or another process).
  const taken = new Map<string, Update>();
  const intake = new Intake({
    ...options,
    handle: (payload: string, lease: Lease) => {
      const key = `${lease.chat}#${lease.updateId}`;
      const update = taken.get(key) ?? (JSON.parse(payload) as Update);
      taken.delete(key);
      return bot.turns.under(lease, () => bot.handleUpdate(update));
    },
    notify: async (chat: string) => {
      await bot.api.sendMessage(Number(splitAddress(chat).id), FLOOD_NOTICE);
    },
    // Telegram's group and supergroup ids are negative.
    laneOf: (chat: string) => (splitAddress(chat).id.startsWith("-") ? "group" : "private"),
  });
  return {
    intake,
    async accept(update, raw) {
      const route = routeOf(update, bot.botInfo);
      if (route === "ignore") return "ignored";
      if (route === "direct") {
        bot.handleUpdate(update).catch((err: unknown) => options.onDirectError?.(err));
        return "direct";
      }
      const chat = `${CHANNEL}:${route.chat}`;
      const key = `${chat}#${update.update_id}`;
      // A cache only: updates another process handles never come back here, so it is kept small.
      if (taken.size >= 10_000) taken.clear();
      taken.set(key, update);
      try {
        const accepted = await intake.accept({
          chat,
          updateId: update.update_id,
          lane: route.lane,
          payload: raw ?? JSON.stringify(update),
        });
        if (accepted !== "queued") taken.delete(key);
        return accepted;
      } catch (err) {
        taken.delete(key);
        throw err;
      }
    },
  };
}
