import type { StorageAdapter } from "grammy";

/** Exclusive right to one chat's session while one update is handled. */
export interface Lease {
  readonly chat: string;
  readonly updateId: number;
  /** Fencing token: a commit succeeds only while the lock still holds this token. */
  readonly token: string;
  /** The stored session as read under the lock (JSON-decoded; unknown until parsed). */
  readonly session: unknown;
  done: boolean;
}

export type AcquireResult = { status: "acquired"; lease: Lease } | { status: "duplicate" };

/**
 * Per-chat sessions with a lock and update dedupe. One update of a chat at a
 * time, across every process sharing the store; an update_id already applied
 * is reported as duplicate.
 */
export interface ChatStore {
  acquire(chat: string, updateId: number): Promise<AcquireResult>;
  /** Writes the session (undefined deletes it), marks the update applied and releases the lock, atomically. */
  commit(lease: Lease, session: unknown): Promise<void>;
  /** Releases without writing (the update had no effect on the session). */
  release(lease: Lease): Promise<void>;
  /** Reads a session without locking (admin, tests). */
  peek(chat: string): Promise<unknown>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class LockTimeoutError extends Error {
  override readonly name = "LockTimeoutError";
  constructor(
    readonly chat: string,
    readonly waitedMs: number,
  ) {
    super(`chat lock not acquired within ${waitedMs} ms`);
  }
}

export class FencingError extends Error {
  override readonly name = "FencingError";
  constructor(readonly chat: string) {
    super("chat lock lost before commit (expired and taken by another update); session not written");
  }
}

/**
 * grammY StorageAdapter over the leases the gate middleware holds: reads cost
 * nothing (the session came with the lock), writes are the atomic commit.
 */
export class LeasedStorage implements StorageAdapter<unknown> {
  readonly leases = new Map<string, Lease>();
  constructor(private readonly store: ChatStore) {}

  read(key: string): unknown {
    return this.lease(key).session ?? undefined;
  }
  async write(key: string, value: unknown): Promise<void> {
    await this.store.commit(this.lease(key), value);
  }
  async delete(key: string): Promise<void> {
    await this.store.commit(this.lease(key), undefined);
  }
  private lease(key: string): Lease {
    const lease = this.leases.get(key);
    if (lease === undefined) throw new Error(`session ${key} used without holding its chat lock`);
    return lease;
  }
}
