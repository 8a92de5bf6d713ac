import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OutboxItem, Sender, SendOutcome } from "../../src/adapters/outbox.ts";
import { createRedis, type RedisClient, waitReady } from "../../src/adapters/redis/connect.ts";
import { RedisOutbox, type RedisOutboxOptions } from "../../src/adapters/redis/outbox.ts";
import { dropPrefix, REDIS_SUITE, REDIS_URL, SKIP_REDIS, testPrefix } from "../helpers/redis.ts";

const T0 = Date.UTC(2026, 10, 24, 3);
const HR_GROUP = -1002000000001;

const caseCard = (n: number, chatId = HR_GROUP): OutboxItem => ({
  id: `case:K-${n}:card`,
  chatId,
  method: "sendMessage",
  payload: { chat_id: chatId, text: `Kasus K-${n}` },
  tag: "card",
});

/** Deterministic pseudo-random numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A fake Telegram transport on a simulated clock. `refuse` may answer instead of accepting. Records
 * every call and every accepted message (what users see), and the most concurrent calls to one chat.
 */
class FakeTransport {
  now = T0;
  readonly calls: { id: string; at: number }[] = [];
  readonly shown: { id: string; chatId: number; at: number; by: string }[] = [];
  maxInFlight = 0;
  /** Calls to a chat before the retry_after of its last 429 was over. */
  early = 0;
  private readonly inFlight = new Map<number, number>();
  private readonly pausedUntil = new Map<number, number>();
  private messageId = 1;

  constructor(private readonly refuse: (item: OutboxItem) => SendOutcome | undefined = () => undefined) {}

  sender(by: string): Sender {
    return async (item) => {
      const at = this.now;
      const busy = (this.inFlight.get(item.chatId) ?? 0) + 1;
      this.inFlight.set(item.chatId, busy);
      this.maxInFlight = Math.max(this.maxInFlight, busy);
      this.calls.push({ id: item.id, at });
      if (at < (this.pausedUntil.get(item.chatId) ?? at)) this.early++;
      await new Promise((resolve) => setImmediate(resolve));
      this.inFlight.set(item.chatId, busy - 1);
      const refused = this.refuse(item);
      if (refused !== undefined) {
        if (!refused.ok && refused.retryAfterSeconds !== undefined) {
          this.pausedUntil.set(item.chatId, at + refused.retryAfterSeconds * 1000);
        }
        return refused;
      }
      this.shown.push({ id: item.id, chatId: item.chatId, at, by });
      return { ok: true, result: { message_id: this.messageId++ } };
    };
  }
}

/** The most of `times` in any half-open window [t, t + windowMs). */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let n = 0;
    for (let j = i; j < sorted.length && sorted[j]! < sorted[i]! + windowMs; j++) n++;
    most = Math.max(most, n);
  }
  return most;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(SKIP_REDIS)(`RedisOutbox (${REDIS_SUITE})`, () => {
  let admin: Redis;
  const clients: RedisClient[] = [];
  const prefixes: string[] = [];

  /** A fresh client, as a separate bot process would have. */
  const connect = async (): Promise<RedisClient> => {
    const client = createRedis(REDIS_URL);
    clients.push(client);
    await waitReady(client);
    return client;
  };
  const freshPrefix = () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    return prefix;
  };
  const outbox = async (prefix: string, options: Partial<RedisOutboxOptions> = {}) =>
    new RedisOutbox({ redis: await connect(), prefix, ...options });

  beforeAll(async () => {
    admin = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    for (const prefix of prefixes.splice(0)) await dropPrefix(admin, prefix);
  });
  afterAll(async () => {
    admin.disconnect();
  });

  it("delivers 500 cases opened within a minute to one group under 429s: each once, in order, ≤ 20 per 60 s, from two processes", async () => {
    const prefix = freshPrefix();
    const [a, b] = [await outbox(prefix), await outbox(prefix)];
    const random = mulberry32(20_261_124);
    let refusals = 0;
    const telegram = new FakeTransport(() => {
      if (random() >= 0.2) return undefined;
      refusals++;
      const seconds = 1 + Math.floor(random() * 5);
      return {
        ok: false,
        retryAfterSeconds: seconds,
        permanent: false,
        description: `Too Many Requests: retry after ${seconds}`,
      };
    });
    const CASES = 500;
    const openedAt = (n: number) => T0 + Math.floor((n * 60_000) / CASES);
    const delivered: string[] = [];
    const onDelivered = async (item: OutboxItem, result: unknown) => {
      expect(result).toMatchObject({ message_id: expect.any(Number) });
      delivered.push(item.id);
    };

    let now = T0;
    let opened = 0;
    let rounds = 0;
    for (;;) {
      rounds++;
      expect(rounds).toBeLessThan(20_000);
      const batch: OutboxItem[] = [];
      while (opened < CASES && openedAt(opened) <= now) batch.push(caseCard(opened++));
      // Cases are opened on either process.
      if (batch.length > 0) await (rounds % 2 === 0 ? a : b).enqueue(batch, now);
      telegram.now = now;
      // Both processes drain at once; which one asks Redis first alternates.
      const [first, second] = rounds % 2 === 0 ? [a, b] : [b, a];
      const results = await Promise.all([
        first.drain(now, telegram.sender(first === a ? "A" : "B"), onDelivered),
        second.drain(now, telegram.sender(second === a ? "A" : "B"), onDelivered),
      ]);
      if (opened === CASES && (await a.pending()) === 0) break;
      const candidates = results.flatMap((r) => (r.nextDueAt === undefined ? [] : [r.nextDueAt]));
      if (opened < CASES) candidates.push(openedAt(opened));
      now = Math.max(now + 1, candidates.length > 0 ? Math.min(...candidates) : now + 1_000);
    }

    const ids = Array.from({ length: CASES }, (_, n) => caseCard(n).id);
    expect(telegram.shown.map((s) => s.id)).toEqual(ids);
    expect(delivered).toEqual(ids);
    expect(
      busiestWindow(
        telegram.shown.map((s) => s.at),
        60_000,
      ),
    ).toBeLessThanOrEqual(20);
    expect(
      busiestWindow(
        telegram.calls.map((c) => c.at),
        60_000,
      ),
    ).toBeLessThanOrEqual(20);
    expect(telegram.maxInFlight).toBe(1);
    expect(refusals).toBeGreaterThan(50);
    expect(telegram.early).toBe(0);
    expect(new Set(telegram.shown.map((s) => s.by))).toEqual(new Set(["A", "B"]));
    // Every case got through within what the limit allows (500 / 20 per minute, plus the 429 pauses).
    expect(now - T0).toBeLessThan(45 * 60_000);

    const k = a.keys();
    expect(await a.pending()).toBe(0);
    expect(await admin.zcard(k.due)).toBe(0);
    expect(await admin.exists(k.queue(HR_GROUP), k.lease(HR_GROUP), k.item(ids[0]!))).toBe(0);
    expect(await admin.exists(k.done(ids[0]!), k.done(ids[CASES - 1]!))).toBe(2);
  }, 60_000);

  it("delivers a case once after the process dies mid-send, when its lease lapses", async () => {
    const prefix = freshPrefix();
    const leaseMs = 1_000;
    const a = await outbox(prefix, { leaseMs });
    const telegram = new FakeTransport();
    await a.enqueue([caseCard(7), caseCard(8)], T0);

    // Process A claims the card and dies inside the Telegram call: the call never returns.
    let inSend!: () => void;
    const sending = new Promise<void>((resolve) => {
      inSend = resolve;
    });
    void a.drain(T0, () => {
      inSend();
      return new Promise<SendOutcome>(() => {});
    });
    await sending;
    clients[0]!.disconnect();

    // Process B starts. While A's lease holds (Redis time), B leaves the chat alone, however late its
    // clock says it is (FIFO: K-8 waits behind K-7).
    const b = await outbox(prefix, { leaseMs });
    const early = await b.drain(T0 + 5_000, telegram.sender("B"));
    expect(early).toMatchObject({ sent: 0, retried: 0, failed: 0 });
    expect(early.nextDueAt).toBeGreaterThan(T0 + 5_000);
    expect(telegram.calls).toEqual([]);

    await sleep(leaseMs + 100);
    const late = await b.drain(T0 + 10_000, telegram.sender("B"));
    expect(late).toMatchObject({ sent: 2, retried: 0, failed: 0 });
    expect(telegram.shown.map((s) => s.id)).toEqual(["case:K-7:card", "case:K-8:card"]);
    expect(await b.pending()).toBe(0);
    expect((await b.drain(T0 + 60_000, telegram.sender("B"))).sent).toBe(0);
  });

  it("lets one process at a time send to a chat: a slow send holds its lease", async () => {
    const prefix = freshPrefix();
    const [a, b] = [await outbox(prefix), await outbox(prefix)];
    const telegram = new FakeTransport();
    await a.enqueue([caseCard(1), caseCard(2), caseCard(3)], T0);
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let inSend!: () => void;
    const sending = new Promise<void>((resolve) => {
      inSend = resolve;
    });
    const slow = telegram.sender("A");
    const draining = a.drain(T0, async (item) => {
      inSend();
      await gate;
      return slow(item);
    });
    await sending;
    // B's clock is far ahead (past the chat's due time); the lease still stops it.
    telegram.now = T0 + 120_000;
    expect(await b.drain(T0 + 120_000, telegram.sender("B"))).toMatchObject({ sent: 0 });
    finish();
    expect(await draining).toEqual({ sent: 3, retried: 0, failed: 0 });
    expect(telegram.shown.map((s) => `${s.id}/${s.by}`)).toEqual([
      "case:K-1:card/A",
      "case:K-2:card/A",
      "case:K-3:card/A",
    ]);
  });

  it("delivers a case opened while Telegram refuses, once, after a restart", async () => {
    const prefix = freshPrefix();
    const a = await outbox(prefix);
    let down = true;
    const telegram = new FakeTransport(() =>
      down
        ? { ok: false, retryAfterSeconds: 30, permanent: false, description: "Too Many Requests" }
        : undefined,
    );
    await a.enqueue([caseCard(1)], T0);
    expect(await a.drain(T0, telegram.sender("A"))).toEqual({
      sent: 0,
      retried: 1,
      failed: 0,
      nextDueAt: T0 + 30_000,
    });
    // A saves a second case and dies before notifying anyone.
    await a.enqueue([caseCard(2)], T0 + 1_000);
    clients[0]!.disconnect();

    down = false;
    const b = await outbox(prefix);
    expect(await b.pending()).toBe(2);
    expect((await b.drain(T0 + 29_999, telegram.sender("B"))).sent).toBe(0);
    expect(await b.drain(T0 + 30_000, telegram.sender("B"))).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(telegram.shown.map((s) => s.id)).toEqual(["case:K-1:card", "case:K-2:card"]);
  });

  it("delivers an id enqueued by two processes once, and ignores it once delivered", async () => {
    const prefix = freshPrefix();
    const [a, b] = [await outbox(prefix), await outbox(prefix)];
    const telegram = new FakeTransport();
    await Promise.all([a.enqueue([caseCard(3)], T0), b.enqueue([caseCard(3)], T0)]);
    await b.enqueue([caseCard(3), caseCard(3)], T0 + 1);
    expect(await a.pending()).toBe(1);
    await Promise.all([a.drain(T0, telegram.sender("A")), b.drain(T0, telegram.sender("B"))]);
    await a.enqueue([caseCard(3)], T0 + 2_000);
    expect(await b.pending()).toBe(0);
    await Promise.all([a.drain(T0 + 2_000, telegram.sender("A")), b.drain(T0 + 2_000, telegram.sender("B"))]);
    expect(telegram.shown.map((s) => s.id)).toEqual(["case:K-3:card"]);
  });

  it("shares backoff state and dead letters between processes", async () => {
    const prefix = freshPrefix();
    const [a, b] = [await outbox(prefix), await outbox(prefix)];
    const user = 777;
    const answers: SendOutcome[] = [
      { ok: false, permanent: false, description: "Bad Gateway" },
      { ok: false, permanent: false, description: "Bad Gateway" },
      { ok: false, permanent: true, description: "Forbidden: bot was blocked by the user" },
    ];
    const telegram = new FakeTransport((item) => (item.id === "relay:1" ? answers.shift() : undefined));
    const relay = (id: string): OutboxItem => ({
      id,
      chatId: user,
      method: "copyMessage",
      payload: { chat_id: user, from_chat_id: HR_GROUP, message_id: 5 },
    });
    await a.enqueue([relay("relay:1"), relay("relay:2")], T0);
    const drain = (o: RedisOutbox, now: number) => {
      telegram.now = now;
      return o.drain(now, telegram.sender(o === a ? "A" : "B"));
    };
    // 5xx: retried after 1 s, then 2 s (the attempt count lives in Redis, whichever process drains).
    expect(await drain(a, T0)).toEqual({ sent: 0, retried: 1, failed: 0, nextDueAt: T0 + 1_000 });
    expect(await drain(b, T0 + 1_000)).toEqual({ sent: 0, retried: 1, failed: 0, nextDueAt: T0 + 3_000 });
    expect((await drain(a, T0 + 2_999)).sent).toBe(0);
    // 403: dead letter, and the user's next message goes out after the private gap.
    expect(await drain(a, T0 + 3_000)).toEqual({ sent: 0, retried: 0, failed: 1, nextDueAt: T0 + 4_000 });
    expect(await drain(b, T0 + 4_000)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(telegram.calls.map((c) => `${c.id}@${c.at - T0}`)).toEqual([
      "relay:1@0",
      "relay:1@1000",
      "relay:1@3000",
      "relay:2@4000",
    ]);
    const dead = await b.dead(5);
    expect(dead).toEqual([
      {
        item: { ...relay("relay:1"), enqueuedAt: T0 },
        description: "Forbidden: bot was blocked by the user",
        at: T0 + 3_000,
      },
    ]);
  });

  it("keeps every key under the prefix and one hash tag (Cluster-safe)", async () => {
    const prefix = freshPrefix();
    const o = await outbox(prefix);
    const k = o.keys();
    for (const key of [
      k.due,
      k.global,
      k.count,
      k.dead,
      k.item("x"),
      k.done("x"),
      k.queue(1),
      k.window(1),
      k.lease(1),
    ]) {
      expect(key.startsWith(`${prefix}:{ob}:`)).toBe(true);
    }
  });
});
