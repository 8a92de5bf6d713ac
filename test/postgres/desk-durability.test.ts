/**
 * The desk on PostgreSQL under faults: two instances draining, 429 storms,
 * a process dying mid-send, PostgreSQL restarted mid-drain, a crash right after
 * a send. Cases are opened through the desk (case + card in one transaction).
 */
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PostgresDeskStore } from "../../src/adapters/postgres/desk-store.ts";
import { migrate } from "../../src/adapters/postgres/migrate.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import type { OutboxItem, Sender, SendOutcome } from "../../src/core/outbox.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../../src/desk/desk.ts";
import { createTestBot } from "../helpers/bot-harness.ts";
import { HAVE_OWN_POSTGRES, OwnPostgres } from "../helpers/own-postgres.ts";
import { freshSchema, PG_SUITE, SKIP_PG, type TestSchema } from "../helpers/postgres.ts";
import { busiestWindow, T0 } from "../stores/desk-store-contract.ts";

const GROUP = "tg:-100500";

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

/** A Telegram that records what it showed, answers 429 when `refuse` says so, and numbers messages. */
class FakeTelegram {
  now = T0;
  readonly shown: { id: string; to: string; at: number; by: string; ref: string }[] = [];
  readonly calls: { id: string; to: string; at: number }[] = [];
  /** What the HR group saw (the users also hear that their case arrived). */
  get cards() {
    return this.shown.filter((s) => s.to === GROUP);
  }
  private ref = 100;
  constructor(private readonly refuse: (item: OutboxItem) => SendOutcome | undefined = () => undefined) {}
  sender(by: string, after?: (item: OutboxItem) => Promise<void>): Sender {
    return async (item) => {
      this.calls.push({ id: item.id, to: item.to, at: this.now });
      await new Promise((resolve) => setImmediate(resolve));
      const refused = this.refuse(item);
      if (refused !== undefined) return refused;
      const ref = String(this.ref++);
      this.shown.push({ id: item.id, to: item.to, at: this.now, by, ref });
      await after?.(item);
      return { ok: true, delivered: { ref } };
    };
  }
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const openCase = (desk: Desk, n: number, now: number) =>
  desk.request(
    `tg:${10_000 + n}`,
    {
      kind: "open",
      caseType: "email",
      instansi: "32.01",
      next: "kasus/menunggu",
      fields: {
        nip: "198609262015051001",
        nama: `Pegawai ${n}`,
        instansi: "32.01",
        "email-baru": `p${n}@gmail.com`,
      },
    },
    now,
  );

describe.skipIf(SKIP_PG)(`desk durability on ${PG_SUITE}`, () => {
  let db: TestSchema;
  const pools: pg.Pool[] = [];
  /** A desk as one process would have it: its own pool on the shared database. */
  const instance = (leaseMs = 30_000) => {
    const pool = new pg.Pool({ connectionString: db.url, max: 10 });
    pools.push(pool);
    const store = new PostgresDeskStore({ pool, leaseMs, ownsPool: false });
    return { pool, store, desk: new Desk(store, world, { ...DEFAULT_DESK_CONFIG, fallbackGroup: GROUP }) };
  };
  beforeAll(async () => {
    db = await freshSchema();
  });
  afterEach(async () => {
    for (const pool of pools.splice(0)) await pool.end().catch(() => undefined);
    await db.pool.query(
      "truncate cases, audit, routes, groups, message_links, topic_links, rate_windows, outbox, outbox_chats, outbox_done, outbox_dead restart identity cascade",
    );
    await db.pool.query("select setval('case_number_seq', 1, false)");
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("500 cases opened within a minute to one group under 429s, two instances draining: each card once, in order, ≤ 20 per 60 s, every card linked", async () => {
    const [a, b] = [instance(), instance()];
    const random = mulberry32(20_261_201);
    let refusals = 0;
    const telegram = new FakeTelegram(() => {
      if (random() >= 0.2) return undefined;
      refusals++;
      const seconds = 1 + Math.floor(random() * 5);
      return { ok: false, retryAfterSeconds: seconds, permanent: false, description: "Too Many Requests" };
    });
    const CASES = 500;
    const openedAt = (n: number) => T0 + Math.floor((n * 60_000) / CASES);
    let now = T0;
    let opened = 0;
    for (let rounds = 1; ; rounds++) {
      expect(rounds).toBeLessThan(20_000);
      // Cases are opened on either instance.
      while (opened < CASES && openedAt(opened) <= now)
        await openCase(opened % 2 === 0 ? a.desk : b.desk, opened++, now);
      telegram.now = now;
      const [first, second] = rounds % 2 === 0 ? [a, b] : [b, a];
      const results = await Promise.all([
        first.store.drain(now, telegram.sender(first === a ? "A" : "B"), first.desk.hooks),
        second.store.drain(now, telegram.sender(second === a ? "A" : "B"), second.desk.hooks),
      ]);
      if (opened === CASES && (await a.store.backlog(now)).pending === 0) break;
      const candidates = results.flatMap((r) => (r.nextDueAt === undefined ? [] : [r.nextDueAt]));
      if (opened < CASES) candidates.push(openedAt(opened));
      now = Math.max(now + 1, candidates.length > 0 ? Math.min(...candidates) : now + 1_000);
    }
    const cards = Array.from({ length: CASES }, (_, n) => `c${n + 1}:card:0@${GROUP}`);
    expect(telegram.cards.map((s) => s.id)).toEqual(cards);
    expect(
      busiestWindow(
        telegram.calls.filter((c) => c.to === GROUP).map((c) => c.at),
        60_000,
      ),
    ).toBeLessThanOrEqual(20);
    expect(refusals).toBeGreaterThan(50);
    expect(new Set(telegram.cards.map((s) => s.by))).toEqual(new Set(["A", "B"]));
    // Each user heard once that their case arrived, after its card did.
    expect(telegram.shown.filter((s) => s.id.includes(":arrived:"))).toHaveLength(CASES);
    expect(now - T0).toBeLessThan(45 * 60_000);
    // Every card is linked to its case in the transaction that marked it done.
    const links = await db.pool.query<{ n: string }>("select count(*) as n from message_links");
    expect(Number(links.rows[0]!.n)).toBe(CASES);
    const card1 = await a.store.getCase("1");
    expect(card1?.card).toBe(telegram.cards[0]!.ref);
  }, 120_000);

  it("an instance that dies mid-send holds the chat until its lease lapses; then the other sends each card once", async () => {
    const a = instance(1_000);
    const b = instance(1_000);
    await openCase(a.desk, 1, T0);
    await openCase(a.desk, 2, T0);
    let inSend!: () => void;
    const sending = new Promise<void>((resolve) => {
      inSend = resolve;
    });
    // A claims the first card and hangs inside the Telegram call forever (it died).
    void a.store.drain(T0, () => {
      inSend();
      return new Promise<SendOutcome>(() => {});
    });
    await sending;
    const telegram = new FakeTelegram();
    expect(await b.store.drain(T0 + 500, telegram.sender("B"), b.desk.hooks)).toMatchObject({
      sent: 0,
    });
    expect(telegram.calls).toEqual([]);
    telegram.now = T0 + 1_001;
    await b.store.drain(T0 + 1_001, telegram.sender("B"), b.desk.hooks);
    expect(telegram.cards.map((s) => s.id)).toEqual([`c1:card:0@${GROUP}`, `c2:card:0@${GROUP}`]);
    expect((await b.store.drain(T0 + 60_000, telegram.sender("B"))).sent).toBe(0);
  });

  it("a case is never saved without its card, nor a card without its case: a failed open leaves nothing", async () => {
    const a = instance();
    // The transaction dies after the case row was written (here: an impossible route target makes it throw).
    await expect(
      a.store.tx(async (tx) => {
        await tx.insertCase({
          v: 2,
          id: await tx.nextCaseId(),
          type: "email",
          status: "open",
          user: "tg:1",
          group: GROUP,
          fallback: true,
          fields: {},
          createdAt: T0,
          reopened: 0,
          messages: 0,
          redacted: false,
        });
        throw new Error("process killed before commit");
      }),
    ).rejects.toThrow("killed");
    expect(await a.store.getCase("1")).toBeUndefined();
    expect((await a.store.backlog(T0)).pending).toBe(0);
    // A case opened and committed, then the process dies before any drain: the next process announces it once.
    await openCase(a.desk, 3, T0);
    await a.pool.end();
    const b = instance();
    const telegram = new FakeTelegram();
    await b.store.drain(T0, telegram.sender("B"), b.desk.hooks);
    await b.store.drain(T0 + 120_000, telegram.sender("B"), b.desk.hooks);
    expect(telegram.cards.map((s) => s.id)).toEqual([`c2:card:0@${GROUP}`]);
  });

  it("a crash right after a send: the card is sent again, and a staff reply to either card reaches the user", async () => {
    const desk = new Desk(new PostgresDeskStore({ pool: db.pool, ownsPool: false, leaseMs: 1_000 }), world, {
      ...DEFAULT_DESK_CONFIG,
      fallbackGroup: GROUP,
    });
    const t = createTestBot(world, { desk, now: () => T0 });
    // Process A: sends the card, then dies before recording it (its pool is gone).
    const a = instance(1_000);
    await openCase(desk, 1, T0);
    const telegram = new FakeTelegram();
    await expect(
      a.store.drain(
        T0,
        telegram.sender("A", async () => a.pool.end()),
        a.desk.hooks,
      ),
    ).rejects.toThrow();
    const firstCard = telegram.cards[0]!;
    expect(firstCard.id).toBe(`c1:card:0@${GROUP}`);
    expect(await desk.store.getCase("1")).not.toHaveProperty("card");
    // Process B, after A's lease: the card goes out again (at least once), and this time it is linked.
    telegram.now = T0 + 1_001;
    await desk.store.drain(T0 + 1_001, telegram.sender("B"), desk.hooks);
    expect(telegram.cards.map((s) => s.id)).toEqual([`c1:card:0@${GROUP}`, `c1:card:0@${GROUP}`]);
    expect((await desk.store.getCase("1"))?.card).toBe(telegram.cards[1]!.ref);
    // A staff member replies to the first card, whose link was never recorded.
    await t.raw({
      message: {
        message_id: 9001,
        date: 1,
        chat: { id: -100500, type: "supergroup", title: "HR" },
        from: { id: 901, is_bot: false, first_name: "Sari" },
        text: "Email sudah kami ganti.",
        reply_to_message: {
          message_id: Number(firstCard.ref),
          date: 1,
          chat: { id: -100500, type: "supergroup", title: "HR" },
          from: { id: 424242, is_bot: true, first_name: "Pandu", username: "PanduTestBot" },
          text: "📨 Kasus #1 · Perbaikan email akun\nStatus: menunggu petugas",
        },
      },
    } as never);
    await desk.store.drain(T0 + 3_000, telegram.sender("B"), desk.hooks);
    expect(telegram.shown.filter((s) => s.to === "tg:10001").at(-1)?.id).toBe("c1:s:1");
    // A reply to a message of someone else that merely mentions a case is not an answer.
    await t.raw({
      message: {
        message_id: 9002,
        date: 1,
        chat: { id: -100500, type: "supergroup", title: "HR" },
        from: { id: 902, is_bot: false, first_name: "Iseng" },
        text: "halo",
        reply_to_message: {
          message_id: 5,
          date: 1,
          chat: { id: -100500, type: "supergroup", title: "HR" },
          from: { id: 903, is_bot: false, first_name: "Budi" },
          text: "Kasus #1 itu gimana?",
        },
      },
    } as never);
    await desk.store.drain(T0 + 4_000, telegram.sender("B"), desk.hooks);
    expect(telegram.shown.filter((s) => s.id.startsWith("c1:s:"))).toHaveLength(1);
  });
});

describe.skipIf(!HAVE_OWN_POSTGRES)("desk durability: PostgreSQL restarted mid-drain", () => {
  const server = new OwnPostgres();
  let pool: pg.Pool;
  beforeAll(async () => {
    await server.init();
    await migrate({ databaseUrl: server.url });
  }, 60_000);
  afterAll(async () => {
    await pool?.end().catch(() => undefined);
    await server.destroy();
  });

  it("nothing lost, nothing sent twice: a card sent while the database went away is recorded when it is back", async () => {
    pool = new pg.Pool({ connectionString: server.url, max: 8, connectionTimeoutMillis: 2_000 });
    pool.on("error", () => undefined);
    const store = new PostgresDeskStore({ pool, ownsPool: false });
    const desk = new Desk(store, world, { ...DEFAULT_DESK_CONFIG, fallbackGroup: GROUP });
    for (let n = 1; n <= 5; n++) await openCase(desk, n, T0 + n);
    const telegram = new FakeTelegram();
    let stopped = false;
    // The database stops right after Telegram accepted the second card.
    const sender = telegram.sender("A", async (item) => {
      if (item.id === `c2:card:0@${GROUP}` && !stopped) {
        stopped = true;
        await server.stop();
      }
    });
    let now = T0 + 10;
    await expect(store.drain(now, sender, desk.hooks)).rejects.toThrow();
    // While it is down, drains fail and send nothing.
    now += 5_000;
    telegram.now = now;
    await expect(store.drain(now, sender, desk.hooks)).rejects.toThrow();
    await server.start();
    for (let i = 0; i < 20 && (await store.backlog(now)).pending > 0; i++) {
      now += 5_000;
      telegram.now = now;
      await store.drain(now, sender, desk.hooks);
    }
    expect(telegram.cards.map((s) => s.id)).toEqual([1, 2, 3, 4, 5].map((n) => `c${n}:card:0@${GROUP}`));
    for (let n = 1; n <= 5; n++)
      expect((await store.getCase(String(n)))?.card).toBe(telegram.cards[n - 1]!.ref);
  }, 60_000);
});
