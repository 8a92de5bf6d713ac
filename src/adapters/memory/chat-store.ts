import type {
  AcquireResult,
  AdmitOptions,
  AdmitResult,
  ChatStore,
  Claim,
  ClaimResult,
  Lease,
} from "../../stores.ts";

export interface MemoryChatStoreOptions {
  ttlSeconds: number;
  now?: () => number;
  /** Update ids remembered per chat for dedupe. */
  recentUpdates?: number;
}

interface Entry {
  json?: string | undefined;
  expiresAt: number;
  recent: number[];
}

/** A held chat lock and who waits for it (acquire), in order. */
interface Lock {
  token: string;
  waiters: (() => void)[];
}

interface Queued {
  updateId: number;
  payload: string;
}

/**
 * The in-memory default: same contract as the Redis store within one process.
 * Values are JSON round-tripped so behaviour matches Redis. The inbox is not
 * durable (`durable: false`): a crash loses it, as it loses the sessions.
 */
export class MemoryChatStore implements ChatStore {
  readonly durable = false;
  private readonly entries = new Map<string, Entry>();
  private readonly locks = new Map<string, Lock>();
  private readonly inboxes = new Map<string, Queued[]>();
  private readonly noticeUntil = new Map<string, number>();
  private readonly now: () => number;
  private tokens = 0;

  constructor(private readonly options: MemoryChatStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  async acquire(chat: string, updateId: number): Promise<AcquireResult> {
    const held = this.locks.get(chat);
    let lock: Lock;
    if (held === undefined) {
      lock = { token: "", waiters: [] };
      this.locks.set(chat, lock);
    } else {
      // The common case, a free chat, costs no extra tick; a busy one waits for its turn (handed over by unlock).
      await new Promise<void>((resolve) => held.waiters.push(resolve));
      lock = held;
    }
    const entry = this.live(chat);
    if (entry?.recent.includes(updateId)) {
      this.handOver(chat, lock);
      return { status: "duplicate" };
    }
    lock.token = String(++this.tokens);
    const session = entry?.json === undefined ? undefined : JSON.parse(entry.json);
    return { status: "acquired", lease: { chat, updateId, token: lock.token, session, done: false } };
  }

  async commit(lease: Lease, session: unknown): Promise<void> {
    this.write(lease, session === undefined || session === null ? null : JSON.stringify(session));
    lease.done = true;
    this.unlock(lease);
  }

  async release(lease: Lease): Promise<void> {
    if (lease.inbox === true && !lease.done && this.holds(lease)) this.write(lease, undefined);
    lease.done = true;
    this.unlock(lease);
  }

  async admit(chat: string, updateId: number, payload: string, options: AdmitOptions): Promise<AdmitResult> {
    if (this.live(chat)?.recent.includes(updateId)) return { status: "duplicate" };
    let inbox = this.inboxes.get(chat);
    if (inbox?.some((q) => q.updateId === updateId)) return { status: "duplicate" };
    if (inbox !== undefined && inbox.length >= options.limit) {
      const now = this.now();
      const notify = (this.noticeUntil.get(chat) ?? 0) <= now;
      if (notify) this.noticeUntil.set(chat, now + options.noticeMs);
      return { status: "full", notify };
    }
    if (inbox === undefined) {
      inbox = [];
      this.inboxes.set(chat, inbox);
    }
    inbox.push({ updateId, payload });
    if (options.claim && !this.locks.has(chat)) {
      const claim = this.take(chat, inbox);
      if (claim !== undefined) return { status: "claimed", claim };
    }
    return { status: "queued" };
  }

  async claim(chat: string): Promise<ClaimResult> {
    if (this.locks.has(chat)) return { status: "busy" };
    const inbox = this.inboxes.get(chat);
    const claim = inbox === undefined ? undefined : this.take(chat, inbox);
    return claim === undefined ? { status: "empty" } : { status: "claimed", ...claim };
  }

  async extend(lease: Lease): Promise<boolean> {
    return this.holds(lease);
  }

  async stranded(limit: number): Promise<string[]> {
    const chats: string[] = [];
    for (const [chat, inbox] of this.inboxes) {
      if (chats.length >= limit) break;
      if (inbox.length > 0 && !this.locks.has(chat)) chats.push(chat);
    }
    return chats;
  }

  async peek(chat: string): Promise<unknown> {
    const json = this.live(chat)?.json;
    return json === undefined ? undefined : JSON.parse(json);
  }

  /** Replaces a chat's stored value (tests: corrupt or foreign data). */
  poke(chat: string, json: string): void {
    this.entries.set(chat, { json, expiresAt: this.now() + this.options.ttlSeconds * 1000, recent: [] });
  }

  get size(): number {
    return this.entries.size;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  /** Locks a free chat for the head of its inbox (skipping heads already applied). */
  private take(chat: string, inbox: Queued[]): Claim | undefined {
    const entry = this.live(chat);
    while (inbox.length > 0 && entry?.recent.includes(inbox[0]!.updateId)) inbox.shift();
    const head = inbox[0];
    if (head === undefined) {
      this.inboxes.delete(chat);
      return undefined;
    }
    const token = String(++this.tokens);
    this.locks.set(chat, { token, waiters: [] });
    const session = entry?.json === undefined ? undefined : JSON.parse(entry.json);
    return {
      lease: { chat, updateId: head.updateId, token, session, done: false, inbox: true },
      payload: head.payload,
    };
  }

  /**
   * Marks the lease's update applied: `json` a string writes the session, null
   * deletes it, undefined keeps it. An inbox update also leaves the inbox.
   */
  private write(lease: Lease, json: string | null | undefined): void {
    const expiresAt = this.now() + this.options.ttlSeconds * 1000;
    let entry = this.live(lease.chat);
    if (entry === undefined) {
      entry = { expiresAt, recent: [] };
      this.entries.set(lease.chat, entry);
    }
    entry.expiresAt = expiresAt;
    if (json === null) entry.json = undefined;
    else if (json !== undefined) entry.json = json;
    entry.recent.push(lease.updateId);
    if (entry.recent.length > (this.options.recentUpdates ?? 16)) entry.recent.shift();
    if (lease.inbox === true) {
      const inbox = this.inboxes.get(lease.chat);
      if (inbox?.[0]?.updateId === lease.updateId) inbox.shift();
      lease.waiting = inbox?.length ?? 0;
      if (inbox !== undefined && inbox.length === 0) this.inboxes.delete(lease.chat);
    }
  }

  private holds(lease: Lease): boolean {
    return this.locks.get(lease.chat)?.token === lease.token;
  }

  private live(chat: string): Entry | undefined {
    const entry = this.entries.get(chat);
    if (entry !== undefined && entry.expiresAt <= this.now()) {
      this.entries.delete(chat);
      return undefined;
    }
    return entry;
  }

  private unlock(lease: Lease): void {
    const lock = this.locks.get(lease.chat);
    if (lock?.token === lease.token) this.handOver(lease.chat, lock);
  }

  /** Gives the lock to the next waiter, or frees the chat. */
  private handOver(chat: string, lock: Lock): void {
    lock.token = "";
    const next = lock.waiters.shift();
    if (next !== undefined) next();
    else this.locks.delete(chat);
  }
}
