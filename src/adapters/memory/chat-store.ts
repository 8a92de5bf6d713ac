import type { AcquireResult, ChatStore, Lease } from "../../stores.ts";

export interface MemoryChatStoreOptions {
  ttlSeconds: number;
  now?: () => number;
  /** Update ids remembered per chat for dedupe. */
  recentUpdates?: number;
}

interface Entry {
  json?: string;
  expiresAt: number;
  recent: number[];
}

/**
 * The in-memory default: same contract as the Redis store within one process.
 * Values are JSON round-tripped so behaviour matches Redis.
 */
export class MemoryChatStore implements ChatStore {
  private readonly entries = new Map<string, Entry>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly releases = new Map<string, () => void>();
  private readonly now: () => number;
  private tokens = 0;

  constructor(private readonly options: MemoryChatStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  async acquire(chat: string, updateId: number): Promise<AcquireResult> {
    const previous = this.queues.get(chat);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous === undefined ? mine : previous.then(() => mine);
    this.queues.set(chat, tail);
    if (previous !== undefined) await previous; // the common case, a free chat, costs no extra tick
    const entry = this.live(chat);
    if (entry?.recent.includes(updateId)) {
      this.finish(chat, tail, release);
      return { status: "duplicate" };
    }
    const token = String(++this.tokens);
    this.releases.set(`${chat}#${token}`, () => this.finish(chat, tail, release));
    const session = entry?.json === undefined ? undefined : JSON.parse(entry.json);
    return { status: "acquired", lease: { chat, updateId, token, session, done: false } };
  }

  async commit(lease: Lease, session: unknown): Promise<void> {
    const entry = this.live(lease.chat) ?? { expiresAt: 0, recent: [] };
    const recent = [...entry.recent, lease.updateId].slice(-(this.options.recentUpdates ?? 16));
    if (session === undefined || session === null) {
      this.entries.set(lease.chat, { expiresAt: this.now() + this.options.ttlSeconds * 1000, recent });
    } else {
      this.entries.set(lease.chat, {
        json: JSON.stringify(session),
        expiresAt: this.now() + this.options.ttlSeconds * 1000,
        recent,
      });
    }
    lease.done = true;
    this.unlock(lease);
  }

  async release(lease: Lease): Promise<void> {
    lease.done = true;
    this.unlock(lease);
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

  private live(chat: string): Entry | undefined {
    const entry = this.entries.get(chat);
    if (entry !== undefined && entry.expiresAt <= this.now()) {
      this.entries.delete(chat);
      return undefined;
    }
    return entry;
  }

  private unlock(lease: Lease): void {
    const key = `${lease.chat}#${lease.token}`;
    this.releases.get(key)?.();
    this.releases.delete(key);
  }

  private finish(chat: string, tail: Promise<void>, release: () => void): void {
    release();
    if (this.queues.get(chat) === tail) this.queues.delete(chat);
  }
}
