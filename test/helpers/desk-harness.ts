/**
 * The real grammY bot with an HR desk and several groups: users in private
 * chats, HR groups (each with its own admins), bot admins, and the outbox
 * delivered on a simulated clock. For the desk and HR-network tests.
 */
import type { Update } from "grammy/types";
import { MemoryDeskStore } from "../../src/adapters/memory/desk-store.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { DEFAULT_DESK_CONFIG, Desk, type DeskConfig } from "../../src/desk/desk.ts";
import type { DeskStore } from "../../src/stores.ts";
import { type ApiCall, createTestBot } from "./bot-harness.ts";

export const NOW = Date.UTC(2026, 10, 24, 3);

export interface Person {
  id: number;
  is_bot: false;
  first_name: string;
  last_name?: string;
}

export const person = (id: number, first_name: string): Person => ({ id, is_bot: false, first_name });

export interface GroupChat {
  id: number;
  type: "group" | "supergroup";
  title: string;
  is_forum?: true;
  username?: string;
}

type Keyboard = { inline_keyboard: { text: string; callback_data?: string; url?: string }[][] };

export function createDeskHarness(
  world: World,
  options: { admins?: number[]; fallback?: number; config?: Partial<DeskConfig>; store?: DeskStore } = {},
) {
  const admins = options.admins ?? [1];
  const desk = new Desk(options.store ?? new MemoryDeskStore(), world, {
    ...DEFAULT_DESK_CONFIG,
    ...(options.fallback !== undefined ? { fallbackGroup: `tg:${options.fallback}` } : {}),
    admins: admins.map((id) => `tg:${id}`),
    ...options.config,
  });
  let clock = NOW;
  const t = createTestBot(world, { desk, adminIds: admins, now: () => clock });
  let mid = 5000;

  const idOf = (chat: number | GroupChat) => (typeof chat === "number" ? chat : chat.id);
  const sends = (chat: number | GroupChat, from = 0) =>
    t.calls
      .slice(from)
      .filter((c) => ["sendMessage", "sendPhoto"].includes(c.method) && c.payload.chat_id === idOf(chat));
  const texts = (chat: number | GroupChat) =>
    sends(chat).map((c) => String(c.payload.text ?? c.payload.caption ?? ""));
  const buttonsOf = (call: ApiCall | undefined) =>
    ((call?.payload.reply_markup as Keyboard | undefined)?.inline_keyboard ?? []).flat();
  /** The data of the newest button with this label sent to a chat. */
  const button = (chat: number | GroupChat, label: string): string => {
    for (const call of [...sends(chat)].reverse()) {
      const b = buttonsOf(call).find((x) => x.text === label);
      if (b?.callback_data !== undefined) return b.callback_data;
    }
    throw new Error(`no button '${label}' in chat ${idOf(chat)}: ${texts(chat).slice(-3).join(" | ")}`);
  };
  const lastToast = () => t.calls.filter((c) => c.method === "answerCallbackQuery").at(-1)?.payload.text;

  const h = {
    t,
    desk,
    sends,
    texts,
    button,
    buttonsOf,
    get clock() {
      return clock;
    },
    advance(ms: number) {
      clock += ms;
      return clock;
    },
    /** Makes `users` the only admins of a group. */
    admins(group: GroupChat, ...users: number[]) {
      t.chatAdmins.set(group.id, new Set(users));
    },
    async flush() {
      return t.flush(clock);
    },
    async groupText(group: GroupChat, from: Person, text: string, extra: Record<string, unknown> = {}) {
      const entities = text.startsWith("/")
        ? [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }]
        : undefined;
      await t.raw({
        message: {
          message_id: ++mid,
          date: 1,
          chat: group,
          from,
          text,
          ...(entities ? { entities } : {}),
          ...extra,
        },
      } as never);
      return mid;
    },
    async groupTap(group: GroupChat, from: Person, data: string) {
      await t.raw({
        callback_query: {
          id: `g${++mid}`,
          from,
          chat_instance: "g",
          data,
          message: { message_id: 1, date: 1, chat: group, text: "x" },
        },
      } as never);
      return lastToast();
    },
    async privateTap(user: number, data: string) {
      await t.tap(user, data);
      return lastToast();
    },
    async memberUpdate(group: GroupChat, oldStatus: string, member: Record<string, unknown>) {
      await t.raw({
        my_chat_member: {
          chat: group,
          from: person(999, "Pemilik"),
          date: 1,
          old_chat_member: { status: oldStatus, user: { id: 424242, is_bot: true, first_name: "Pandu" } },
          new_chat_member: { user: { id: 424242, is_bot: true, first_name: "Pandu" }, ...member },
        },
      } as Omit<Update, "update_id">);
    },
    /** A bot admin presses ✅ Setujui (or ❌ Tolak) on the newest claim in their private chat. */
    async decide(admin: number, label: "✅ Setujui" | "❌ Tolak" = "✅ Setujui") {
      await h.flush();
      const toast = await h.privateTap(admin, button(admin, label));
      await h.flush();
      return toast;
    },
    /** /hubungkan by a group admin, approved by the first bot admin. */
    async link(group: GroupChat, admin: Person, instansi: string) {
      h.admins(group, admin.id);
      await h.groupText(group, admin, `/hubungkan ${instansi}`);
      return h.decide(admins[0]!);
    },
    /** A user walks the email flow and sends the case (optionally from a start link). */
    async openEmailCase(user: number, instansi = "kab bogor", start = "/start") {
      const tap = async (label: string) => t.tap(user, button(user, label));
      await t.text(user, start);
      await tap("📧 Email salah / tidak sesuai");
      await tap("Email terdaftar salah / bukan milik saya");
      await t.text(user, "198609262015051001");
      await t.text(user, "Budi Santoso");
      await t.text(user, "budi.lama@gmail.com");
      await t.text(user, "budi.baru@gmail.com");
      if (!start.includes(" ")) {
        await t.text(user, instansi);
        const pick = buttonsOf(
          [...sends(user)].reverse().find((c) => c.payload.reply_markup !== undefined),
        )[0];
        await t.tap(user, pick!.callback_data!);
      }
      await tap("✅ Kirim ke petugas");
    },
  };
  return h;
}
