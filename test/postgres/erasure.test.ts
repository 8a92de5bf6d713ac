import { describe, expect, it } from "vitest";
import { loadWorld } from "../../src/app/world.ts";
import { createTestBot } from "../helpers/bot-harness.ts";
import { dumpTables, PG_SUITE, SKIP_PG } from "../helpers/postgres.ts";
import { useRealStores } from "../helpers/real-stores.ts";
import { dumpKeys, REDIS_SUITE, SKIP_REDIS } from "../helpers/redis.ts";

const USER = 4501;
const GROUP = -100451;
const STAFF = { id: 7, is_bot: false, first_name: "Sari" };
const HR = { id: GROUP, type: "supergroup" as const, title: "HR" };
const NIP = "198609262015051001";
const NAME = ["Sulastri", "Wibowo"];
const EMAILS = ["sulastri.lama@gmail.com", "sulastri.baru@gmail.com"];

/** The NIP with any spacing or punctuation (up to 3 characters) between its digits. */
const NIP_ANY_SPACING = new RegExp(NIP.split("").join("[^0-9]{0,3}"));

type Markup = { inline_keyboard: { text: string; callback_data?: string }[][] } | undefined;

describe.skipIf(SKIP_REDIS || SKIP_PG)(
  `/hapusdata leaves nothing of the user in any store (${REDIS_SUITE}, ${PG_SUITE})`,
  () => {
    const real = useRealStores();

    it("cases, case events, outbox, dead letters, FAQ gaps and the session are scrubbed; the HR card is edited", async () => {
      const world = await loadWorld();
      const { desk, store, faqLog } = real.botStores(world, GROUP);
      const t = createTestBot(world, {
        store,
        faqLog,
        desk,
        // One relayed message fails for good: it becomes a dead letter holding the user's words.
        fail: (method, p) =>
          method === "sendMessage" && p.chat_id === GROUP && String(p.text).includes("tolong cek")
            ? { error_code: 400, description: "Bad Request: message is too long" }
            : undefined,
      });
      const button = (label: string, chat = USER) => {
        for (const call of [...t.calls].reverse()) {
          const b = (call.payload.reply_markup as Markup)?.inline_keyboard
            .flat()
            .find((x) => x.text === label);
          if (call.payload.chat_id === chat && b?.callback_data) return b.callback_data;
        }
        const last = t.calls.filter((c) => c.payload.chat_id === chat).slice(-2);
        throw new Error(
          `no button ${label}; last: ${JSON.stringify(last.map((c) => [c.payload.text, c.payload.reply_markup]))}`,
        );
      };
      const tapInGroup = async (label: string, messageId: number) =>
        t.raw({
          callback_query: {
            id: label,
            from: STAFF,
            chat_instance: "g",
            data: button(label, GROUP),
            message: { message_id: messageId, date: 1, chat: HR, text: "x" },
          },
        } as never);

      // An FAQ question that names the user and gives the NIP (a gap, kept masked).
      await t.text(
        USER,
        `saya ${NAME.join(" ")} nip ${NIP.slice(0, 8)} ${NIP.slice(8, 14)} ${NIP.slice(14, 15)} ${NIP.slice(15)} kenapa kucing saya`,
      );
      const steps: (string | { tap: string })[] = [
        "/menu",
        { tap: "📧 Email salah / tidak sesuai" },
        { tap: "Email terdaftar salah / bukan milik saya" },
        NIP,
        NAME.join(" "),
        EMAILS[0]!,
        EMAILS[1]!,
        "kab bogor",
        { tap: "Kabupaten Bogor" },
        { tap: "✅ Kirim ke petugas" },
        `NIP saya ${NIP.slice(0, 4)} ${NIP.slice(4, 8)} ${NIP.slice(8, 12)} ${NIP.slice(12)}, mohon dibantu`,
        `tolong cek ${EMAILS[1]} atas nama ${NAME.join(" ")}`,
      ];
      for (const step of steps) {
        if (typeof step === "string") await t.text(USER, step);
        else await t.tap(USER, button(step.tap));
      }
      await t.flush();
      const opened = await desk.store.getCase("1");
      expect(opened?.card).toMatch(/^\d+$/);
      const card = Number(opened!.card);

      // Staff claim and answer; the answer names the user too.
      await tapInGroup("✋ Ambil", card);
      await t.raw({
        message: {
          message_id: 90,
          date: 1,
          chat: HR,
          from: STAFF,
          text: `Bu ${NAME[0]}, email ${EMAILS[1]} sudah kami pasang untuk NIP ${NIP}`,
          reply_to_message: { message_id: card, date: 1, chat: HR, text: "card" },
        },
      } as never);
      await t.flush();
      await tapInGroup("✅ Selesai", card);
      await t.flush();
      await t.tap(USER, button("4 ⭐"));
      await t.text(USER, `Terima kasih, salam ${NAME[0]}`);
      await t.flush();

      // Before: the scan finds the user everywhere it should look (so "not found" later means erased).
      const before = `${await dumpKeys(real.admin, `${real.prefix}:*`)}\n${await dumpTables(real.db.pool, real.db.schema)}`;
      expect(before).toMatch(NIP_ANY_SPACING);
      expect(before).toContain(EMAILS[0]);
      expect(before).toContain(NAME[1]);
      expect(await dumpTables(real.db.pool, real.db.schema)).toMatch(/outbox_dead[\s\S]*tolong cek/);

      const sentBefore = t.calls.length;
      await t.text(USER, "/hapusdata");
      await t.flush();

      const redisAfter = await dumpKeys(real.admin, `${real.prefix}:*`);
      const tablesAfter = await dumpTables(real.db.pool, real.db.schema);
      for (const [where, dump] of [
        ["Redis", redisAfter],
        ["PostgreSQL", tablesAfter],
      ] as const) {
        expect(dump, `NIP in ${where}`).not.toMatch(NIP_ANY_SPACING);
        for (const email of EMAILS) expect(dump.toLowerCase(), `${email} in ${where}`).not.toContain(email);
        for (const word of NAME)
          expect(dump.toLowerCase(), `${word} in ${where}`).not.toContain(word.toLowerCase());
      }
      // PostgreSQL keeps no trace of who the user was; Redis keeps only what the next message needs:
      // a fresh session and the update ids seen (both expire).
      expect(tablesAfter, "the user's address in PostgreSQL").not.toMatch(new RegExp(`tg:${USER}(?![0-9])`));
      const userKeys = redisAfter
        .split("\n")
        .filter((line) => line.startsWith(`${real.prefix}:{tg:${USER}}`));
      expect(userKeys.sort()).toEqual([`${real.prefix}:{tg:${USER}}:s`, `${real.prefix}:{tg:${USER}}:u`]);
      for (const key of userKeys) expect(await real.admin.ttl(key), `${key} expires`).toBeGreaterThan(0);
      const session = JSON.parse((await real.admin.get(`${real.prefix}:{tg:${USER}}:s`)) ?? "{}");
      expect(session).toMatchObject({ flow: "menu", history: [], vars: {} });
      expect(tablesAfter, "the dead letter is gone").not.toContain("tolong cek");
      // The record stays for statistics, without the person.
      const erased = await desk.store.getCase("1");
      expect(erased).toMatchObject({ status: "resolved", rating: 4, redacted: true, fields: {} });

      // The HR group's card is edited: the personal fields are gone, the reason is said.
      const edits = t.calls
        .slice(sentBefore)
        .filter(
          (c) =>
            c.method === "editMessageText" && c.payload.chat_id === GROUP && c.payload.message_id === card,
        );
      expect(edits).toHaveLength(1);
      const text = String(edits[0]!.payload.text);
      expect(text).toContain("Data pribadi dihapus atas permintaan pengguna");
      expect(text).not.toMatch(NIP_ANY_SPACING);
      expect(text).not.toContain(NAME[1]);
      expect(text).not.toContain(EMAILS[0]);
      // And the user was told, after the fact.
      const told = t.calls.slice(sentBefore).filter((c) => c.payload.chat_id === USER);
      expect(told.map((c) => String(c.payload.text)).join("\n")).toMatch(/dihapus/);
    }, 60_000);
  },
);
