import { type RedisClient, waitReady } from "../adapters/redis/connect.ts";
import { type Case, isOpen } from "../core/desk/case.ts";
import { type CaseStore, type GroupMeta, parseCase } from "./case-store.ts";

const LINK_TTL_S = 180 * 24 * 3600;

/**
 * Cases in Redis. Keys (prefix "pandu"): `case:<id>` JSON; `case:seq`;
 * `case:all` zset by creation time; `case:open` set; `case:user:<user>` the
 * user's open case; `case:msg:<group>:<message>` and `case:topic:<group>:<topic>`
 * (180 days); `route:<instansi>` → group and `route-of:<group>` set;
 * `group:<group>` meta; `rl:<key>:<window>` counters.
 */
export class RedisCaseStore implements CaseStore {
  /** WATCH is per connection: updates use their own connection, one at a time in this process. */
  private txn?: RedisClient;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = "pandu",
  ) {}

  async close(): Promise<void> {
    this.txn?.disconnect();
  }

  private k(...parts: (string | number)[]): string {
    return [this.prefix, ...parts].join(":");
  }

  async nextId(): Promise<string> {
    return String(await this.redis.incr(this.k("case", "seq")));
  }

  async get(id: string): Promise<Case | undefined> {
    const raw = await this.redis.get(this.k("case", id));
    return raw === null ? undefined : parseJsonCase(raw);
  }

  async save(c: Case): Promise<void> {
    await this.writeIn(this.redis.multi(), c).exec();
  }

  private writeIn(multi: ReturnType<RedisClient["multi"]>, c: Case) {
    multi.set(this.k("case", c.id), JSON.stringify(c)).zadd(this.k("case", "all"), c.createdAt, c.id);
    if (isOpen(c)) multi.sadd(this.k("case", "open"), c.id).set(this.k("case", "user", c.user), c.id);
    else multi.srem(this.k("case", "open"), c.id);
    return multi;
  }

  update(id: string, change: (c: Case) => Case | undefined): Promise<Case | undefined> {
    const run = this.queue.then(() => this.updateNow(id, change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async updateNow(id: string, change: (c: Case) => Case | undefined): Promise<Case | undefined> {
    const key = this.k("case", id);
    if (this.txn === undefined) {
      this.txn = (this.redis as { duplicate(): RedisClient }).duplicate();
      this.txn.on("error", () => {}); // reported by the main client's handler already
    }
    const txn = this.txn;
    await waitReady(txn);
    // Optimistic concurrency: WATCH the case, retry when another process changed it first.
    for (let attempt = 0; attempt < 10; attempt++) {
      const client = txn as unknown as { watch(k: string): Promise<unknown>; unwatch(): Promise<unknown> };
      await client.watch(key);
      const raw = await txn.get(key);
      const current = raw === null ? undefined : parseJsonCase(raw);
      const next = current === undefined ? undefined : change(current);
      if (next === undefined) {
        await client.unwatch();
        return undefined;
      }
      const multi = this.writeIn(txn.multi(), next);
      if (current !== undefined && isOpen(current) && !isOpen(next)) {
        // Drop the user's open-case pointer only if it still points at this case.
        multi.eval(
          "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 1",
          1,
          this.k("case", "user", next.user),
          next.id,
        );
      }
      const result = await multi.exec();
      if (result !== null) return next;
    }
    throw new Error(`case ${id}: too many concurrent updates`);
  }

  async openOf(user: number): Promise<string | undefined> {
    const id = await this.redis.get(this.k("case", "user", user));
    if (id === null) return undefined;
    const c = await this.get(id);
    return c !== undefined && isOpen(c) ? id : undefined;
  }

  async openCases(): Promise<Case[]> {
    return this.many(await this.redis.smembers(this.k("case", "open")));
  }

  async allCases(): Promise<Case[]> {
    return this.many(await this.redis.zrange(this.k("case", "all"), 0, -1));
  }

  private async many(ids: string[]): Promise<Case[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.k("case", id)));
    return raws.flatMap((raw) => (raw === null ? [] : (parseJsonCase(raw) ?? [])));
  }

  async remove(id: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.k("case", id))
      .zrem(this.k("case", "all"), id)
      .srem(this.k("case", "open"), id)
      .exec();
  }

  async casesOf(user: number): Promise<string[]> {
    return (await this.allCases()).filter((c) => c.user === user).map((c) => c.id);
  }

  async linkMessage(group: number, messageId: number, caseId: string): Promise<void> {
    await this.redis.set(this.k("case", "msg", group, messageId), caseId, "EX", LINK_TTL_S);
  }
  async caseOfMessage(group: number, messageId: number): Promise<string | undefined> {
    return (await this.redis.get(this.k("case", "msg", group, messageId))) ?? undefined;
  }
  async linkTopic(group: number, topic: number, caseId: string): Promise<void> {
    await this.redis.set(this.k("case", "topic", group, topic), caseId, "EX", LINK_TTL_S);
  }
  async caseOfTopic(group: number, topic: number): Promise<string | undefined> {
    return (await this.redis.get(this.k("case", "topic", group, topic))) ?? undefined;
  }

  async route(instansi: string): Promise<number | undefined> {
    const g = await this.redis.get(this.k("route", instansi));
    return g === null ? undefined : Number(g);
  }
  async link(group: number, instansi: string[]): Promise<Record<string, number>> {
    const moved: Record<string, number> = {};
    for (const id of instansi) {
      const before = await this.route(id);
      const multi = this.redis
        .multi()
        .set(this.k("route", id), String(group))
        .sadd(this.k("route-of", group), id);
      if (before !== undefined && before !== group) {
        moved[id] = before;
        multi.srem(this.k("route-of", before), id);
      }
      await multi.exec();
    }
    return moved;
  }
  async unlink(group: number, instansi?: string[]): Promise<string[]> {
    const mine = await this.routesOf(group);
    const drop = instansi === undefined ? mine : mine.filter((id) => instansi.includes(id));
    if (drop.length > 0) {
      await this.redis
        .multi()
        .del(...drop.map((id) => this.k("route", id)))
        .srem(this.k("route-of", group), ...drop)
        .exec();
    }
    return drop;
  }
  async routesOf(group: number): Promise<string[]> {
    return (await this.redis.smembers(this.k("route-of", group))).sort();
  }
  async setGroup(group: number, meta: GroupMeta): Promise<void> {
    await this.redis.set(this.k("group", group), JSON.stringify(meta));
  }
  async group(group: number): Promise<GroupMeta | undefined> {
    const raw = await this.redis.get(this.k("group", group));
    if (raw === null) return undefined;
    try {
      const v = JSON.parse(raw) as GroupMeta;
      return typeof v.forum === "boolean" ? v : undefined;
    } catch {
      return undefined;
    }
  }
  async allow(key: string, limit: number, windowMs: number, now: number): Promise<boolean> {
    const window = Math.floor(now / windowMs);
    const k = this.k("rl", key, window);
    const [[, count]] = (await this.redis
      .multi()
      .incr(k)
      .pexpire(k, windowMs * 2)
      .exec()) as [[unknown, number]];
    return count <= limit;
  }
}

function parseJsonCase(raw: string): Case | undefined {
  try {
    return parseCase(JSON.parse(raw));
  } catch {
    return undefined;
  }
}
