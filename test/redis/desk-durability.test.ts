import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Outbox, OutboxItem, SendOutcome } from "../../src/adapters/outbox.ts";
import { createRedis, type RedisClient, waitReady } from "../../src/adapters/redis/connect.ts";
import { RedisOutbox } from "../../src/adapters/redis/outbox.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../../src/desk/desk.ts";
import { RedisCaseStore } from "../../src/desk/redis-case-store.ts";
import { dropPrefix, REDIS_SUITE, REDIS_URL, SKIP_REDIS, testPrefix } from "../helpers/redis.ts";

const GROUP = -100321;
const NOW = Date.UTC(2026, 10, 24, 3);

describe.skipIf(SKIP_REDIS)(`HR desk durability (${REDIS_SUITE})`, () => {
  let world: World;
  let admin: Redis;
  const clients: RedisClient[] = [];
  const prefixes: string[] = [];
  beforeAll(async () => {
    world = await loadWorld();
    admin = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    for (const p of prefixes) await dropPrefix(admin, p);
    for (const c of clients) c.disconnect();
    admin.disconnect();
  });

  /** One "process": its own Redis connection, case store, outbox and desk. */
  async function process(prefix: string, outboxOverride?: (o: Outbox) => Outbox) {
    const redis = createRedis(REDIS_URL);
    clients.push(redis);
    await waitReady(redis);
    const cases = new RedisCaseStore(redis, prefix);
    const real = new RedisOutbox({ redis, prefix, leaseMs: 500 });
    const outbox = outboxOverride ? outboxOverride(real) : real;
    const desk = new Desk(cases, outbox, world, {
      ...DEFAULT_DESK_CONFIG,
      fallbackGroup: GROUP,
      secret: "s",
    });
    return { desk, cases, outbox: real };
  }

  const open = (desk: Desk, user: number) =>
    desk.userEffect(
      user,
      {
        type: "case-open",
        caseType: "email",
        fields: { nip: "198609262015051001", nama: "Budi", "email-baru": "b@x.id" },
        instansi: "32.01",
      },
      NOW,
    );

  it("a kill between saving a case and notifying HR: the card reaches the group after restart, once", async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    // Process A saves the case, then dies before its outbox write.
    const a = await process(prefix, (real) => ({
      ...real,
      enqueue: async () => Promise.reject(new Error("killed")),
      drain: real.drain.bind(real),
      pending: real.pending.bind(real),
      dead: real.dead.bind(real),
    }));
    await expect(open(a.desk, 501)).rejects.toThrow("killed");
    expect(await a.cases.openOf(501)).toBe("1");
    expect(await a.outbox.pending()).toBe(0);

    // Process B starts: its periodic tick finds the open case without a card and announces it.
    const b = await process(prefix);
    const sent: OutboxItem[] = [];
    const send = async (item: OutboxItem): Promise<SendOutcome> => {
      sent.push(item);
      return { ok: true, result: { message_id: 9000 + sent.length } };
    };
    for (let i = 0; i < 3; i++) {
      await b.desk.tick(NOW + i * 1000);
      await b.outbox.drain(NOW + i * 2000, send, (item, res) => b.desk.onDelivered(item, res, NOW));
    }
    const cards = sent.filter((i) => String(i.payload.text).startsWith("📨 Kasus #1"));
    expect(cards).toHaveLength(1);
    expect(cards[0]?.chatId).toBe(GROUP);
    expect((await b.cases.get("1"))?.card).toBe(9001);
  });

  it("a case opened while Telegram refuses (429, then 500) arrives once when Telegram recovers", async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const p = await process(prefix);
    await open(p.desk, 502);
    const answers: SendOutcome[] = [
      { ok: false, permanent: false, retryAfterSeconds: 3, description: "Too Many Requests" },
      { ok: false, permanent: false, description: "Internal Server Error" },
    ];
    const delivered: OutboxItem[] = [];
    const deliver = (item: OutboxItem): SendOutcome => {
      delivered.push(item);
      return { ok: true, result: { message_id: delivered.length } };
    };
    let now = NOW;
    for (let i = 0; i < 20 && delivered.length === 0; i++) {
      const result = await p.outbox.drain(
        now,
        async (item) => answers.shift() ?? deliver(item),
        (item, res) => p.desk.onDelivered(item, res, now),
      );
      now = Math.max(now + 500, result.nextDueAt ?? now + 500);
      await p.desk.tick(now); // recovery must not duplicate a card that is still pending
    }
    expect(answers).toEqual([]);
    expect(delivered.filter((i) => String(i.payload.text).startsWith("📨 Kasus #1"))).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      now += 1000;
      await p.desk.tick(now);
      await p.outbox.drain(now, async (item) => deliver(item));
    }
    expect(delivered.filter((i) => String(i.payload.text).startsWith("📨 Kasus #1"))).toHaveLength(1);
  });
});
