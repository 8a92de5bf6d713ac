/**
 * Issue 13, item 2, through the real grammY bot and HR desk: a password, token
 * or OTP inside a sentence, a photo caption or an edited message is deleted,
 * never relayed to HR, saved in the session or the case, or recorded as an FAQ
 * gap, and the user is warned exactly as for a bare secret. Ordinary sentences
 * with numbers still go through.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MemoryChatStore } from "../../src/adapters/memory/chat-store.ts";
import { MemoryDeskStore } from "../../src/adapters/memory/desk-store.ts";
import { MemoryFaqLog } from "../../src/adapters/memory/faq-log.ts";
import { loadWorld } from "../../src/app/world.ts";
import { MSG } from "../../src/core/flow/messages.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { newSession } from "../../src/core/session.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../../src/desk/desk.ts";
import { type ApiCall, createTestBot } from "../helpers/bot-harness.ts";

const USER = 7301;
const HR = -1007301;
const PASSWORD = "Rahasia#2026x";
const OTP = "483920";
const TOKEN = "58213947";
const SENTINELS = [PASSWORD, OTP, TOKEN, "Zq7Kx2Lm9P", "Kucing7"];

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

/** Every Map of an in-memory store, as JSON. */
const dump = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (v instanceof Map ? [...v.entries()] : v));

function setup() {
  const deskStore = new MemoryDeskStore();
  const desk = new Desk(deskStore, world, { ...DEFAULT_DESK_CONFIG, fallbackGroup: `tg:${HR}` });
  const faqLog = new MemoryFaqLog();
  const store = new MemoryChatStore({ ttlSeconds: 3600 });
  const t = createTestBot(world, { desk, faqLog, store, logLevel: "debug" });
  const sent = (from = 0) =>
    t.calls.slice(from).filter((c) => c.method === "sendMessage" && c.payload.chat_id === USER);
  const deleted = (messageId: number, from = 0) =>
    t.calls.slice(from).some((c) => c.method === "deleteMessage" && c.payload.message_id === messageId);
  const button = (label: string) => {
    for (const call of [...sent()].reverse()) {
      const rows = (
        call.payload.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] }
      )?.inline_keyboard;
      const b = rows?.flat().find((x) => x.text === label);
      if (b?.callback_data !== undefined) return b.callback_data;
    }
    throw new Error(`no button ${label}`);
  };
  const tap = (label: string) => t.tap(USER, button(label));
  /** Everything Pandu keeps or sends anywhere: API calls, session, desk records and outbox, FAQ log, logs. */
  const everything = async () =>
    [
      dump(t.calls.filter((c) => c.method !== "deleteMessage")),
      dump(await store.peek(`tg:${USER}`)),
      dump(deskStore),
      dump(await faqLog.gaps(100)),
      t.logs.text,
    ].join("\n");
  const photo = async (caption: string) => {
    const message_id = 9000 + t.calls.length;
    await t.raw({
      message: {
        message_id,
        date: 1,
        chat: { id: USER, type: "private", first_name: "B" },
        from: { id: USER, is_bot: false, first_name: "B" },
        photo: [{ file_id: "AgAC-screenshot", file_unique_id: "u1", width: 90, height: 90 }],
        caption,
      },
    } as never);
    return message_id;
  };
  const edited = async (messageId: number, text: string) => {
    await t.raw({
      edited_message: {
        message_id: messageId,
        date: 1,
        edit_date: 2,
        chat: { id: USER, type: "private", first_name: "B" },
        from: { id: USER, is_bot: false, first_name: "B" },
        text,
      },
    } as never);
  };
  return { t, store, faqLog, deskStore, sent, deleted, tap, everything, photo, edited };
}

function warned(calls: ApiCall[]): boolean {
  return calls.some((c) => String(c.payload.text) === MSG.secretDeleted);
}

describe("secrets inside sentences, captions and edits (real bot, HR desk, FAQ log)", () => {
  it("the waiting room relays ordinary text and photos, never a secret in a sentence, caption or edit", async () => {
    const s = setup();
    const { t } = s;
    await t.text(USER, "/petugas");
    // A text answer (pertanyaan) holding a password: deleted, not saved, the step asked again.
    let before = t.calls.length;
    const asked = await t.text(USER, `password baru saya ${PASSWORD} ditolak`);
    expect(s.deleted(asked, before)).toBe(true);
    expect(warned(s.sent(before))).toBe(true);
    expect(await s.store.peek(`tg:${USER}`)).toMatchObject({ flow: "kasus", state: "mulai" });

    await t.text(USER, "akun saya tidak bisa login, kode 24 di NIP saya");
    await t.text(USER, "198609262015051001");
    await t.text(USER, "Budi Santoso");
    await t.text(USER, "kab bogor");
    await t.tap(USER, button0(s.sent().at(-1)!));
    await s.tap("✅ Kirim ke petugas");
    expect(await s.store.peek(`tg:${USER}`)).toMatchObject({ state: "menunggu", vars: { kasus: "1" } });

    before = t.calls.length;
    const inSentence = await t.text(USER, `kode OTP ${OTP} dari email kok tidak bisa`);
    expect(s.deleted(inSentence, before)).toBe(true);
    expect(warned(s.sent(before))).toBe(true);

    before = t.calls.length;
    const captioned = await s.photo(`ini layarnya, pw saya ${PASSWORD}`);
    expect(s.deleted(captioned, before)).toBe(true);
    expect(warned(s.sent(before))).toBe(true);

    // An edit that puts a token into an earlier (relayed) message: the edited message is deleted too.
    const plain = await t.text(USER, "tokennya belum masuk juga");
    before = t.calls.length;
    await s.edited(plain, `ini tokennya ${TOKEN}`);
    expect(s.deleted(plain, before)).toBe(true);
    expect(warned(s.sent(before))).toBe(true);
    // An edit without a secret is ignored, as before.
    before = t.calls.length;
    await s.edited(plain, "tokennya belum masuk juga, sudah 2 jam");
    expect(t.calls.slice(before)).toEqual([]);

    await s.photo("layar error waktu login");
    await t.flush();
    const toGroup = t.calls.filter((c) => c.payload.chat_id === HR).map((c) => dump(c.payload));
    expect(toGroup.some((p) => p.includes("kode 24 di NIP saya"))).toBe(true); // the question, on the card
    expect(toGroup.some((p) => p.includes("tokennya belum masuk juga"))).toBe(true); // ordinary relay
    expect(toGroup.some((p) => p.includes("layar error waktu login"))).toBe(true); // ordinary caption
    for (const secret of SENTINELS) expect(await s.everything()).not.toContain(secret);
  });

  it("an FAQ question holding a code is deleted and not recorded as a gap; an ordinary one is", async () => {
    const s = setup();
    const { t } = s;
    await t.text(USER, "/start");
    let before = t.calls.length;
    const asked = await t.text(USER, `kenapa kode OTP ${OTP} dari email selalu ditolak?`);
    expect(s.deleted(asked, before)).toBe(true);
    expect(warned(s.sent(before))).toBe(true);
    before = t.calls.length;
    const command = await t.text(USER, `/faq token saya Zq7Kx2Lm9P tidak valid`);
    expect(s.deleted(command, before)).toBe(true);
    expect(await s.faqLog.gaps(10)).toEqual([]);

    await t.text(USER, "apakah tunjangan kinerja tahun 2025 naik?");
    expect((await s.faqLog.gaps(10)).map((g) => g.text)).toHaveLength(1);
    for (const secret of SENTINELS) expect(await s.everything()).not.toContain(secret);
  });

  it("a feedback comment holding a password is deleted and never reaches the case", async () => {
    const s = setup();
    s.store.poke(
      `tg:${USER}`,
      JSON.stringify({ ...newSession("kasus", "komentar", 0), vars: { "kasus-dinilai": "1" } }),
    );
    const before = s.t.calls.length;
    const comment = await s.t.text(USER, "petugasnya baik, password saya Kucing7! sudah ganti");
    expect(s.deleted(comment, before)).toBe(true);
    expect(warned(s.sent(before))).toBe(true);
    expect(await s.store.peek(`tg:${USER}`)).toMatchObject({ state: "komentar" });
    for (const secret of SENTINELS) expect(await s.everything()).not.toContain(secret);
  });

  it("a first message, or one to an unreadable session, holding a code is deleted too", async () => {
    const s = setup();
    const first = await s.t.text(USER, `kode otp saya ${OTP} tolong dicek`);
    expect(s.deleted(first)).toBe(true);
    expect(warned(s.sent())).toBe(true);
    expect(s.sent().at(-1)?.payload.text).toContain("Halo, saya Pandu");

    const other = setup();
    other.store.poke(`tg:${USER}`, JSON.stringify({ foreign: "session" }));
    const corrupt = await other.t.text(USER, `kode otp saya ${OTP}`);
    expect(other.deleted(corrupt)).toBe(true);
    for (const secret of SENTINELS) expect(await s.everything()).not.toContain(secret);
    for (const secret of SENTINELS) expect(await other.everything()).not.toContain(secret);
  });

  it("a document or video whose caption holds a password is deleted too; an ordinary one gets the usual answer", async () => {
    const s = setup();
    await s.t.text(USER, "/start");
    const media = async (kind: "document" | "video", caption: string) => {
      const message_id = 9500 + s.t.calls.length;
      await s.t.raw({
        message: {
          message_id,
          date: 1,
          chat: { id: USER, type: "private", first_name: "B" },
          from: { id: USER, is_bot: false, first_name: "B" },
          ...(kind === "document"
            ? { document: { file_id: "BQAC-doc", file_unique_id: "d1", file_name: "layar.pdf" } }
            : { video: { file_id: "BAAC-vid", file_unique_id: "v1", width: 9, height: 9, duration: 1 } }),
          caption,
        },
      } as never);
      return message_id;
    };
    for (const kind of ["document", "video"] as const) {
      const before = s.t.calls.length;
      const secret = await media(kind, `ini buktinya, password baru saya ${PASSWORD} tetap ditolak`);
      expect(s.deleted(secret, before), `${kind} with a password`).toBe(true);
      expect(warned(s.sent(before))).toBe(true);
      const after = s.t.calls.length;
      const ordinary = await media(kind, "ini layar error waktu login");
      expect(s.deleted(ordinary, after), `${kind} without a secret`).toBe(false);
      expect(warned(s.sent(after))).toBe(false);
    }
    for (const secret of SENTINELS) expect(await s.everything()).not.toContain(secret);
  });

  it("ordinary sentences with numbers pass: a NIP in the NIP step, a year, an error code, AUTH BKN", async () => {
    const s = setup();
    const { t } = s;
    await t.text(USER, "/start");
    await s.tap("🔑 Aktivasi / lupa password");
    const before = t.calls.length;
    await t.text(USER, "NIP:198609262015051001"); // a bare-message check once took this for a password
    expect(t.calls.slice(before).some((c) => c.method === "deleteMessage")).toBe(false);
    expect(await s.store.peek(`tg:${USER}`)).toMatchObject({ vars: { nip: "198609262015051001" } });
    for (const text of [
      "apa arti kode 24 di nip saya?",
      "tahun 2025 kapan PPPK paruh waktu diangkat?",
      "Data not found in AUTH BKN",
    ]) {
      const from = t.calls.length;
      await t.text(USER, text);
      expect(t.calls.slice(from).some((c) => c.method === "deleteMessage")).toBe(false);
      expect(warned(t.calls.slice(from))).toBe(false);
    }
  });
});

/** The first button of a message (the instansi picked from the list). */
function button0(call: ApiCall): string {
  const rows = (call.payload.reply_markup as { inline_keyboard: { callback_data?: string }[][] })
    .inline_keyboard;
  return rows[0]![0]!.callback_data!;
}

describe("edited messages outside private chats", () => {
  it("an edited command in an HR group is not run again (only private edits are looked at)", async () => {
    const { t } = setup();
    for (const text of ["/kasus", "/hubungkan kab bogor", "/start"])
      await t.raw({
        edited_message: {
          message_id: 5,
          date: 1,
          edit_date: 2,
          chat: { id: HR, type: "supergroup", title: "HR" },
          from: { id: 900, is_bot: false, first_name: "Kepala" },
          text,
          entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }],
        },
      } as never);
    expect(t.calls).toEqual([]);
  });
});
