import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { MemoryChatStore } from "../../src/adapters/memory/chat-store.ts";
import { MemoryDeskStore } from "../../src/adapters/memory/desk-store.ts";
import { MemoryFaqLog } from "../../src/adapters/memory/faq-log.ts";
import { textToEvent } from "../../src/core/commands.ts";
import { decide } from "../../src/core/decide.ts";
import type { World } from "../../src/core/flow/transition.ts";
import type { ButtonView, Event } from "../../src/core/protocol.ts";
import { newSession, type Session } from "../../src/core/session.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../../src/desk/desk.ts";
import { createLogger } from "../../src/logger.ts";
import { type ChannelEffect, Turns } from "../../src/turn.ts";
import { createTestBot } from "./bot-harness.ts";

const Reply = z.strictObject({
  says: z.union([z.string(), z.array(z.string())]).describe("substring(s) the reply must contain"),
  not: z.array(z.string()).optional().describe("substrings the reply must not contain"),
  buttons: z.array(z.string()).optional().describe("exact labels of all buttons, in order"),
  has: z.array(z.string()).optional().describe("labels that must be among the buttons"),
});

const Step = z
  .strictObject({
    user: z.string().optional(),
    tap: z.string().optional(),
    media: z.string().optional().describe("a non-text message kind: sticker, photo, …"),
    bot: z.array(Reply).default([]),
    deleted: z.boolean().optional().describe("the user's message must be deleted"),
    toast: z.string().optional(),
    state: z.string().optional().describe("'flow/state' after the step"),
    vars: z
      .record(z.string(), z.string().nullable())
      .optional()
      .describe("vars after the step (null = absent)"),
  })
  .refine(
    (s) => [s.user, s.tap, s.media].filter((x) => x !== undefined).length === 1,
    "one of user, tap, media",
  );

export const Transcript = z.strictObject({
  name: z.string(),
  from: z.string().optional().describe("start in this 'flow/state' instead of a new chat"),
  vars: z.record(z.string(), z.string()).optional(),
  steps: z.array(Step).min(1),
});
export type Transcript = z.infer<typeof Transcript>;
export type Step = z.infer<typeof Step>;

export interface Turn {
  replies: { text: string; buttons: ButtonView[] }[];
  deleted: boolean;
  toasts: string[];
  session: Session;
}

export function loadTranscripts(dir: string): { file: string; transcript: Transcript }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((file) => ({ file, transcript: Transcript.parse(parse(readFileSync(join(dir, file), "utf8"))) }));
}

export const NOW = Date.UTC(2026, 10, 24, 3, 0, 0);

export function initialSession(t: Transcript): Session | undefined {
  if (t.from === undefined) return undefined;
  const [flow = "", state = ""] = t.from.split("/");
  return { ...newSession(flow, state, NOW), vars: { ...(t.vars ?? {}) } };
}

/**
 * The buttons a user sees when a transcript starts mid-flow: rendered by the
 * engine (asking for help re-shows the current prompt) without keeping that turn.
 */
export function startingButtons(world: World, t: Transcript): ButtonView[] {
  const initial = initialSession(t);
  if (initial === undefined) return [];
  const { effects } = decide(world, initial, { type: "command", name: "bantuan" }, NOW);
  const replies = effects.flatMap((e) =>
    e.type === "reply" && e.buttons !== undefined ? [e.buttons.flat()] : [],
  );
  return replies[replies.length - 1] ?? [];
}

/** Finds the button a `tap` step names: exact label, else a unique label containing it. */
export function findButton(buttons: ButtonView[], label: string): ButtonView {
  const exact = buttons.filter((b) => b.label === label);
  const loose = buttons.filter((b) => b.label.includes(label));
  const found = exact[0] ?? (loose.length === 1 ? loose[0] : undefined);
  if (found?.data === undefined) {
    throw new Error(`no button '${label}' among: ${buttons.map((b) => b.label).join(" | ")}`);
  }
  return found;
}

export interface Driver {
  step(step: Step): Promise<Turn>;
}

/**
 * Drives the engine without any channel: the turn (src/turn.ts) with in-memory
 * stores and a recording IO. The session is JSON round-tripped by the store.
 */
export function engineDriver(world: World, t: Transcript): Driver {
  const chat = "term:transcript";
  const store = new MemoryChatStore({ ttlSeconds: 3600, now: () => NOW });
  const initial = initialSession(t);
  if (initial !== undefined) store.poke(chat, JSON.stringify(initial));
  const turns = new Turns({
    world,
    store,
    desk: new Desk(new MemoryDeskStore(), world, DEFAULT_DESK_CONFIG),
    faqLog: new MemoryFaqLog(),
    now: () => NOW,
  });
  const log = createLogger({ level: "silent" });
  let updateId = 0;
  let last: ButtonView[] = startingButtons(world, t);
  return {
    async step(step) {
      let event: Event | undefined;
      if (step.user !== undefined) event = textToEvent(step.user, "PanduTestBot");
      else if (step.tap !== undefined) event = { type: "button", data: findButton(last, step.tap).data! };
      else event = { type: "unsupported", kind: step.media ?? "sticker" };
      if (event === undefined) throw new Error("event ignored");
      const shown: ChannelEffect[] = [];
      const outcome = await turns.run({
        chat,
        updateId: ++updateId,
        event,
        log,
        io: {
          run: async (effects) => void shown.push(...effects),
          outage: async () => undefined,
          apologise: async () => undefined,
        },
      });
      if (outcome !== "done") throw new Error(`turn ${outcome}`);
      const replies = shown.flatMap((e) =>
        e.type === "reply" ? [{ text: e.text, buttons: (e.buttons ?? []).flat() }] : [],
      );
      // Every button shown in this turn stays tappable (later messages first, for duplicate labels).
      if (replies.some((r) => r.buttons.length > 0)) last = [...replies].reverse().flatMap((r) => r.buttons);
      return {
        replies,
        deleted: shown.some((e) => e.type === "delete-incoming"),
        toasts: shown.flatMap((e) => (e.type === "toast" ? [e.text] : [])),
        session: (await store.peek(chat)) as Session,
      };
    },
  };
}

/** Drives the real grammY bot through handleUpdate with a recording API transformer. */
export function botDriver(world: World, t: Transcript, chatId = 777001) {
  const store = new MemoryChatStore({ ttlSeconds: 3600, now: () => NOW });
  const harness = createTestBot(world, { now: () => NOW, store });
  const initial = initialSession(t);
  if (initial !== undefined) store.poke(`tg:${chatId}`, JSON.stringify(initial));
  let last: ButtonView[] = startingButtons(world, t);
  const driver: Driver = {
    async step(step) {
      const before = harness.calls.length;
      let messageId: number | undefined;
      if (step.user !== undefined) messageId = await harness.text(chatId, step.user);
      else if (step.tap !== undefined) await harness.tap(chatId, findButton(last, step.tap).data!);
      else await harness.raw({ message: mediaMessage(chatId, step.media ?? "sticker") } as never);
      const calls = harness.calls.slice(before);
      const replies = calls
        .filter((c) => c.method === "sendMessage")
        .map((c) => {
          const markup = c.payload.reply_markup as
            | { inline_keyboard: { text: string; callback_data?: string; url?: string }[][] }
            | undefined;
          const buttons: ButtonView[] = (markup?.inline_keyboard ?? [])
            .flat()
            .map((b) =>
              b.url !== undefined ? { label: b.text, url: b.url } : { label: b.text, data: b.callback_data },
            );
          return { text: String(c.payload.text), buttons };
        });
      // Every button shown in this turn stays tappable (later messages first, for duplicate labels).
      if (replies.some((r) => r.buttons.length > 0)) last = [...replies].reverse().flatMap((r) => r.buttons);
      return {
        replies,
        deleted: calls.some((c) => c.method === "deleteMessage" && c.payload.message_id === messageId),
        toasts: calls
          .filter((c) => c.method === "answerCallbackQuery" && typeof c.payload.text === "string")
          .map((c) => String(c.payload.text)),
        session: (await store.peek(`tg:${chatId}`)) as Session,
      };
    },
  };
  return { driver, harness };
}

function mediaMessage(chatId: number, kind: string) {
  const base = {
    message_id: 5,
    date: 1_790_000_000,
    chat: { id: chatId, type: "private" },
    from: { id: chatId, is_bot: false, first_name: "Budi" },
  };
  switch (kind) {
    case "photo":
      return { ...base, photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }] };
    case "location":
      return { ...base, location: { latitude: -6.2, longitude: 106.8 } };
    default:
      return {
        ...base,
        sticker: {
          file_id: "s",
          file_unique_id: "s",
          type: "regular",
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      };
  }
}
