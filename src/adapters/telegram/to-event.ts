import type { Context } from "grammy";
import type { Update } from "grammy/types";
import { textToEvent } from "../../core/commands.ts";
import type { Event } from "../../core/protocol.ts";

const MEDIA_KINDS = [
  "sticker",
  "photo",
  "document",
  "voice",
  "video",
  "video_note",
  "audio",
  "animation",
  "contact",
  "location",
  "venue",
  "poll",
  "dice",
  "game",
  "story",
] as const;

/**
 * grammY context of a private chat → core event, or undefined when the update
 * is deliberately ignored (service messages, other bots' commands, edits without text).
 * An edited message becomes an `edited` event: checked for secrets, never answered as new.
 */
export function toEvent(ctx: Context): Event | undefined {
  return updateToEvent(ctx.update, ctx.me?.username);
}

/** The same from the raw update (the private-chat fast path of bot.ts has no Context). */
export function updateToEvent(update: Update, username: string | undefined): Event | undefined {
  const data = update.callback_query?.data;
  if (data !== undefined) return { type: "button", data };
  const edited = update.edited_message;
  if (edited !== undefined) {
    const text = edited.text ?? edited.caption;
    return text !== undefined ? { type: "edited", text } : undefined;
  }
  const msg = update.message;
  if (msg === undefined) return undefined;
  if (msg.text !== undefined) return textToEvent(msg.text, username);
  const photo = msg.photo?.at(-1);
  if (photo !== undefined)
    return msg.caption
      ? { type: "photo", fileId: photo.file_id, caption: msg.caption }
      : { type: "photo", fileId: photo.file_id };
  for (const kind of MEDIA_KINDS) {
    if (msg[kind] !== undefined)
      return msg.caption
        ? { type: "unsupported", kind, caption: msg.caption }
        : { type: "unsupported", kind };
  }
  return undefined;
}
