import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../helpers/fake-telegram.ts";
import { freshSchema, PG_SUITE, SKIP_PG, type TestSchema } from "../helpers/postgres.ts";
import { REDIS_SUITE, REDIS_URL, SKIP_REDIS } from "../helpers/redis.ts";
import { HAVE_REDIS_SERVER, OwnRedis } from "../helpers/redis-server.ts";

const CHAT = 31337;
/**
 * A Redis of its own: `npm start` writes under the fixed "pandu" prefix with fixed chat ids, and each
 * run starts empty. A private redis-server when one is installed, so that a suite running at the same
 * time in another checkout on this machine cannot flush or share these keys; else database 7.
 */
const ownRedis = HAVE_REDIS_SERVER && !SKIP_REDIS ? new OwnRedis() : undefined;
await ownRedis?.start();
const E2E_REDIS = ownRedis !== undefined ? `${ownRedis.url}/0` : `${REDIS_URL.replace(/\/\d*$/, "")}/7`;
afterAll(async () => {
  await ownRedis?.destroy();
});

const children: ChildProcess[] = [];

function startPandu(apiRoot: string, extra: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      ...process.env,
      BOT_TOKEN: "4242:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      TELEGRAM_API_ROOT: apiRoot,
      REDIS_URL: E2E_REDIS,
      PORT: "0",
      METRICS_PORT: "0",
      LOG_LEVEL: "warn",
      ...extra,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  return child;
}

async function stopPandu(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

describe.skipIf(SKIP_REDIS)(`npm start with REDIS_URL against a Bot API on loopback (${REDIS_SUITE})`, () => {
  const telegram = new FakeTelegram();
  let admin: Redis;
  beforeAll(async () => {
    admin = new Redis(E2E_REDIS);
    await admin.flushdb();
    await telegram.start();
  });
  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await admin.flushdb();
    admin.disconnect();
    await telegram.stop();
  });

  it("keeps a journey alive across a restart of the bot", async () => {
    let pandu = startPandu(telegram.url);
    let stderr = "";
    pandu.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    telegram.text(CHAT, "/start");
    await telegram.waitForMessages(CHAT, 1, 30_000);
    telegram.tap(CHAT, "🔑 Aktivasi / lupa password");
    const before = await telegram.waitForMessages(CHAT, 2);
    expect(before[1]?.text).toContain("ketik NIP atau NI PPPK");
    expect(await stopPandu(pandu)).toBe(0);

    pandu = startPandu(telegram.url);
    pandu.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    telegram.text(CHAT, "198609262015051001");
    const after = await telegram.waitForMessages(CHAT, 3, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${stderr}`);
    });
    expect(after[2]?.text).toContain("PNS · lahir 26-09-1986");
    // Updates fetched again after the restart are recognised by update_id: nothing was answered twice.
    await new Promise((r) => setTimeout(r, 300));
    expect(telegram.sent.filter((m) => m.chat_id === CHAT)).toHaveLength(3);
    expect(await stopPandu(pandu)).toBe(0);
    expect(stderr).not.toMatch(/"level":(50|60)/);
    expect(telegram.calls.some((c) => c.method === "setMyCommands")).toBe(true);
  }, 90_000);

  it("a process killed (SIGKILL) between steps loses nothing: the next process continues the journey", async () => {
    const chat = CHAT + 1;
    let pandu = startPandu(telegram.url);
    telegram.text(chat, "/start");
    await telegram.waitForMessages(chat, 1, 30_000);
    telegram.tap(chat, "🔢 Cek arti NIP / NI PPPK");
    await telegram.waitForMessages(chat, 2);
    await new Promise((r) => setTimeout(r, 300)); // between steps: the step's commit is done
    pandu.kill("SIGKILL");
    await new Promise((r) => pandu.once("exit", r));
    pandu = startPandu(telegram.url);
    telegram.text(chat, "200012312024211001");
    const after = await telegram.waitForMessages(chat, 3, 30_000);
    expect(after[2]?.text).toContain("PPPK · lahir 31-12-2000");
    await new Promise((r) => setTimeout(r, 300));
    expect(telegram.sent.filter((m) => m.chat_id === chat)).toHaveLength(3);
    expect(await stopPandu(pandu)).toBe(0);
  }, 90_000);
});

describe.skipIf(SKIP_REDIS || SKIP_PG)(
  `npm start end to end over HTTP: a full journey and a case from opening to closing (${REDIS_SUITE}, ${PG_SUITE})`,
  () => {
    const telegram = new FakeTelegram();
    const USER = 31400;
    const HR = -100314;
    let admin: Redis;
    let db: TestSchema;
    let pandu: ChildProcess | undefined;
    beforeAll(async () => {
      admin = new Redis(E2E_REDIS);
      await admin.flushdb();
      db = await freshSchema();
      await telegram.start();
    });
    afterAll(async () => {
      if (pandu && pandu.exitCode === null) pandu.kill("SIGKILL");
      await admin.flushdb();
      admin.disconnect();
      await db?.drop();
      await telegram.stop();
    });

    it("activation to MFA, then email wrong → case → HR claims, answers, resolves → rating → back to reset", async () => {
      const env = { HR_CHAT_ID: String(HR), DATABASE_URL: db.url };
      pandu = startPandu(telegram.url, env);
      const count = () => telegram.sent.filter((m) => m.chat_id === USER).length;
      const step = async (act: () => void, messages = 1) => {
        const before = count();
        act();
        await telegram.waitForMessages(USER, before + messages, 30_000);
        await new Promise((r) => setTimeout(r, 50));
      };
      await step(() => telegram.text(USER, "/start"));
      for (const label of ["🔑 Aktivasi / lupa password"]) await step(() => telegram.tap(USER, label));
      await step(() => telegram.text(USER, "198609262015051001"));
      for (const label of [
        "✅ Ya, benar",
        "🌐 ASN Digital (sekarang)",
        "Sudah, lanjut",
        "Sudah, lanjut",
        "Email saya muncul",
        "✅ Ya, saya klik Kirim",
        "Kode sudah masuk",
      ]) {
        await step(() => telegram.tap(USER, label));
      }
      await step(() => telegram.text(USER, "Rahasia#2025x"), 2);
      for (const label of ["✅ Berhasil", "✅ MFA aktif, saya sudah masuk"])
        await step(() => telegram.tap(USER, label));
      expect(telegram.sent.filter((m) => m.chat_id === USER).at(-1)?.text).toContain(
        "Selamat, akun Anda sudah aktif",
      );
      expect(telegram.calls.some((c) => c.method === "deleteMessage")).toBe(true);

      await step(() => telegram.text(USER, "/menu"));
      for (const label of [
        "📧 Email salah / tidak sesuai",
        "Email terdaftar salah / bukan milik saya",
        "Pakai NIP 19860926 201505 1 001",
      ]) {
        await step(() => telegram.tap(USER, label));
      }
      await step(() => telegram.text(USER, "Budi Santoso"));
      await step(() => telegram.tap(USER, "Tidak tahu"));
      await step(() => telegram.text(USER, "budi.baru@gmail.com"));
      await step(() => telegram.text(USER, "kota surabaya"));
      await step(() => telegram.tap(USER, "Kota Surabaya"));
      // The notice, the waiting room, and (once the card is in the group) that it arrived.
      await step(() => telegram.tap(USER, "✅ Kirim ke petugas"), 3);
      expect(telegram.sent.filter((m) => m.chat_id === USER).some((m) => m.text.includes("Kasus #"))).toBe(
        true,
      );

      // The card reaches the fallback HR group through the outbox.
      const card = (await telegram.waitForMessages(HR, 1, 30_000))[0]!;
      expect(card.text).toContain("Perbaikan email akun");
      expect(card.text).toContain("Kota Surabaya");
      await step(() => telegram.tap(HR, "✋ Ambil", 777));
      // A restart with the case claimed: the case, its card link and the outbox live in PostgreSQL.
      expect(await stopPandu(pandu)).toBe(0);
      pandu = startPandu(telegram.url, env);
      telegram.groupText(HR, 777, "Email sudah kami ganti, silakan reset lagi.", card.message_id);
      await telegram.waitForMessages(USER, count() + 1, 30_000);
      expect(telegram.sent.filter((m) => m.chat_id === USER).at(-1)?.text).toContain(
        "Email sudah kami ganti",
      );
      await step(() => telegram.tap(HR, "✅ Selesai", 777));
      expect(telegram.sent.filter((m) => m.chat_id === USER).at(-1)?.text).toContain(
        "sudah diselesaikan petugas",
      );
      await step(() => telegram.tap(USER, "5 ⭐"));
      await step(() => telegram.tap(USER, "Lewati"));
      await step(() => telegram.tap(USER, "🔑 Coba reset password lagi"));
      expect(telegram.sent.filter((m) => m.chat_id === USER).at(-1)?.text).toContain("Langkah 2 dari 7");
      expect(await stopPandu(pandu)).toBe(0);
      // The records: the case as HR left it, and who did what, in order.
      const { rows } = await db.pool.query("select status, rating, user_addr, group_addr from cases");
      expect(rows).toEqual([
        { status: "resolved", rating: 5, user_addr: `tg:${USER}`, group_addr: `tg:${HR}` },
      ]);
      const audit = await db.pool.query<{ kind: string; actor: string }>(
        "select kind, actor from audit order by id",
      );
      expect(audit.rows.map((r) => r.kind)).toEqual(["opened", "claimed", "answered", "resolved", "rated"]);
      expect(audit.rows[1]!.actor).toBe("tg:777");
    }, 120_000);
  },
);

describe.skipIf(SKIP_REDIS || SKIP_PG)(
  `npm start end to end over HTTP: the trusted HR network (${REDIS_SUITE}, ${PG_SUITE})`,
  () => {
    const telegram = new FakeTelegram();
    const USER = 31500;
    const ADMIN = 999;
    const FALLBACK = -100315;
    const BOGOR = -100320;
    const KEPALA = 888;
    let admin: Redis;
    let db: TestSchema;
    let pandu: ChildProcess | undefined;
    beforeAll(async () => {
      admin = new Redis(E2E_REDIS);
      await admin.flushdb();
      db = await freshSchema();
      await telegram.start();
    });
    afterAll(async () => {
      if (pandu && pandu.exitCode === null) pandu.kill("SIGKILL");
      await admin.flushdb();
      admin.disconnect();
      await db?.drop();
      await telegram.stop();
    });

    it("a group claims Kabupaten Bogor → a bot admin approves → a user from its start link → the case reaches that group", async () => {
      pandu = startPandu(telegram.url, {
        HR_CHAT_ID: String(FALLBACK),
        ADMIN_IDS: String(ADMIN),
        DATABASE_URL: db.url,
      });
      const to = (chat: number) => telegram.sent.filter((m) => m.chat_id === chat);
      const after = async (chat: number, act: () => void, messages = 1) => {
        const before = to(chat).length;
        act();
        const all = await telegram.waitForMessages(chat, before + messages, 30_000);
        await new Promise((r) => setTimeout(r, 50));
        return all.slice(before);
      };

      // The group's admin claims the office: nothing is routed yet, the bot admin is asked.
      const [claimed] = await after(BOGOR, () => telegram.groupText(BOGOR, KEPALA, "/hubungkan kab bogor"));
      expect(claimed!.text).toContain("Kabupaten Bogor");
      const [ask] = await telegram.waitForMessages(ADMIN, 1, 30_000);
      expect(ask!.text).toContain("Kabupaten Bogor");
      expect(ask!.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toContain("✅ Setujui");
      // Approved: the group is told it now receives the cases.
      await after(BOGOR, () => telegram.tap(ADMIN, "✅ Setujui"));

      // The group's start link, as /tautan gives it.
      const [link] = await after(BOGOR, () => telegram.groupText(BOGOR, KEPALA, "/tautan"));
      const payload = /\?start=(i-32_01)/.exec(link!.text)?.[1];
      expect(payload).toBe("i-32_01");

      const [hello] = await after(USER, () => telegram.text(USER, `/start ${payload}`));
      expect(hello!.text).toContain("lewat tautan Kabupaten Bogor");
      for (const label of ["📧 Email salah / tidak sesuai", "Email terdaftar salah / bukan milik saya"])
        await after(USER, () => telegram.tap(USER, label));
      for (const text of ["198609262015051001", "Budi Santoso", "budi.lama@gmail.com", "budi.baru@gmail.com"])
        await after(USER, () => telegram.text(USER, text));
      // No instansi question: the link said which office.
      expect(
        to(USER)
          .map((m) => m.text)
          .join("\n"),
      ).not.toContain("Di instansi mana Anda bekerja?");
      await after(USER, () => telegram.tap(USER, "✅ Kirim ke petugas"), 2);

      const deadline = Date.now() + 30_000;
      while (!to(BOGOR).some((m) => m.text.startsWith("📨 Kasus #1")) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const card = to(BOGOR).find((m) => m.text.startsWith("📨 Kasus #1"))!;
      expect(card.text).toContain("Kasus #1");
      expect(card.text).toContain("Instansi: Kabupaten Bogor");
      expect(card.text).toContain("Budi Santoso");
      // The fallback group never saw the person.
      expect(
        to(FALLBACK)
          .map((m) => m.text)
          .join("\n"),
      ).not.toContain("Budi Santoso");
      expect(await stopPandu(pandu)).toBe(0);

      const { rows } = await db.pool.query("select group_addr, instansi from cases");
      expect(rows).toEqual([{ group_addr: `tg:${BOGOR}`, instansi: "32.01" }]);
      const audit = await db.pool.query<{ kind: string; actor: string }>(
        "select kind, actor from audit order by id",
      );
      expect(audit.rows.map((r) => `${r.kind} ${r.actor}`)).toEqual([
        `claim-filed tg:${KEPALA}`,
        `claim-approved tg:${ADMIN}`,
        `linked tg:${ADMIN}`,
        `opened tg:${USER}`,
      ]);
    }, 120_000);
  },
);
