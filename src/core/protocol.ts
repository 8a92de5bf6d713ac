/**
 * The protocol between the channels, the turn, the engine and the desk:
 * addresses, events, effects and channel-neutral messages. Types only, plus
 * small pure helpers. No channel (Telegram, terminal, …) appears here.
 */

/**
 * A person or a group, qualified by its channel: "tg:123456" (a Telegram
 * user), "tg:-1001234567890" (a Telegram group), "term:user". Case records,
 * sessions and the outbox hold addresses, never a channel's raw ids.
 */
export type Address = string;

export function toAddress(channel: string, id: string | number): Address {
  return `${channel}:${id}`;
}

/** "tg:123" → { channel: "tg", id: "123" }. Pure. */
export function splitAddress(address: Address): { channel: string; id: string } {
  const i = address.indexOf(":");
  return i < 0 ? { channel: "", id: address } : { channel: address.slice(0, i), id: address.slice(i + 1) };
}

/** A button as the engine and the desk render it; each channel turns it into its own widget. */
export interface ButtonView {
  label: string;
  /** Callback data (≤ 64 bytes, see callback-data.ts); absent for URL buttons. */
  data?: string;
  url?: string;
}

/** Where a message goes inside a group: a forum topic, or as a reply to an earlier message. */
export interface Thread {
  topic?: string;
  replyTo?: string;
}

/**
 * A message the desk asks a channel to show, outside any user's update (it
 * goes through the outbox). `ref`s are the channel's message references as
 * strings, as returned in `Delivered`.
 */
export type OutMessage =
  | {
      type: "text";
      text: string;
      buttons?: ButtonView[][];
      thread?: Thread;
      /** Spans of `text` typed by a user: shown verbatim, never as a command, mention or link. */
      inert?: Span[];
    }
  | { type: "photo"; photo: string; caption?: string; thread?: Thread; inert?: Span[] }
  /** Replace the text (and buttons) of a message shown earlier. */
  | { type: "edit"; ref: string; text: string; buttons?: ButtonView[][]; inert?: Span[] }
  /** Open a topic (forum thread) for a case; `Delivered.topic` names it. */
  | { type: "topic"; name: string }
  /** Acknowledge a message shown earlier (Telegram: a reaction), e.g. a staff answer that reached the user. */
  | { type: "react"; ref: string; emoji: string };

/** A range of a text in UTF-16 code units. */
export interface Span {
  offset: number;
  length: number;
}

/** What a channel reports after it showed an OutMessage. */
export interface Delivered {
  ref?: string;
  topic?: string;
}

// ------------------------------------------------------------------ events

export const COMMANDS = [
  "menu",
  "batal",
  "bantuan",
  "privasi",
  "petugas",
  "hapusdata",
  "faq",
  "kasus",
] as const;
export type CommandName = (typeof COMMANDS)[number];

/** What the desk was asked during a turn (see DeskRequest), and what it answered. */
export interface DeskEvent {
  type: "desk";
  request: DeskRequest;
  result: DeskResult;
}

/** What happened in the chat, already stripped of transport details. */
export type Event =
  | { type: "start"; payload?: string }
  | { type: "command"; name: CommandName; args?: string }
  | { type: "text"; text: string }
  | { type: "button"; data: string }
  /** A photo (e.g. a screenshot of an error): relayed to the open case in its waiting room. */
  | { type: "photo"; fileId: string; caption?: string }
  /** A message the user edited (its new text or caption): only checked for secrets, the original was answered. */
  | { type: "edited"; text: string }
  /** Media Pandu does not read (a document, a video, a voice note…); its caption only checked for secrets. */
  | { type: "unsupported"; kind: string; caption?: string }
  | DeskEvent;

// ----------------------------------------------------------------- effects

export type TrackEvent =
  | "enter"
  | "complete"
  | "invalid"
  | "stale"
  | "recovered"
  | "secret"
  | "intent"
  | "faq"
  | "faq-unsure"
  /** A question the FAQ had nothing for (recorded as a gap). */
  | "faq-none";

/**
 * What the engine asks of the desk in a turn. The turn runs it and feeds the
 * result back to `transition()` as a DeskEvent, so the session has one writer.
 * `next` is where the conversation goes when the desk agrees.
 */
export type DeskRequest =
  | { kind: "open"; caseType: string; fields: Record<string, string>; instansi?: string; next: string }
  | { kind: "relay"; caseId: string; text?: string; photo?: string }
  | { kind: "status" }
  | { kind: "cancel"; caseId: string; next: string }
  | { kind: "reopen"; caseId: string }
  | { kind: "rate"; caseId: string; stars: number }
  | { kind: "comment"; caseId: string; text: string }
  /** /hapusdata: erase the user's case records (refused while a case is open). */
  | { kind: "erase" };

/**
 * The desk's answer. `notice` is a short Indonesian text for the user;
 * `caseId` is the case the conversation should now point at (or none).
 */
export type DeskResult =
  /** Done as asked. */
  | { status: "ok"; caseId?: string; notice?: string }
  /** The user has an open case and the request was turned towards it (or refused because of it). */
  | { status: "open-case"; caseId: string; notice: string }
  /** The case is closed or unknown: the conversation no longer points at it. */
  | { status: "closed"; notice: string }
  /** Refused (limits, no desk for the instansi); nothing changed. */
  | { status: "refused"; notice: string };

export type Effect =
  | { type: "reply"; text: string; buttons?: ButtonView[][] }
  /** Delete the message that caused this event (password candidates, secrets). */
  | { type: "delete-incoming" }
  /** A short notice on a button press (Telegram: answerCallbackQuery text). */
  | { type: "toast"; text: string }
  /** For metrics and the dashboard; `detail`: the step it came from ("flow/state") on enter, the FAQ entry id on faq. */
  | { type: "track"; event: TrackEvent; flow: string; state: string; detail?: string }
  /** A question the FAQ could not answer with confidence: recorded, masked. */
  | { type: "faq-gap"; text: string; best?: string }
  /** /hapusdata: the user's recorded questions (gap ids) taken back from the FAQ log. */
  | { type: "faq-forget"; ids: string[] }
  /** 👍 / 👎 under an FAQ answer. */
  | { type: "faq-feedback"; id: string; helpful: boolean }
  /** Ask the desk; its answer comes back as a DeskEvent in the same turn. */
  | { type: "desk"; request: DeskRequest };
