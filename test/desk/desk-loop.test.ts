import { beforeAll, describe, expect, it } from "vitest";
import type { MemoryChatStore } from "../../src/adapters/memory/chat-store.ts";
import { MemoryDeskStore } from "../../src/adapters/memory/desk-store.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../../src/desk/desk.ts";
import { type ApiCall, createTestBot } from "../helpers/bot-harness.ts";

const NOW = Date.UTC(2026, 10, 24, 3);
const USER = 600;
const GROUP = -100500;
const FALLBACK = -100777;
const ADMIN = 1;
const HR_ADMIN = 900;
const STAFF = { id: 901, is_bot: false, first_name: "Sari", last_name: "Wulan" };

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

function setup(config: Partial<typeof DEFAULT_DESK_CONFIG> = {}) {
  const desk = new Desk(new MemoryDeskStore(), world, {
    ...DEFAULT_DESK_CONFIG,
    fallbackGroup: `tg:${FALLBACK}`,
    admins: [`tg:${ADMIN}`],
    ...config,
  });
  let clock = NOW;
  const t = createTestBot(world, { desk, adminIds: [ADMIN], now: () => clock });
  t.groupAdmins.add(HR_ADMIN);
  const group = { id: GROUP, type: "supergroup", title: "HR Kab Bogor" };
  let mid = 5000;
  const sends = (chat: number, from = 0) =>
    t.calls
      .slice(from)
      .filter((c) => (c.method === "sendMessage" || c.method === "sendPhoto") && c.payload.chat_id === chat);
  const buttonsOf = (call: ApiCall | undefined) =>
    (
      (
        call?.payload.reply_markup as
          | { inline_keyboard: { text: string; callback_data?: string }[][] }
          | undefined
      )?.inline_keyboard ?? []
    ).flat();
  const lastButtons = (chat: number) =>
    buttonsOf([...sends(chat)].reverse().find((c) => c.payload.reply_markup !== undefined));
  const tapUser = async (label: string) => {
    const b = lastButtonsAny(USER, label);
    await t.tap(USER, b);
  };
  const lastButtonsAny = (chat: number, label: string) => {
    for (const call of [...sends(chat)].reverse()) {
      const b = buttonsOf(call).find((x) => x.text === label);
      if (b?.callback_data) return b.callback_data;
    }
    throw new Error(`no button ${label} for ${chat}`);
  };
  const groupText = async (from: object, text: string, extra: object = {}) => {
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
  };
  const groupTap = async (from: object, data: string, chat: object = group) => {
    await t.raw({
      callback_query: {
        id: `g${++mid}`,
        from,
        chat_instance: "g",
        data,
        message: { message_id: 1, date: 1, chat, text: "x" },
      },
    } as never);
    return t.calls.filter((c) => c.method === "answerCallbackQuery").at(-1)?.payload.text;
  };
  return {
    t,
    desk,
    sends,
    lastButtons,
    tapUser,
    groupText,
    groupTap,
    advance: (ms: number) => {
      clock += ms;
      return clock;
    },
    get clock() {
      return clock;
    },
  };
}

/** The bot admin approves the last claim sent to them (from their private chat). */
async function approveLast(s: ReturnType<typeof setup>) {
  await s.t.flush(s.clock);
  const ask = [...s.sends(ADMIN)].reverse().find((c) => String(c.payload.text).startsWith("🛂 Permintaan"));
  const approve = (
    ask?.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] } | undefined
  )?.inline_keyboard
    .flat()
    .find((b) => b.text === "✅ Setujui");
  if (approve === undefined) throw new Error("no claim to approve");
  await s.t.tap(ADMIN, approve.callback_data);
  await s.t.flush(s.clock);
}

async function openEmailCase(s: ReturnType<typeof setup>, instansi = "kab bogor") {
  const { t, tapUser } = s;
  await t.text(USER, "/start");
  await tapUser("📧 Email salah / tidak sesuai");
  await tapUser("Email terdaftar salah / bukan milik saya");
  await t.text(USER, "198609262015051001");
  await t.text(USER, "Budi Santoso");
  await t.text(USER, "budi.lama@gmail.com");
  await t.text(USER, "budi.baru@gmail.com");
  await t.text(USER, instansi);
  const pick = s.lastButtons(USER)[0];
  await t.tap(USER, pick!.callback_data!);
  await tapUser("✅ Kirim ke petugas");
}

describe("HR desk through the real grammY bot: user chat + HR group", () => {
  it("walks open → card → claim → reply both ways → resolve → rating → back to the right step", async () => {
    const s = setup();
    const { t } = s;

    // Only a group admin (or ADMIN_IDS) may link instansi to the group.
    await s.groupText(STAFF, "/hubungkan kab bogor");
    expect(String(t.calls.at(-1)?.payload.text)).toContain("Hanya admin grup");
    await s.groupText({ id: HR_ADMIN, is_bot: false, first_name: "Kepala" }, "/hubungkan kab bogor");
    expect(String(t.calls.at(-1)?.payload.text)).toContain("menunggu persetujuan");
    await approveLast(s);
    expect(String(s.sends(GROUP).at(-1)?.payload.text)).toContain(
      "Disetujui: grup ini sekarang menerima kasus dari Kabupaten Bogor",
    );

    await openEmailCase(s);
    const confirm = s.sends(USER).map((c) => String(c.payload.text));
    expect(
      confirm.some((x) =>
        x.startsWith("📨 Kasus #1 sudah dibuat dan sedang dikirim ke petugas kepegawaian (Kabupaten Bogor)"),
      ),
    ).toBe(true);
    expect(confirm.at(-1)).toContain("Ini ruang tunggu kasus Anda");
    expect(await t.store.peek(`tg:${USER}`)).toMatchObject({
      flow: "kasus",
      state: "menunggu",
      vars: { kasus: "1" },
    });

    // The card reaches the group once, with everything HR needs; then (only then) the user hears it arrived.
    expect(await t.flush(s.clock)).toBe(2);
    expect(String(s.sends(USER).at(-1)?.payload.text)).toBe(
      "✓ Kasus #1 sudah sampai di grup petugas. Mohon tunggu jawabannya di chat ini.",
    );
    const card = s.sends(GROUP).at(-1)!;
    const cardText = String(card.payload.text);
    for (const part of [
      "Kasus #1 · Perbaikan email akun",
      "NIP: 198609262015051001",
      "Nama: Budi Santoso",
      "Instansi: Kabupaten Bogor",
      "Email lama: budi.lama@gmail.com",
      "Email baru: budi.baru@gmail.com",
    ]) {
      expect(cardText).toContain(part);
    }
    const cardButtons = (
      card.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard.flat();
    expect(cardButtons.map((b) => b.text)).toEqual(["✋ Ambil", "✅ Selesai", "↩️ Kembalikan ke bot"]);
    const data = Object.fromEntries(cardButtons.map((b) => [b.text, b.callback_data]));
    const cardId =
      1001 + t.calls.filter((c) => c.method === "sendMessage" || c.method === "sendPhoto").indexOf(card);
    expect(t.calls.filter((c) => c.method === "sendMessage").length).toBeGreaterThan(0);

    // Forged, from another chat: refused.
    expect(await s.groupTap(STAFF, "d|s|1|AAAAAAAAAA")).toBe("Tombol tidak sah.");
    expect(
      await s.groupTap(STAFF, data["✅ Selesai"]!, { id: -100999, type: "supergroup", title: "Lain" }),
    ).toBe("Tombol tidak sah.");

    expect(await s.groupTap(STAFF, data["✋ Ambil"]!)).toBe("Kasus #1 sudah Anda ambil.");
    expect(await s.groupTap(STAFF, data["✋ Ambil"]!)).toBe("Kasus #1 sudah Anda ambil sebelumnya.");
    await t.flush(s.clock);
    expect(String(s.sends(USER).at(-1)?.payload.text)).toContain("Kasus #1 sedang ditangani petugas");
    expect(
      t.calls.some(
        (c) =>
          c.method === "editMessageText" &&
          String(c.payload.text).includes("sedang ditangani petugas (Sari Wulan)"),
      ),
    ).toBe(true);

    // Staff answer by replying to the card; the user sees it without the staff name (default).
    const realCard = t.calls.find((c) => c === card);
    expect(realCard).toBeDefined();
    const cardMessageId = (await s.desk.store.getCase("1"))?.card;
    expect(cardMessageId).toMatch(/^\d+$/);
    await s.groupText(STAFF, "Email sudah kami ganti di SIASN, silakan coba reset lagi.", {
      reply_to_message: {
        message_id: Number(cardMessageId),
        date: 1,
        chat: { id: GROUP, type: "supergroup", title: "HR" },
        text: "card",
      },
    });
    await t.flush(s.clock);
    const answer = String(s.sends(USER).at(-1)?.payload.text);
    expect(answer).toBe("💬 Petugas · kasus #1\nEmail sudah kami ganti di SIASN, silakan coba reset lagi.");
    expect(answer).not.toContain("Sari");

    // The user's messages and photos reach the same thread (replies to the card).
    await t.text(USER, "Baik, terima kasih, saya coba");
    await t.raw({
      message: {
        message_id: 77,
        date: 1,
        chat: { id: USER, type: "private", first_name: "B" },
        from: { id: USER, is_bot: false, first_name: "B" },
        photo: [{ file_id: "err-shot", file_unique_id: "u", width: 1, height: 1 }],
        caption: "layar error",
      },
    } as never);
    await t.flush(s.clock);
    const relayed = s.sends(GROUP).slice(-2);
    expect(String(relayed[0]?.payload.text)).toBe(
      "💬 Pesan pengguna · kasus #1\nBaik, terima kasih, saya coba",
    );
    expect(relayed[0]?.payload.reply_parameters).toMatchObject({ message_id: Number(cardMessageId) });
    expect(relayed[1]?.method).toBe("sendPhoto");
    expect(relayed[1]?.payload.photo).toBe("err-shot");

    // Resolve; a replayed press is refused.
    expect(await s.groupTap(STAFF, data["✅ Selesai"]!)).toBe(
      "Kasus #1 selesai. Pengguna diminta memberi penilaian.",
    );
    expect(await s.groupTap(STAFF, data["✅ Selesai"]!)).toBe("Kasus #1 sudah selesai.");
    await t.flush(s.clock);
    expect(String(s.sends(USER).at(-1)?.payload.text)).toContain("Kasus #1 sudah diselesaikan petugas");

    await s.tapUser("5 ⭐");
    expect(String(s.sends(USER).at(-1)?.payload.text)).toContain("Ada saran untuk petugas?");
    await t.text(USER, "Cepat sekali, terima kasih");
    expect(String(s.sends(USER).at(-1)?.payload.text)).toContain("Terima kasih 🙏");
    await s.tapUser("🔑 Coba reset password lagi");
    expect(await t.store.peek(`tg:${USER}`)).toMatchObject({ flow: "aktivasi", state: "d-reset" });
    expect(await s.desk.store.getCase("1")).toMatchObject({
      status: "resolved",
      rating: 5,
      comment: "Cepat sekali, terima kasih",
    });

    await t.text(ADMIN, "/statistik");
    const stats = String(t.calls.at(-1)?.payload.text);
    expect(stats).toContain("Kepuasan: 5,0 dari 5 (1 penilaian)");
    expect(stats).toContain("Perbaikan email akun 1");
    expect(cardId).toBeGreaterThan(0);
  });

  it("routes an instansi without a group to the fallback desk, reminds, and lists open cases", async () => {
    const s = setup({ remindAfterMs: 30 * 60_000 });
    await openEmailCase(s, "kota surabaya");
    await s.t.flush(s.clock);
    const card = String(s.sends(FALLBACK).at(-1)?.payload.text);
    expect(card).toContain("⚠️ Instansi ini belum punya grup HR: Kota Surabaya");
    const now = s.advance(31 * 60_000);
    expect(await s.desk.tick(now)).toMatchObject({ reminded: 1 });
    expect(await s.desk.tick(now)).toMatchObject({ reminded: 0 });
    await s.t.flush(now);
    expect(String(s.sends(FALLBACK).at(-1)?.payload.text)).toContain(
      "⏰ 1 kasus menunggu petugas di grup ini:\n• Kasus #1 belum diambil sejak 31 menit · Kota Surabaya",
    );
    expect((await s.desk.groupList(`tg:${FALLBACK}`, now)).text).toContain(
      "#1 · Perbaikan email akun · Kota Surabaya · menunggu petugas",
    );
  });

  it("adds to the open case instead of opening a duplicate, asks to cancel before /hapusdata, redacts closed cases", async () => {
    const s = setup();
    const { t } = s;
    await openEmailCase(s);
    await t.text(USER, "/petugas");
    expect(await t.store.peek(`tg:${USER}`)).toMatchObject({ state: "menunggu" });
    await t.text(USER, "/hapusdata");
    expect(
      s
        .sends(USER)
        .map((c) => String(c.payload.text))
        .some((x) => x.includes("masih punya kasus #1 yang terbuka")),
    ).toBe(true);
    await s.tapUser("❌ Batalkan kasus");
    expect(
      s
        .sends(USER)
        .map((c) => String(c.payload.text))
        .some((x) => x.includes("Kasus #1 sudah dibatalkan")),
    ).toBe(true);
    expect(await s.desk.store.getCase("1")).toMatchObject({ status: "cancelled" });
    await t.text(USER, "/hapusdata");
    expect(await s.desk.store.getCase("1")).toMatchObject({ redacted: true, fields: {} });
  });

  it("/hapusdata asks the desk, not the session: /batal keeps the link, and a session that lost it is still refused", async () => {
    const s = setup();
    const { t } = s;
    await openEmailCase(s);
    const refused = () =>
      s
        .sends(USER)
        .map((c) => String(c.payload.text))
        .filter((x) => x.includes("masih punya kasus #1 yang terbuka")).length;

    // /batal in the waiting room cancels the step, not the case, and keeps the link.
    await t.text(USER, "/batal");
    expect(await t.store.peek(`tg:${USER}`)).toMatchObject({ vars: { kasus: "1" } });
    await t.text(USER, "/hapusdata");
    expect(refused()).toBe(1);
    expect(await s.desk.store.getCase("1")).toMatchObject({
      status: "open",
      fields: { nip: "198609262015051001", nama: "Budi Santoso" },
    });

    // A session without the link (an old version's /batal, a lost session): the desk still knows.
    const session = (await t.store.peek(`tg:${USER}`)) as { vars: Record<string, string> };
    delete session.vars.kasus;
    (t.store as MemoryChatStore).poke(`tg:${USER}`, JSON.stringify(session));
    await t.text(USER, "/hapusdata");
    expect(refused()).toBe(2);
    expect(await s.desk.store.getCase("1")).toMatchObject({ fields: { nip: "198609262015051001" } });
    expect(await t.store.peek(`tg:${USER}`)).toMatchObject({ vars: { kasus: "1" } });
    expect(s.sends(USER).some((c) => String(c.payload.text).includes("sudah dihapus"))).toBe(false);
  });
});

describe("HR desk: forum topics and reopening", () => {
  it("a forum supergroup gets one topic per case; messages in the topic reach the user", async () => {
    const s = setup();
    const { t } = s;
    const forum = { id: GROUP, type: "supergroup", title: "HR Forum", is_forum: true };
    await t.raw({
      message: {
        message_id: 1,
        date: 1,
        chat: forum,
        from: { id: HR_ADMIN, is_bot: false, first_name: "K" },
        text: "/hubungkan kab bogor",
        entities: [{ type: "bot_command", offset: 0, length: 10 }],
      },
    } as never);
    await approveLast(s);
    await openEmailCase(s);
    await t.flush(s.clock);
    const topicCall = t.calls.find((c) => c.method === "createForumTopic");
    expect(topicCall?.payload.name).toBe("Kasus #1 · Kabupaten Bogor");
    const c = await s.desk.store.getCase("1");
    expect(c?.topic).toMatch(/^\d+$/);
    const card = s.sends(GROUP).at(-1);
    expect(card?.payload.message_thread_id).toBe(Number(c?.topic));
    await t.raw({
      message: {
        message_id: 2,
        date: 1,
        chat: forum,
        from: STAFF,
        text: "Halo, kami cek dulu ya.",
        is_topic_message: true,
        message_thread_id: Number(c?.topic),
      },
    } as never);
    await t.flush(s.clock);
    expect(String(s.sends(USER).at(-1)?.payload.text)).toBe("💬 Petugas · kasus #1\nHalo, kami cek dulu ya.");
  });

  it("reopening within the window brings the case back to the same group; after the window it is refused", async () => {
    const s = setup({ reopenWindowMs: 3_600_000 });
    const { t } = s;
    await openEmailCase(s, "kota surabaya");
    await t.flush(s.clock);
    const card = s.sends(FALLBACK).at(-1)!;
    const data = (
      card.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard.flat();
    expect(
      await s.groupTap(STAFF, data.find((b) => b.text === "✅ Selesai")!.callback_data, {
        id: FALLBACK,
        type: "supergroup",
        title: "Pusat",
      }),
    ).toContain("selesai");
    await t.flush(s.clock);
    s.advance(30 * 60_000);
    await s.tapUser("🔄 Masalah belum selesai");
    expect(await s.desk.store.getCase("1")).toMatchObject({
      status: "claimed",
      reopened: 1,
      group: `tg:${FALLBACK}`,
    });
    await t.flush(s.clock);
    expect(
      s.sends(FALLBACK).some((c) => String(c.payload.text).includes("🔄 Kasus #1 dibuka lagi oleh pengguna")),
    ).toBe(true);
    expect(s.sends(FALLBACK).filter((c) => String(c.payload.text).startsWith("📨 Kasus #1"))).toHaveLength(2);
    expect(await t.store.peek(`tg:${USER}`)).toMatchObject({ state: "menunggu", vars: { kasus: "1" } });

    // Resolve again, then try after the window.
    const again = s
      .sends(FALLBACK)
      .filter((c) => String(c.payload.text).startsWith("📨 Kasus #1"))
      .at(-1)!;
    const againData = (
      again.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard.flat();
    await s.groupTap(STAFF, againData.find((b) => b.text === "✅ Selesai")!.callback_data, {
      id: FALLBACK,
      type: "supergroup",
      title: "Pusat",
    });
    await t.flush(s.clock);
    s.advance(2 * 3_600_000);
    await s.tapUser("🔄 Masalah belum selesai");
    // Refused: the user is told why, and the conversation does not pretend the case is open again.
    expect(
      s
        .sends(USER)
        .map((c) => String(c.payload.text))
        .at(-1),
    ).toContain("ditutup terlalu lama");
    expect(await t.store.peek(`tg:${USER}`)).not.toMatchObject({ vars: { kasus: "1" } });
    expect(await s.desk.store.getCase("1")).toMatchObject({ status: "resolved" });
  });
});
