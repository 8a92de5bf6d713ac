import { randomBytes } from "node:crypto";
import {
  type Claim,
  type ClaimBatch,
  type Completion,
  chatWindow,
  checkItem,
  DEAD_LETTERS_KEPT,
  type DeadLetter,
  type DrainResult,
  drainOutbox,
  globalWindow,
  type Outbox,
  type OutboxBackend,
  type OutboxItem,
  type OutboxLimits,
  outboxLimits,
  type Sender,
  windowStart,
} from "../outbox.ts";
import type { RedisClient } from "./connect.ts";

export interface RedisOutboxOptions {
  redis: RedisClient;
  /** Key prefix (default "pandu"). */
  prefix?: string;
  limits?: Partial<OutboxLimits>;
  /**
   * How long a drain holds a chat while sending to it (Redis PX, real time). A drain that dies mid-send
   * frees the chat after this. Keep it well above the longest send (default 30 s).
   */
  leaseMs?: number;
  /** Chats claimed per round trip (default 25). */
  claimBatch?: number;
}

// Shared by CLAIM and COMPLETE. The global window: trim what is at or before `start` (computed by
// windowStart in TypeScript), then take a slot if fewer than `limit` remain.
const HELPERS = `
local function reserve(gwin, now, limit, start, member, ttl)
  redis.call('ZREMRANGEBYSCORE', gwin, '-inf', start)
  if redis.call('ZCARD', gwin) >= tonumber(limit) then return false end
  redis.call('ZADD', gwin, now, member)
  redis.call('PEXPIRE', gwin, ttl)
  return true
end
local function scores(key)
  local flat = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  local out = {}
  for i = 2, #flat, 2 do out[#out + 1] = flat[i] end
  return out
end
`;

// KEYS: due, count, then (item, done, queue) per item. ARGV: now, then (id, chat, json) per item.
// Per item: skipped if delivered (done) or pending (item exists), else stored, queued, its chat due now
// unless already scheduled. Returns how many were added.
const ENQUEUE = `
local added = 0
for i = 0, (#KEYS - 2) / 3 - 1 do
  local item, done, queue = KEYS[3 + 3 * i], KEYS[4 + 3 * i], KEYS[5 + 3 * i]
  if redis.call('EXISTS', done) == 0 and redis.call('EXISTS', item) == 0 then
    redis.call('HSET', item, 'j', ARGV[4 + 3 * i], 'a', 0)
    redis.call('RPUSH', queue, ARGV[2 + 3 * i])
    redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[3 + 3 * i])
    added = added + 1
  end
end
if added > 0 then redis.call('INCRBY', KEYS[2], added) end
return added`;

// KEYS: due, gwin. ARGV: now, batch, lease ms, token, global limit, global window start, global ttl, base.
// Leases the heads of up to `batch` due chats, one global slot each; a chat leased by another drain is
// pushed back to its lease expiry. The chat stays in due at now + lease ms, so a crashed holder's chat
// comes back. Returns {{chat, id, json, attempts, window scores}…}, earliest due ('' if none), gwin scores.
const CLAIM = `${HELPERS}
local now, token, base = ARGV[1], ARGV[4], ARGV[8]
local claims = {}
for _, chat in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))) do
  local lease = base .. ':lease:' .. chat
  if redis.call('SET', lease, token, 'NX', 'PX', ARGV[3]) then
    local queue = base .. ':q:' .. chat
    local id = redis.call('LINDEX', queue, 0)
    local item = id and redis.call('HMGET', base .. ':item:' .. id, 'j', 'a')
    while id and not item[1] do
      redis.call('LPOP', queue)
      id = redis.call('LINDEX', queue, 0)
      item = id and redis.call('HMGET', base .. ':item:' .. id, 'j', 'a')
    end
    if not id then
      redis.call('ZREM', KEYS[1], chat)
      redis.call('DEL', lease)
    elseif reserve(KEYS[2], now, ARGV[5], ARGV[6], now .. ':' .. token .. ':' .. id, ARGV[7]) then
      redis.call('ZADD', KEYS[1], tonumber(now) + tonumber(ARGV[3]), chat)
      claims[#claims + 1] = {chat, id, item[1], item[2] or '0', scores(base .. ':win:' .. chat)}
    else
      redis.call('DEL', lease)
      break
    end
  else
    local ttl = redis.call('PTTL', lease)
    if ttl > 0 then redis.call('ZADD', KEYS[1], 'XX', 'GT', tonumber(now) + ttl, chat) end
  end
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {claims, first[2] or '', scores(KEYS[2])}`;

// KEYS: due, gwin, count, dead, queue, item, done, lease, win.
// ARGV: token, id, chat, kind (sent|dead|later|retry), now, due at, next ('1'|'0'), done ttl, dead json,
//       window start, window ttl, global limit, global window start, global ttl, base, lease ms, dead kept.
// Records the attempt in the chat's window; sent/dead remove the head (if it is still this item) and mark
// it done / dead-letter it; retry counts the attempt. Only the lease holder (or anyone if the lease
// lapsed unclaimed) reschedules the chat: with next = '1', keeps the lease and returns the next head
// {1, id, json, attempts}; else sets the chat due at `due at` and releases. Returns {0} otherwise.
const COMPLETE = `${HELPERS}
local token, id, chat, kind, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local holder = redis.call('GET', KEYS[8])
local mine = holder == token
local head = redis.call('LINDEX', KEYS[5], 0)
redis.call('ZADD', KEYS[9], now, now .. ':' .. token .. ':' .. id)
redis.call('ZREMRANGEBYSCORE', KEYS[9], '-inf', ARGV[10])
redis.call('PEXPIRE', KEYS[9], ARGV[11])
if kind == 'sent' or kind == 'dead' then
  if head == id then
    redis.call('LPOP', KEYS[5])
    redis.call('DEL', KEYS[6])
    redis.call('DECR', KEYS[3])
    if kind == 'dead' then
      redis.call('LPUSH', KEYS[4], ARGV[9])
      redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[17]) - 1)
    end
  end
  if kind == 'sent' then redis.call('SET', KEYS[7], '1', 'PX', ARGV[8]) end
elseif kind == 'retry' and head == id and (mine or not holder) then
  redis.call('HINCRBY', KEYS[6], 'a', 1)
end
if holder and not mine then return {0} end
local nextId = redis.call('LINDEX', KEYS[5], 0)
if not nextId then
  redis.call('ZREM', KEYS[1], chat)
  if mine then redis.call('DEL', KEYS[8]) end
  return {0}
end
if ARGV[7] == '1' then
  local item = redis.call('HMGET', ARGV[15] .. ':item:' .. nextId, 'j', 'a')
  if item[1] and reserve(KEYS[2], now, ARGV[12], ARGV[13], now .. ':' .. token .. ':' .. nextId, ARGV[14]) then
    redis.call('SET', KEYS[8], token, 'PX', ARGV[16])
    redis.call('ZADD', KEYS[1], tonumber(now) + tonumber(ARGV[16]), chat)
    return {1, nextId, item[1], item[2] or '0'}
  end
end
redis.call('ZADD', KEYS[1], ARGV[6], chat)
if mine then redis.call('DEL', KEYS[8]) end
return {0}`;

// KEYS: lease, due, queue. ARGV: token, chat, due at. Gives a claim back unsent (fenced by the token).
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
else redis.call('ZREM', KEYS[2], ARGV[2]) end
return 1`;

type RawClaim = [string, string, string, string, string[]];

type Scripted = RedisClient & {
  panduObEnqueue(numKeys: number, ...args: (string | number)[]): Promise<number>;
  panduObClaim(
    due: string,
    gwin: string,
    now: number,
    batch: number,
    leaseMs: number,
    token: string,
    globalLimit: number,
    globalStart: number,
    globalTtl: number,
    base: string,
  ): Promise<[RawClaim[], string, string[]]>;
  panduObComplete(...args: (string | number)[]): Promise<[0] | [1, string, string, string]>;
  panduObRelease(
    lease: string,
    due: string,
    queue: string,
    token: string,
    chat: string,
    dueAt: number,
  ): Promise<number>;
};

/**
 * The outbox in Redis: durable, shared by every bot process.
 *
 * Keys (all under one hash tag, so the scripts run on a Cluster; the outbox lives on one shard):
 *   P:{ob}:item:<id>     hash j = item JSON, a = retryable failures so far       until sent or dead
 *   P:{ob}:q:<chat>      list of ids, FIFO                                       until empty
 *   P:{ob}:due           zset chat → when it is due next (only chats with items)
 *   P:{ob}:win:<chat>    zset of the chat's attempt times in its rate window     window + 60 s
 *   P:{ob}:gwin          zset of attempt times in the global 1 s window          61 s
 *   P:{ob}:done:<id>     delivered marker (idempotency)                          doneTtlMs
 *   P:{ob}:dead          list of dead letters, newest first, 1000 kept
 *   P:{ob}:lease:<chat>  token of the drain sending to the chat (SET NX PX)      leaseMs
 *   P:{ob}:n             number of pending items
 *
 * Round trips: enqueue is one script call per batch. A drain costs one CLAIM per up to `claimBatch`
 * chats, one COMPLETE per attempt (which also leases the chat's next head when it may go out at once, so a
 * group's burst costs one round trip per message) and a final CLAIM that finds nothing more.
 *
 * Delivery is at-least-once in one window only: a drain that dies (or stalls past leaseMs) after Telegram
 * accepted a message but before COMPLETE leaves the item at the head of its queue; once the lease lapses
 * the next drain sends it again. Everything else is exactly once: the head is removed and marked done in
 * the same script, enqueue skips done and pending ids, and a chat has one sender at a time.
 *
 * Rate windows use the `now` the callers pass (processes should share a clock, NTP); leases, done markers
 * and key expiries use Redis time.
 */
export class RedisOutbox implements Outbox {
  readonly limits: OutboxLimits;
  private readonly redis: Scripted;
  private readonly base: string;
  private readonly leaseMs: number;
  private readonly claimBatch: number;
  private readonly backend: OutboxBackend;

  constructor(options: RedisOutboxOptions) {
    this.limits = outboxLimits(options.limits);
    this.base = `${options.prefix ?? "pandu"}:{ob}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.claimBatch = options.claimBatch ?? 25;
    const redis = options.redis as Scripted;
    if (typeof redis.panduObClaim !== "function") {
      redis.defineCommand("panduObEnqueue", { lua: ENQUEUE });
      redis.defineCommand("panduObClaim", { numberOfKeys: 2, lua: CLAIM });
      redis.defineCommand("panduObComplete", { numberOfKeys: 9, lua: COMPLETE });
      redis.defineCommand("panduObRelease", { numberOfKeys: 3, lua: RELEASE });
    }
    this.redis = redis;
    this.backend = {
      claim: (now) => this.claim(now),
      complete: (claim, completion, now) => this.complete(claim, completion, now),
      release: (claim, dueAt) => this.release(claim, dueAt),
    };
  }

  /** The outbox's keys. */
  keys() {
    const b = this.base;
    return {
      due: `${b}:due`,
      global: `${b}:gwin`,
      count: `${b}:n`,
      dead: `${b}:dead`,
      item: (id: string) => `${b}:item:${id}`,
      done: (id: string) => `${b}:done:${id}`,
      queue: (chatId: number | string) => `${b}:q:${chatId}`,
      window: (chatId: number | string) => `${b}:win:${chatId}`,
      lease: (chatId: number | string) => `${b}:lease:${chatId}`,
    };
  }

  async enqueue(items: OutboxItem[], now: number): Promise<void> {
    items.forEach(checkItem);
    if (items.length === 0) return;
    const k = this.keys();
    const keys: string[] = [k.due, k.count];
    const args: (string | number)[] = [now];
    for (const item of items) {
      keys.push(k.item(item.id), k.done(item.id), k.queue(item.chatId));
      args.push(item.id, item.chatId, JSON.stringify({ ...item, enqueuedAt: now }));
    }
    await this.redis.panduObEnqueue(keys.length, ...keys, ...args);
  }

  drain(
    now: number,
    send: Sender,
    onDelivered?: (item: OutboxItem, result: unknown) => Promise<void>,
  ): Promise<DrainResult> {
    return drainOutbox(this.backend, this.limits, now, send, onDelivered);
  }

  async pending(): Promise<number> {
    return Math.max(0, Number(await this.redis.get(this.keys().count)) || 0);
  }

  async dead(limit: number): Promise<DeadLetter[]> {
    if (limit <= 0) return [];
    const raw = await this.redis.lrange(this.keys().dead, 0, limit - 1);
    return raw.flatMap((json) => {
      try {
        return [JSON.parse(json) as DeadLetter];
      } catch {
        return [];
      }
    });
  }

  /** Quits the client (as RedisChatStore.close does): do not call it on a client still used elsewhere. */
  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async claim(now: number): Promise<ClaimBatch> {
    const k = this.keys();
    const token = randomBytes(9).toString("base64url");
    const global = globalWindow(this.limits);
    const [raw, first, globalTimes] = await this.redis.panduObClaim(
      k.due,
      k.global,
      now,
      this.claimBatch,
      this.leaseMs,
      token,
      global.limit,
      windowStart(global, now),
      global.windowMs + 60_000,
      this.base,
    );
    const claims = raw.map(([, , json, attempts, window]): Claim => {
      const item = JSON.parse(json) as OutboxItem;
      return { chatId: item.chatId, item, attempts: Number(attempts), window: window.map(Number), token };
    });
    return {
      claims,
      globalTimes: globalTimes.map(Number),
      ...(first === "" ? {} : { earliestDue: Number(first) }),
    };
  }

  private async complete(claim: Claim, completion: Completion, now: number) {
    const k = this.keys();
    const { item } = claim;
    const { step } = completion;
    const window = chatWindow(claim.chatId, this.limits);
    const global = globalWindow(this.limits);
    const deadJson =
      step.kind === "dead"
        ? JSON.stringify({ item, description: step.description, at: now } satisfies DeadLetter)
        : "";
    const reply = await this.redis.panduObComplete(
      k.due,
      k.global,
      k.count,
      k.dead,
      k.queue(claim.chatId),
      k.item(item.id),
      k.done(item.id),
      k.lease(claim.chatId),
      k.window(claim.chatId),
      claim.token,
      item.id,
      claim.chatId,
      step.kind,
      now,
      completion.dueAt,
      completion.next ? "1" : "0",
      Math.max(1, this.limits.doneTtlMs),
      deadJson,
      windowStart(window, now),
      window.windowMs + 60_000,
      global.limit,
      windowStart(global, now),
      global.windowMs + 60_000,
      this.base,
      this.leaseMs,
      DEAD_LETTERS_KEPT,
    );
    if (reply[0] !== 1) return undefined;
    return { item: JSON.parse(reply[2]) as OutboxItem, attempts: Number(reply[3]) };
  }

  private async release(claim: Claim, dueAt: number): Promise<void> {
    const k = this.keys();
    await this.redis.panduObRelease(
      k.lease(claim.chatId),
      k.due,
      k.queue(claim.chatId),
      claim.token,
      String(claim.chatId),
      dueAt,
    );
  }
}
