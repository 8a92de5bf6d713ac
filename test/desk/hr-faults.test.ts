/**
 * The HR path under faults and abuse (issue 13, items 8–13), through the real
 * grammY bot: one case flooding its group, staff left guessing, redelivered
 * group updates, claimed-and-forgotten cases, forged jumps, missing fields.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MemoryDeskStore } from "../../src/adapters/memory/desk-store.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../../src/desk/desk.ts";
import type { DeskStore } from "../../src/stores.ts";
import { createDeskHarness, type GroupChat, person } from "../helpers/desk-harness.ts";
import { busiestWindow } from "../stores/desk-store-contract.ts";

const ADMIN = 1;
const USER = 600;
const BOGOR: GroupChat = { id: -100500, type: "supergroup", title: "BKPSDM Kab Bogor" };
const KEPALA = person(900, "Kepala");
const SARI = person(901, "Sari");

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

const setup = (options: { store?: DeskStore } = {}) =>
  createDeskHarness(world, { admins: [ADMIN], fallback: -100777, ...options });

/** The card of a case in the group, and a staff message replying to it. */
async function replyToCard(h: ReturnType<typeof setup>, text: string, messageId?: number) {
  const card = (await h.desk.store.getCase("1"))?.card;
  const extra = {
    reply_to_message: {
      message_id: Number(card),
      date: 1,
      chat: BOGOR,
      from: { id: 424242, is_bot: true, first_name: "Pandu" },
      text: "📨 Kasus #1",
    },
    ...(messageId !== undefined ? { message_id: messageId } : {}),
  };
  return h.groupText(BOGOR, SARI, text, extra);
}

describe("one case cannot flood its group (item 8)", () => {
  it("'Kembali' then 'Kirim ke petugas' again sends nothing new; changed data counts against the limit; new cards go first", async () => {
    const h = setup();
    await h.link(BOGOR, KEPALA, "kab bogor");
    await h.openEmailCase(USER);
    await h.flush();
    const before = h.sends(BOGOR).length;
    await h.t.tap(USER, h.button(USER, "⬅️ Kembali"));
    await h.t.tap(USER, h.button(USER, "✅ Kirim ke petugas"));
    await h.flush();
    expect(h.sends(BOGOR).length).toBe(before); // the same summary: nothing sent again
    expect(h.texts(USER).join("\n")).toContain("Data ini sudah ada di kasus #1");
    // The same press, over and over, with changed data each time: at most CASE_RELAY_PER_MINUTE go out.
    const fields = { nip: "198609262015051001", instansi: "32.01", "email-baru": "budi.baru@gmail.com" };
    const results: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await h.desk.request(
        `tg:${USER}`,
        {
          kind: "open",
          caseType: "email",
          instansi: "32.01",
          next: "kasus/menunggu",
          fields: { ...fields, nama: `Budi ${i}` },
        },
        h.clock,
      );
      results.push(r.notice ?? "");
    }
    expect(results.filter((x) => x.includes("banyak sekali dalam semenit")).length).toBe(
      40 - DEFAULT_DESK_CONFIG.relayPerMinute,
    );
    // Another user's case, opened after the flood, reaches the group before the flood's backlog.
    await h.openEmailCase(USER + 1, "kab bogor");
    const shown: { text: string; at: number }[] = [];
    for (let i = 0, now = h.clock; i < 10; i++, now += 20_000) {
      const from = h.t.calls.length;
      await h.t.flush(now);
      for (const c of h.t.calls.slice(from))
        if (c.method === "sendMessage" && c.payload.chat_id === BOGOR.id)
          shown.push({ text: String(c.payload.text), at: now });
    }
    expect(shown[0]?.text).toMatch(/^📨 Kasus #2/);
    expect(shown.filter((x) => x.text.includes("(data baru dari pengguna)"))).toHaveLength(
      DEFAULT_DESK_CONFIG.relayPerMinute,
    );
    expect(
      busiestWindow(
        shown.map((x) => x.at),
        60_000,
      ),
    ).toBeLessThanOrEqual(20);
  });
});

describe("staff are never left guessing (item 9)", () => {
  it("an answer that reached the user gets 👍; a reply to a bot message of no case gets a hint", async () => {
    const h = setup();
    await h.link(BOGOR, KEPALA, "kab bogor");
    await h.openEmailCase(USER);
    await h.flush();
    const mid = await replyToCard(h, "Sudah kami ganti.");
    expect(h.t.calls.some((c) => c.method === "setMessageReaction")).toBe(false); // not before it reached the user
    await h.flush();
    expect(h.texts(USER).at(-1)).toContain("Sudah kami ganti.");
    const reaction = h.t.calls.find((c) => c.method === "setMessageReaction");
    expect(reaction?.payload).toMatchObject({
      chat_id: BOGOR.id,
      message_id: mid,
      reaction: [{ type: "emoji", emoji: "👍" }],
    });
    await h.groupText(BOGOR, SARI, "ini jawabannya", {
      reply_to_message: {
        message_id: 3,
        date: 1,
        chat: BOGOR,
        from: { id: 424242, is_bot: true, first_name: "Pandu" },
        text: "👋 Halo, saya Pandu",
      },
    });
    expect(h.texts(BOGOR).at(-1)).toContain("Pesan ini tidak diteruskan ke siapa pun");
  });

  it("an answer taken while the store is away is reported in the group as not sent", async () => {
    const store = new MemoryDeskStore();
    const h = setup({ store });
    await h.link(BOGOR, KEPALA, "kab bogor");
    await h.openEmailCase(USER);
    await h.flush();
    const tx = store.tx.bind(store);
    store.tx = async () => {
      throw new Error("connection terminated");
    };
    const mid = await replyToCard(h, "Sudah kami ganti.");
    store.tx = tx;
    const notice = h.sends(BOGOR).at(-1);
    expect(String(notice?.payload.text)).toContain(
      "Pesan ini belum terkirim ke pengguna karena gangguan sistem",
    );
    expect(notice?.payload.reply_parameters).toMatchObject({ message_id: mid });
  });
});

describe("group updates are deduplicated like private ones (item 10)", () => {
  it("a redelivered staff reply reaches the user once", async () => {
    const h = setup();
    await h.link(BOGOR, KEPALA, "kab bogor");
    await h.openEmailCase(USER);
    await h.flush();
    const card = (await h.desk.store.getCase("1"))?.card;
    const update = {
      update_id: 77_777,
      message: {
        message_id: 4242,
        date: 1,
        chat: BOGOR,
        from: SARI,
        text: "Jawaban sekali saja",
        reply_to_message: {
          message_id: Number(card),
          date: 1,
          chat: BOGOR,
          from: { id: 424242, is_bot: true, first_name: "Pandu" },
          text: "📨 Kasus #1",
        },
      },
    };
    await h.t.bot.handleUpdate(update as never);
    await h.t.bot.handleUpdate(update as never);
    await h.flush();
    expect(h.texts(USER).filter((x) => x.includes("Jawaban sekali saja"))).toHaveLength(1);
  });
});

describe("claimed and forgotten (item 11)", () => {
  it("a claimed case whose user waits is in the group's digest; 800 unclaimed cases never hold back a new card", async () => {
    const h = setup();
    await h.link(BOGOR, KEPALA, "kab bogor");
    await h.openEmailCase(USER);
    await h.flush();
    await h.groupTap(BOGOR, SARI, h.button(BOGOR, "✋ Ambil"));
    await h.t.text(USER, "Halo, sudah dicek?");
    const now = h.advance(31 * 60_000);
    expect(await h.desk.tick(now)).toMatchObject({ reminded: 1 });
    await h.flush();
    expect(h.texts(BOGOR).at(-1)).toContain(
      "• Kasus #1 diambil Sari, pesan pengguna belum dijawab sejak 31 menit",
    );
    // Answered: not reminded again.
    await replyToCard(h, "Sudah, tunggu ya");
    expect(await h.desk.tick(h.advance(31 * 60_000))).toMatchObject({ reminded: 0 });
  });

  it("with 800 cases waiting in one group, a new case's card is sent first and the reminders come as digests", async () => {
    const store = new MemoryDeskStore();
    const desk = new Desk(store, world, { ...DEFAULT_DESK_CONFIG, fallbackGroup: `tg:${BOGOR.id}` });
    const T0 = Date.UTC(2026, 10, 24, 3);
    const open = (n: number, at: number) =>
      desk.request(
        `tg:${10_000 + n}`,
        {
          kind: "open",
          caseType: "umum",
          instansi: "32.01",
          next: "kasus/menunggu",
          fields: { pertanyaan: "tanya", nama: `P ${n}`, instansi: "32.01" },
        },
        at,
      );
    for (let n = 0; n < 800; n++) await open(n, T0);
    const sent: string[] = [];
    const send = async (item: { id: string }) => {
      sent.push(item.id);
      return { ok: true as const, delivered: { ref: String(sent.length) } };
    };
    // The cards go out, 20 a minute (40 minutes for 800); by then the reminders are due.
    let now = T0;
    while ((await store.backlog(now)).pending > 0) {
      const r = await store.drain(now, send, desk.hooks);
      now = Math.max(now + 1, r.nextDueAt ?? now + 60_000);
    }
    expect(sent.filter((id) => id.includes(":card:"))).toHaveLength(800);
    expect(await desk.tick(now)).toMatchObject({ reminded: 500 }); // one query's worth; the rest next tick
    await open(900, now);
    const from = sent.length;
    for (let i = 0; i < 5; i++, now += 60_000) await store.drain(now, send, desk.hooks);
    const next = sent.slice(from).filter((id) => id.includes(":card:") || id.startsWith("digest:"));
    // The new case's card first, then one digest for the group (not 500 reminders).
    expect(next).toEqual([
      `c801:card:0@tg:${BOGOR.id}`,
      `digest:tg:${BOGOR.id}:${Math.floor((now - 5 * 60_000) / DEFAULT_DESK_CONFIG.remindAfterMs)}`,
    ]);
  });
});

describe("signed jumps and required fields (item 13)", () => {
  it("a forged or unsigned jump to any step is refused", async () => {
    const h = setup();
    await h.t.text(USER, "/start");
    for (const data of [
      "s|kasus|konfirmasi",
      "s|kasus|konfirmasi|AAAAAAAAAA",
      "s|aktivasi|d-reset|zzzzzzzzzz",
    ]) {
      const toast = await h.privateTap(USER, data);
      expect(toast).toBe("Tombol tidak dikenali.");
    }
    expect(await h.t.store.peek(`tg:${USER}`)).toMatchObject({ flow: "menu", state: "mulai" });
    // A jump the bot itself signed still works.
    const jump = world.buttons.encode({ kind: "jump", flow: "aktivasi", state: "d-reset" });
    await h.privateTap(USER, jump);
    expect(await h.t.store.peek(`tg:${USER}`)).toMatchObject({ flow: "aktivasi", state: "d-reset" });
  });

  it("a case without its required fields is not opened, and the user is told what is missing", async () => {
    const desk = new Desk(new MemoryDeskStore(), world, { ...DEFAULT_DESK_CONFIG, fallbackGroup: "tg:-1" });
    const result = await desk.request(
      "tg:5",
      { kind: "open", caseType: "email", next: "kasus/menunggu", fields: { nip: "198609262015051001" } },
      0,
    );
    expect(result.status).toBe("refused");
    expect(result.notice).toContain("Data untuk petugas belum lengkap");
    expect(result.notice).toContain("Nama");
    expect(await desk.store.getCase("1")).toBeUndefined();
  });
});
