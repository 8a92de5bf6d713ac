import { randomBytes } from "node:crypto";
import {
  type AcquireResult,
  type ChatStore,
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

// KEYS: lock, session, recent-updates. ARGV: token, session json ('' deletes), ttl s, update id, dedupe ttl s, keep n.
const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3]) end
local recent = redis.call('GET', KEYS[3])
local list = {}
if recent then for id in string.gmatch(recent, '[^,]+') do list[#list + 1] = id end end
list[#list + 1] = ARGV[4]
local keep = tonumber(ARGV[6])
while #list > keep do table.remove(list, 1) end
redis.call('SET', KEYS[3], table.concat(list, ','), 'EX', ARGV[5])
redis.call('DEL', KEYS[1])
return 1`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
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

  constructor(private readonly options: RedisChatStoreOptions) {
    this.prefix = options.prefix ?? "pandu";
    const redis = options.redis as Scripted;
    if (typeof redis.panduAcquire !== "function") {
      redis.defineCommand("panduAcquire", { numberOfKeys: 3, lua: ACQUIRE });
      redis.defineCommand("panduCommit", { numberOfKeys: 3, lua: COMMIT });
      redis.defineCommand("panduRelease", { numberOfKeys: 1, lua: RELEASE });
    }
    this.redis = redis;
  }

  /** The keys of one chat: session, lock, recent update ids. */
  keys(chat: string) {
    const base = `${this.prefix}:{${chat}}`;
    return { session: `${base}:s`, lock: `${base}:l`, recent: `${base}:u` };
  }

  async acquire(chat: string, updateId: number): Promise<AcquireResult> {
    const keys = this.keys(chat);
    const token = randomBytes(9).toString("base64url");
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
    lease.done = true;
    await this.redis.panduRelease(this.keys(lease.chat).lock, lease.token);
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
