import { randomBytes } from "node:crypto";
import { Cluster } from "ioredis";
import {
  type AcquireResult,
  type AdmitOptions,
  type AdmitResult,
  type ChatStore,
  type ClaimResult,
  FencingError,
  type Lease,
  LockTimeoutError,
} from "../../stores.ts";
import type { RedisClient } from "./connect.ts";

export interface RedisChatStoreOptions {
  redis: RedisClient;
  /** Key prefix (default "pandu"). */
  prefix?: string;
  /** Session TTL, refreshed on every write. */
  ttlSeconds: number;
  /** Lock expiry: a crashed holder frees the chat after this. */
  lockTtlMs?: number;
  /** How long an update waits for a busy chat before LockTimeoutError. */
  lockWaitMs?: number;
  /** How long applied update ids are remembered. */
  dedupeTtlSeconds?: number;
  /** Update ids remembered per chat. */
  recentUpdates?: number;
  /** Observes time spent waiting for a lock (seconds). */
  onLockWait?: (seconds: number) => void;
  /** An inbox left this long with its lock free counts as stranded (default 2 s: not one being taken in). */
  strandedAfterMs?: number;
}

// KEYS: lock, session, recent-updates. ARGV: token, lock ttl ms, update id.
// Returns {2} duplicate, {1, session|false} acquired, {0, pttl} busy.
const ACQUIRE = `
local recent = redis.call('GET', KEYS[3])
if recent and string.find(',' .. recent .. ',', ',' .. ARGV[3] .. ',', 1, true) then return {2} end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('GET', KEYS[2])}
end
return {0, redis.call('PTTL', KEYS[1])}`;

// The update id (ARGV[4]) joins the chat's recent ids (KEYS[3]): the last ARGV[6] kept, for ARGV[5] s.
const REMEMBER_UPDATE = `local recent = redis.call('GET', KEYS[3])
local list = {}
if recent then for id in string.gmatch(recent, '[^,]+') do list[#list + 1] = id end end
list[#list + 1] = ARGV[4]
local keep = tonumber(ARGV[6])
while #list > keep do table.remove(list, 1) end
redis.call('SET', KEYS[3], table.concat(list, ','), 'EX', ARGV[5])`;

// KEYS: lock, session, recent-updates. ARGV: token, session json ('' deletes), ttl s, update id, dedupe ttl s, keep n.
const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3]) end
${REMEMBER_UPDATE}
redis.call('DEL', KEYS[1])
return 1`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// The inbox: a list per chat of "<update id> <payload>", oldest first. The head is the update
// being handled (or next); it leaves the list only in the script that marks it applied.
const NOW_MS = `local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

// KEYS: lock, session, recent, inbox, notice[, index]. ARGV: update id, item, limit, notice ms,
// claim (1/0), token, lock ttl ms, inbox ttl s, chat. With the index key (not on a Cluster), a first
// update also enters the chat in the index, in the same script.
// Returns {2} duplicate, {4, notify} full, {0, first, now} queued, {1, first, now, head, session|false} claimed.
const ADMIT = `
local recent = redis.call('GET', KEYS[3])
if recent and string.find(',' .. recent .. ',', ',' .. ARGV[1] .. ',', 1, true) then return {2} end
local items = redis.call('LRANGE', KEYS[4], 0, -1)
local mine = ARGV[1] .. ' '
for i = 1, #items do
  if string.sub(items[i], 1, #mine) == mine then return {2} end
end
if #items >= tonumber(ARGV[3]) then
  if redis.call('SET', KEYS[5], '1', 'NX', 'PX', ARGV[4]) then return {4, 1} end
  return {4, 0}
end
redis.call('RPUSH', KEYS[4], ARGV[2])
redis.call('EXPIRE', KEYS[4], ARGV[8])
${NOW_MS}
local first = 0
if #items == 0 then
  first = 1
  if KEYS[6] then redis.call('ZADD', KEYS[6], now, ARGV[9]) end
end
if ARGV[5] == '1' and redis.call('SET', KEYS[1], ARGV[6], 'NX', 'PX', ARGV[7]) then
  return {1, first, now, items[1] or ARGV[2], redis.call('GET', KEYS[2])}
end
return {0, first, now}`;

// KEYS: lock, session, recent, inbox[, index]. ARGV: token, lock ttl ms, chat.
// Returns {0} busy, {3} empty, {1, head, session|false} claimed.
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
local recent = redis.call('GET', KEYS[3])
local head = redis.call('LINDEX', KEYS[4], 0)
while head do
  local id = string.match(head, '^(%d+) ')
  if recent and id and string.find(',' .. recent .. ',', ',' .. id .. ',', 1, true) then
    redis.call('LPOP', KEYS[4])
    head = redis.call('LINDEX', KEYS[4], 0)
  else
    break
  end
end
if not head then
  if KEYS[5] then redis.call('ZREM', KEYS[5], ARGV[3]) end
  return {3}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, head, redis.call('GET', KEYS[2])}`;

// KEYS: lock, session, recent, inbox[, index]. ARGV: token, session json, ttl s, update id, dedupe ttl s,
// keep n, mode (w: write the session, d: delete it, k: keep it), chat.
// Returns {0} lock lost, {1, waiting} or {1, 0, now} (inbox empty; with the index key, the chat left it).
const COMMIT_INBOX = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end
if ARGV[7] == 'w' then redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
elseif ARGV[7] == 'd' then redis.call('DEL', KEYS[2]) end
${REMEMBER_UPDATE}
local head = redis.call('LINDEX', KEYS[4], 0)
local mine = ARGV[4] .. ' '
if head and string.sub(head, 1, #mine) == mine then redis.call('LPOP', KEYS[4]) end
redis.call('DEL', KEYS[1])
local waiting = redis.call('LLEN', KEYS[4])
if waiting > 0 then return {1, waiting} end
if KEYS[5] then redis.call('ZREM', KEYS[5], ARGV[8]) end
${NOW_MS}
return {1, 0, now}`;

// KEYS: lock. ARGV: token, lock ttl ms.
const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

// KEYS: lock, inbox. Returns {lock exists, inbox length}.
const PROBE = `return {redis.call('EXISTS', KEYS[1]), redis.call('LLEN', KEYS[2])}`;

// KEYS: index. ARGV: chat, score: removes the chat if its score is at most (or exactly, ARGV[3] = 'eq') that.
const UNINDEX = `
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s then return 0 end
if (ARGV[3] == 'eq' and tonumber(s) == tonumber(ARGV[2])) or (ARGV[3] ~= 'eq' and tonumber(s) <= tonumber(ARGV[2])) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0`;

type Scripted = RedisClient & {
  panduAcquire(
    lock: string,
    session: string,
    recent: string,
    token: string,
    ttl: number,
    update: number,
  ): Promise<[number, string | number | null]>;
  panduCommit(
    lock: string,
    session: string,
    recent: string,
    token: string,
    json: string,
    ttl: number,
    update: number,
    dedupeTtl: number,
    keep: number,
  ): Promise<number>;
  panduRelease(lock: string, token: string): Promise<number>;
  // The inbox scripts, keys then arguments (see the scripts above); *Indexed take the index as a last key.
  panduAdmit(
    ...keysThenArgs: (string | number)[]
  ): Promise<[number, number?, number?, string?, (string | null)?]>;
  panduAdmitIndexed(
    ...keysThenArgs: (string | number)[]
  ): Promise<[number, number?, number?, string?, (string | null)?]>;
  panduClaim(...keysThenArgs: (string | number)[]): Promise<[number, string?, (string | null)?]>;
  panduClaimIndexed(...keysThenArgs: (string | number)[]): Promise<[number, string?, (string | null)?]>;
  panduCommitInbox(...keysThenArgs: (string | number)[]): Promise<[number, number?, number?]>;
  panduCommitInboxIndexed(...keysThenArgs: (string | number)[]): Promise<[number, number?, number?]>;
  panduExtend(lock: string, token: string, lockTtl: number): Promise<number>;
  panduProbe(lock: string, inbox: string): Promise<[number, number]>;
  panduUnindex(index: string, chat: string, score: number, mode: "eq" | "le"): Promise<number>;
};

/**
 * Sessions in Redis with a per-chat lock (SET NX PX + token fencing) and
 * update dedupe. Two round trips per update: acquire (dedupe + lock + read) and
 * commit (fence check + write + mark applied + unlock), each one Lua script.
 * Keys of a chat share the {chat} hash tag, so the scripts work on a Cluster.
 */
export class RedisChatStore implements ChatStore {
  private readonly redis: Scripted;
  private readonly prefix: string;
  /** One Redis (not a Cluster): the inbox index is kept inside the scripts. */
  private readonly indexed: boolean;
  private readonly tokenPrefix = randomBytes(9).toString("base64url");
  private tokens = 0;

  constructor(private readonly options: RedisChatStoreOptions) {
    this.prefix = options.prefix ?? "pandu";
    const redis = options.redis as Scripted;
    if (typeof redis.panduAcquire !== "function") {
      redis.defineCommand("panduAcquire", { numberOfKeys: 3, lua: ACQUIRE });
      redis.defineCommand("panduCommit", { numberOfKeys: 3, lua: COMMIT });
      redis.defineCommand("panduRelease", { numberOfKeys: 1, lua: RELEASE });
      redis.defineCommand("panduAdmit", { numberOfKeys: 5, lua: ADMIT });
      redis.defineCommand("panduClaim", { numberOfKeys: 4, lua: CLAIM });
      redis.defineCommand("panduCommitInbox", { numberOfKeys: 4, lua: COMMIT_INBOX });
      // The same scripts with the index as one more key (one Redis, not a Cluster).
      redis.defineCommand("panduAdmitIndexed", { numberOfKeys: 6, lua: ADMIT });
      redis.defineCommand("panduClaimIndexed", { numberOfKeys: 5, lua: CLAIM });
      redis.defineCommand("panduCommitInboxIndexed", { numberOfKeys: 5, lua: COMMIT_INBOX });
      redis.defineCommand("panduExtend", { numberOfKeys: 1, lua: EXTEND });
      redis.defineCommand("panduProbe", { numberOfKeys: 2, lua: PROBE });
      redis.defineCommand("panduUnindex", { numberOfKeys: 1, lua: UNINDEX });
    }
    this.redis = redis;
    this.indexed = !(redis instanceof Cluster);
  }

  readonly durable = true;

  /** The keys of one chat: session, lock, recent update ids, inbox, flood-notice marker. */
  keys(chat: string) {
    const base = `${this.prefix}:{${chat}}`;
    return {
      session: `${base}:s`,
      lock: `${base}:l`,
      recent: `${base}:u`,
      inbox: `${base}:q`,
      notice: `${base}:n`,
    };
  }

  /**
   * Chats whose inbox holds updates (for the crash sweep): one sorted set, score
   * the time of the first update. On one Redis it is kept by the inbox scripts
   * themselves; on a Cluster (other hash slot) it is written after the inbox and
   * removed once the inbox is seen empty, so an inbox with updates always has its entry.
   */
  get indexKey(): string {
    return `${this.prefix}:inboxes`;
  }

  async acquire(chat: string, updateId: number): Promise<AcquireResult> {
    const keys = this.keys(chat);
    const token = this.token();
    const waitMs = this.options.lockWaitMs ?? 5_000;
    const started = performance.now();
    let pause = 5;
    for (;;) {
      const [status, value] = await this.redis.panduAcquire(
        keys.lock,
        keys.session,
        keys.recent,
        token,
        this.options.lockTtlMs ?? 30_000,
        updateId,
      );
      if (status === 2) return { status: "duplicate" };
      if (status === 1) {
        const waited = performance.now() - started;
        if (waited > 1) this.options.onLockWait?.(waited / 1000);
        return {
          status: "acquired",
          lease: { chat, updateId, token, session: parseStored(value), done: false },
        };
      }
      const waited = performance.now() - started;
      if (waited >= waitMs) throw new LockTimeoutError(chat, Math.round(waited));
      const ttl = typeof value === "number" && value > 0 ? value : pause;
      await sleep(Math.min(pause, ttl, waitMs - waited) * (0.75 + Math.random() * 0.5));
      pause = Math.min(pause * 2, 100);
    }
  }

  async commit(lease: Lease, session: unknown): Promise<void> {
    const keys = this.keys(lease.chat);
    const json = session === undefined || session === null ? "" : JSON.stringify(session);
    if (lease.inbox === true) return this.finish(lease, json, json === "" ? "d" : "w");
    const ok = await this.redis.panduCommit(
      keys.lock,
      keys.session,
      keys.recent,
      lease.token,
      json,
      this.options.ttlSeconds,
      lease.updateId,
      this.options.dedupeTtlSeconds ?? 86_400,
      this.options.recentUpdates ?? 16,
    );
    lease.done = true;
    if (ok !== 1) throw new FencingError(lease.chat);
  }

  async release(lease: Lease): Promise<void> {
    if (lease.inbox === true) {
      if (lease.done) return;
      return this.finish(lease, "", "k").catch((err: unknown) => {
        if (!(err instanceof FencingError)) throw err;
      });
    }
    lease.done = true;
    await this.redis.panduRelease(this.keys(lease.chat).lock, lease.token);
  }

  async admit(chat: string, updateId: number, payload: string, options: AdmitOptions): Promise<AdmitResult> {
    const k = this.keys(chat);
    const token = options.claim ? this.token() : "";
    const keys = [k.lock, k.session, k.recent, k.inbox, k.notice];
    const args = [
      updateId,
      `${updateId} ${payload}`,
      options.limit,
      options.noticeMs,
      options.claim ? "1" : "0",
      token,
      this.options.lockTtlMs ?? 30_000,
      this.options.dedupeTtlSeconds ?? 86_400,
      chat,
    ];
    const reply = this.indexed
      ? await this.redis.panduAdmitIndexed(...keys, this.indexKey, ...args)
      : await this.redis.panduAdmit(...keys, ...args);
    const status = reply[0];
    if (status === 2) return { status: "duplicate" };
    if (status === 4) return { status: "full", notify: reply[1] === 1 };
    // On a Cluster the index is written apart, before answering: an inbox with updates always has its entry.
    if (!this.indexed && reply[1] === 1) await this.redis.zadd(this.indexKey, reply[2] ?? 0, chat);
    if (status === 0) return { status: "queued" };
    const claimed = this.toClaim(chat, token, reply[3] ?? "", reply[4]);
    return claimed === undefined ? { status: "queued" } : { status: "claimed", claim: claimed };
  }

  async claim(chat: string): Promise<ClaimResult> {
    const k = this.keys(chat);
    const token = this.token();
    const keys = [k.lock, k.session, k.recent, k.inbox];
    const args = [token, this.options.lockTtlMs ?? 30_000, chat];
    const reply = this.indexed
      ? await this.redis.panduClaimIndexed(...keys, this.indexKey, ...args)
      : await this.redis.panduClaim(...keys, ...args);
    if (reply[0] === 0) return { status: "busy" };
    if (reply[0] === 3) return { status: "empty" };
    const claimed = this.toClaim(chat, token, reply[1] ?? "", reply[2]);
    if (claimed === undefined) return { status: "empty" };
    return { status: "claimed", ...claimed };
  }

  async extend(lease: Lease): Promise<boolean> {
    const lock = this.keys(lease.chat).lock;
    return (await this.redis.panduExtend(lock, lease.token, this.options.lockTtlMs ?? 30_000)) === 1;
  }

  async stranded(limit: number): Promise<string[]> {
    const [seconds = 0, micros = 0] = await this.redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const before = now - (this.options.strandedAfterMs ?? STRANDED_AFTER_MS);
    const entries = await this.redis.zrangebyscore(
      this.indexKey,
      "-inf",
      before,
      "WITHSCORES",
      "LIMIT",
      0,
      limit,
    );
    const indexed: [chat: string, score: string][] = [];
    for (let i = 0; i + 1 < entries.length; i += 2) indexed.push([entries[i]!, entries[i + 1]!]);
    // Probed together (one pipeline with auto-pipelining), not one round trip after another.
    const found = await Promise.all(
      indexed.map(async ([chat, score]) => {
        const keys = this.keys(chat);
        const [locked, waiting] = await this.redis.panduProbe(keys.lock, keys.inbox);
        if (waiting === 0) await this.redis.panduUnindex(this.indexKey, chat, Number(score), "eq");
        return waiting !== 0 && locked === 0 ? [chat] : [];
      }),
    );
    return found.flat();
  }

  /** Commits an inbox lease (mode w/d/k); an empty inbox leaves the index. */
  private async finish(lease: Lease, json: string, mode: "w" | "d" | "k"): Promise<void> {
    const k = this.keys(lease.chat);
    const keys = [k.lock, k.session, k.recent, k.inbox];
    const args = [
      lease.token,
      json,
      this.options.ttlSeconds,
      lease.updateId,
      this.options.dedupeTtlSeconds ?? 86_400,
      this.options.recentUpdates ?? 16,
      mode,
      lease.chat,
    ];
    const reply = this.indexed
      ? await this.redis.panduCommitInboxIndexed(...keys, this.indexKey, ...args)
      : await this.redis.panduCommitInbox(...keys, ...args);
    lease.done = true;
    if (reply[0] !== 1) throw new FencingError(lease.chat);
    lease.waiting = reply[1] ?? 0;
    if (lease.waiting === 0 && !this.indexed) {
      // A hint only: not awaited, and a failure leaves an entry the next sweep removes.
      this.redis.panduUnindex(this.indexKey, lease.chat, reply[2] ?? 0, "le").catch(() => undefined);
    }
  }

  /**
   * A fencing token unique across processes and time: a random prefix per
   * store and a counter (cheaper than random bytes per update).
   */
  private token(): string {
    return `${this.tokenPrefix}${(++this.tokens).toString(36)}`;
  }

  private toClaim(chat: string, token: string, head: string, stored: string | null | undefined) {
    const space = head.indexOf(" ");
    const updateId = Number(head.slice(0, space));
    if (space < 0 || !Number.isSafeInteger(updateId)) return undefined;
    return {
      lease: {
        chat,
        updateId,
        token,
        session: parseStored(stored),
        done: false,
        inbox: true as const,
      },
      payload: head.slice(space + 1),
    };
  }

  async peek(chat: string): Promise<unknown> {
    return parseStored(await this.redis.get(this.keys(chat).session));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** An index entry this old whose chat's lock is free and inbox is not empty is stranded. */
const STRANDED_AFTER_MS = 2_000;

/** Stored text → JSON value; text that is not JSON is passed on as is (decide() recovers from it). */
function parseStored(value: unknown): unknown {
  if (typeof value !== "string") return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(1, ms)));
}
