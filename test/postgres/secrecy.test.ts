import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadWorld } from "../../src/app/world.ts";
import { createTestBot } from "../helpers/bot-harness.ts";
import { dumpTables, PG_SUITE, SKIP_PG } from "../helpers/postgres.ts";
import { useRealStores } from "../helpers/real-stores.ts";
import { dumpKeys, REDIS_SUITE, SKIP_REDIS } from "../helpers/redis.ts";

const USER = 4401;
const GROUP = -100441;
const rand = (n: number) => randomBytes(n).toString("hex");
// Sentinels shaped like the real thing, unique per run.
const PASSWORD = `Sntl#Pw${rand(3)}X9`;
const TOKEN = `Tk${rand(2)}Q7w3Z8`;
const OTP = String(100000 + (randomBytes(3).readUIntBE(0, 3) % 899999));

describe.skipIf(SKIP_REDIS || SKIP_PG)(
  `credentials typed at every step never land anywhere (${REDIS_SUITE}, ${PG_SUITE})`,
  () => {
    const real = useRealStores();

    it("password, email token and OTP: deleted, never echoed, stored, logged (debug) or sent to HR", async () => {
      const world = await loadWorld();
      const { desk, store, faqLog } = real.botStores(world, GROUP);
      const t = createTestBot(world, {
        store,
        faqLog,
        desk,
        logLevel: "debug",
      });
      const lastButton = (label: string) => {
        for (const call of [...t.calls].reverse()) {
          const markup = call.payload.reply_markup as
            | { inline_keyboard: { text: string; callback_data?: string }[][] }
            | undefined;
          const b = markup?.inline_keyboard.flat().find((x) => x.text === label);
          if (call.payload.chat_id === USER && b?.callback_data) return b.callback_data;
        }
        throw new Error(`no button ${label}`);
      };
      const typeSecrets = async (where: string) => {
        for (const secret of [PASSWORD, TOKEN, OTP]) {
          const id = await t.text(USER, secret);
          const deleted = t.calls.some((c) => c.method === "deleteMessage" && c.payload.message_id === id);
          expect(deleted, `${secret} at ${where} deleted`).toBe(true);
        }
      };
      const steps: (string | { tap: string })[] = [
        "/start",
        { tap: "🔑 Aktivasi / lupa password" },
        "198609262015051001",
        { tap: "✅ Ya, benar" },
        { tap: "🌐 ASN Digital (sekarang)" },
        { tap: "Sudah, lanjut" },
        { tap: "Sudah, lanjut" },
        { tap: "Email saya muncul" },
        { tap: "✅ Ya, saya klik Kirim" },
        { tap: "Kode sudah masuk" },
        { tap: "Lewati, saya sudah klik Reset Password" },
        { tap: "❌ Kode ditolak / kedaluwarsa" },
        "/menu",
        { tap: "📧 Email salah / tidak sesuai" },
        { tap: "Email terdaftar salah / bukan milik saya" },
        { tap: "Pakai NIP 19860926 201505 1 001" },
        "Budi Santoso",
        "budi.lama@gmail.com",
        "budi.baru@gmail.com",
        "kab bogor",
        { tap: "Kabupaten Bogor" },
        { tap: "✅ Kirim ke petugas" },
        "Mohon dibantu, email saya salah",
      ];
      for (const [i, step] of steps.entries()) {
        if (typeof step === "string") await t.text(USER, step);
        else await t.tap(USER, lastButton(step.tap));
        await typeSecrets(`step ${i + 1}`);
      }
      await t.flush();
      // Staff answer and resolve; the user rates and comments, typing the secrets there too.
      const card = await desk.store.getCase("1");
      expect(card?.card).toMatch(/^\d+$/);
      await t.raw({
        message: {
          message_id: 90,
          date: 1,
          chat: { id: GROUP, type: "supergroup", title: "HR" },
          from: { id: 7, is_bot: false, first_name: "Sari" },
          text: "Sudah kami ganti",
          reply_to_message: {
            message_id: Number(card!.card),
            date: 1,
            chat: { id: GROUP, type: "supergroup", title: "HR" },
            text: "card",
          },
        },
      } as never);
      await t.flush();
      const resolve = t.calls
        .flatMap((c) =>
          (
            (
              c.payload.reply_markup as
                | { inline_keyboard: { text: string; callback_data?: string }[][] }
                | undefined
            )?.inline_keyboard ?? []
          ).flat(),
        )
        .find((b) => b.text === "✅ Selesai")?.callback_data;
      await t.raw({
        callback_query: {
          id: "r1",
          from: { id: 7, is_bot: false, first_name: "Sari" },
          chat_instance: "g",
          data: resolve,
          message: {
            message_id: Number(card!.card),
            date: 1,
            chat: { id: GROUP, type: "supergroup", title: "HR" },
            text: "x",
          },
        },
      } as never);
      await t.flush();
      await t.tap(USER, lastButton("4 ⭐"));
      await typeSecrets("comment");
      await t.flush();

      // Whole-token matches: an OTP's six digits may occur inside a longer number (a timestamp) by chance.
      const dump = await dumpKeys(real.admin);
      const tables = await dumpTables(real.db.pool, real.db.schema);
      for (const secret of [PASSWORD, TOKEN, OTP]) {
        const alone = new RegExp(`(?<![0-9A-Za-z])${secret.replace(/[#]/g, "\\$&")}(?![0-9A-Za-z])`);
        expect(JSON.stringify(t.calls), `${secret} in a bot reply or a message to HR`).not.toMatch(alone);
        expect(t.logs.text, `${secret} in debug logs`).not.toMatch(alone);
        expect(dump, `${secret} in Redis`).not.toMatch(alone);
        expect(tables, `${secret} in PostgreSQL`).not.toMatch(alone);
      }
      // The journey really happened: the case exists, HR saw it, the user's own words reached HR.
      const toGroup = t.calls.filter((c) => c.payload.chat_id === GROUP).map((c) => String(c.payload.text));
      expect(toGroup.some((x) => x.includes("Mohon dibantu, email saya salah"))).toBe(true);
      expect(await desk.store.getCase("1")).toMatchObject({ status: "resolved", rating: 4 });
      expect(tables).toContain("Budi Santoso"); // the scan does read the case tables
    }, 60_000);
  },
);
