/**
 * Taking updates in fast and fairly, for every channel that must acknowledge
 * them quickly (a webhook answer, a long-polling offset):
 *
 *   accept ─► the chat's inbox (store.admit: durable with Redis, at most `perChat`,
 *             the excess dropped with one notice per interval) ─► acknowledged
 *          ─► a lane (private chats / groups), each with its own concurrency budget
 *          ─► one chat at a time: claim its lock and the inbox's head, handle it,
 *             commit (which takes it out of the inbox), next
 *
 * A busy chat's updates wait in its inbox, not in a transport's slot, so a
 * flooding chat holds at most one slot of its lane; groups cannot take the
 * private chats' budget. An update acknowledged is in the inbox: after a crash,
 * `stranded` finds inboxes nobody handles, and the update id dedupe makes a
 * redelivery harmless.
 */
import type { Log } from "./logger.ts";
import { errorSummary } from "./logger.ts";
import type { ChatStore, Claim, Lease } from "./stores.ts";
import { FLOOD_NOTICE_MS, MAX_WAITING_PER_CHAT } from "./turn.ts";

/** Private chats and groups take turns from separate budgets. */
export type Lane = "private" | "group";

export interface IntakeItem {
  /** The chat's address ("tg:123"). */
  chat: string;
  /** The channel's update id (dedupe); unique per chat. */
  updateId: number;
  lane: Lane;
  /** The update as the channel will read it back (Telegram: the update's JSON). */
  payload: string;
}

export type Accepted = "queued" | "duplicate" | "dropped";

export interface IntakeOptions {
  store: ChatStore;
  /**
   * Handles one update under its lease (the chat's lock is held). Whatever it
   * does not commit is released, which marks the update applied.
   */
  handle(payload: string, lease: Lease): Promise<void>;
  /** Tells a private chat that part of its flood was dropped (best effort; at most once per interval). */
  notify?(chat: string): Promise<void>;
  log: Log;
  /** The lane of a chat found stranded by the sweep (default: private). */
  laneOf?(chat: string): Lane;
  /** Turns running at once per lane (default 256 private, 16 group). */
  concurrency?: Partial<Record<Lane, number>>;
  /** Updates a chat's inbox may hold, the one being handled included (default MAX_WAITING_PER_CHAT + 1). */
  perChat?: number;
  /** At most one notice per chat in this interval (default FLOOD_NOTICE_MS). */
  noticeEveryMs?: number;
  /** How often inboxes left by a crashed process are looked for (default 5 s). */
  sweepEveryMs?: number;
  /** The store's lock expiry: a turn running longer has its lock renewed (default 30 s). */
  lockTtlMs?: number;
  hooks?: { dropped?(): void; duplicate?(): void };
}

export const DEFAULT_CONCURRENCY: Record<Lane, number> = { private: 256, group: 16 };

/** A chat this process has in a lane: waiting for a slot or being handled. */
interface Active {
  lane: Lane;
  /** An update was admitted while the chat was being handled here: look at its inbox again. */
  poked: boolean;
}

/** One chat at a time per process, each lane within its budget, oldest ready chat first. */
export class Intake {
  private readonly active = new Map<string, Active>();
  private readonly ready: Record<Lane, string[]> = { private: [], group: [] };
  private readonly running: Record<Lane, number> = { private: 0, group: 0 };
  private readonly limit: Record<Lane, number>;
  private readonly perChat: number;
  private readonly noticeEveryMs: number;
  /** Leases being handled, with when they started (renewed when a turn runs long). */
  private readonly leases = new Map<Lease, number>();
  private sweeper: NodeJS.Timeout | undefined;
  private renewer: NodeJS.Timeout | undefined;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: IntakeOptions) {
    this.limit = { ...DEFAULT_CONCURRENCY, ...options.concurrency };
    this.perChat = options.perChat ?? MAX_WAITING_PER_CHAT + 1;
    this.noticeEveryMs = options.noticeEveryMs ?? FLOOD_NOTICE_MS;
  }

  /**
   * Puts an update in its chat's inbox and resolves once it is there (durably,
   * with a durable store): the caller may acknowledge it. It is handled later,
   * in order, when the chat and its lane have room. Throws when the store is
   * unreachable (do not acknowledge: let the channel deliver it again).
   */
  async accept(item: IntakeItem): Promise<Accepted> {
    const { chat, lane } = item;
    const claim = !this.stopping && !this.active.has(chat) && this.running[lane] < this.limit[lane];
    if (claim) this.running[lane]++; // reserved now, so concurrent accepts cannot overbook the lane
    let result: Awaited<ReturnType<ChatStore["admit"]>>;
    try {
      result = await this.options.store.admit(chat, item.updateId, item.payload, {
        limit: this.perChat,
        noticeMs: this.noticeEveryMs,
        claim,
      });
    } catch (err) {
      if (claim) this.free(lane);
      throw err;
    }
    if (result.status === "claimed") {
      this.active.set(chat, { lane, poked: false });
      void this.drain(chat, lane, result.claim);
      return "queued";
    }
    if (claim) this.free(lane);
    if (result.status === "duplicate") {
      this.options.hooks?.duplicate?.();
      return "duplicate";
    }
    if (result.status === "full") {
      this.options.hooks?.dropped?.();
      if (result.notify && lane === "private")
        this.options
          .notify?.(chat)
          .catch((err: unknown) =>
            this.options.log.warn({ err: errorSummary(err) }, "flood notice not sent"),
          );
      return "dropped";
    }
    this.schedule(chat, lane);
    return "queued";
  }

  /** Starts looking for inboxes a crashed process left (now, then every sweepEveryMs). */
  start(): void {
    const sweep = () => {
      this.sweep().catch((err: unknown) =>
        this.options.log.warn({ err: errorSummary(err) }, "inbox sweep failed"),
      );
    };
    sweep();
    this.sweeper = setInterval(sweep, this.options.sweepEveryMs ?? 5_000);
    this.sweeper.unref();
    const ttl = this.options.lockTtlMs ?? 30_000;
    this.renewer = setInterval(() => this.renew(ttl), Math.max(50, ttl / 3));
    this.renewer.unref();
  }

  /**
   * Stops taking turns: those running finish. With a durable store what waits
   * stays in the inboxes for the next process; otherwise the inboxes are worked
   * off first (bounded by `timeoutMs`).
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.options.store.durable) await this.idle(timeoutMs);
    this.stopping = true;
    clearInterval(this.sweeper);
    await this.idle(timeoutMs);
    clearInterval(this.renewer);
  }

  /** Resolves when nothing is waiting or running in this process (or after `timeoutMs`). */
  idle(timeoutMs = 10_000): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** How long the longest-running update of this process has been in its handler (0 when none runs). */
  oldestRunningMs(now = Date.now()): number {
    let oldest = 0;
    for (const started of this.leases.values()) oldest = Math.max(oldest, now - started);
    return oldest;
  }

  /** Chats waiting for a slot, and turns running, per lane. */
  get load(): { ready: Record<Lane, number>; running: Record<Lane, number> } {
    return {
      ready: { private: this.ready.private.length, group: this.ready.group.length },
      running: { ...this.running },
    };
  }

  /** Looks for inboxes nobody handles (a crashed process) and takes them in. */
  async sweep(): Promise<void> {
    if (this.stopping) return;
    for (const chat of await this.options.store.stranded(200)) {
      if (!this.active.has(chat)) this.schedule(chat, this.options.laneOf?.(chat) ?? "private");
    }
  }

  /** Makes the chat wait for a slot in its lane, unless this process has it already (then: look again). */
  private schedule(chat: string, lane: Lane): void {
    const known = this.active.get(chat);
    if (known !== undefined) {
      known.poked = true;
      return;
    }
    this.active.set(chat, { lane, poked: false });
    this.ready[lane].push(chat);
    this.pump(lane);
  }

  /** Starts ready chats while the lane has room. */
  private pump(lane: Lane): void {
    const ready = this.ready[lane];
    while (!this.stopping && this.running[lane] < this.limit[lane] && ready.length > 0) {
      const chat = ready.shift()!;
      this.running[lane]++;
      void this.next(chat, lane);
    }
    if (this.stopping) {
      // Not taken: they stay in the store's inboxes (durable) for the next process.
      for (const chat of ready.splice(0)) this.active.delete(chat);
      this.wakeIdle();
    }
  }

  private async next(chat: string, lane: Lane): Promise<void> {
    const state = this.active.get(chat);
    if (state !== undefined) state.poked = false;
    const claimed = await this.claim(chat);
    if (claimed === undefined) return this.done(chat, lane);
    if (claimed.status === "claimed") return this.drain(chat, lane, claimed);
    // busy: another process holds the chat and handles its inbox; empty: nothing left.
    if (claimed.status === "empty" && state?.poked === true) {
      state.poked = false;
      return this.next(chat, lane);
    }
    this.done(chat, lane);
  }

  /** Handles the claimed update, then the chat's next ones while it keeps its slot. */
  private async drain(chat: string, lane: Lane, first: Claim): Promise<void> {
    let claim: Claim | undefined = first;
    while (claim !== undefined) {
      const state = this.active.get(chat);
      if (state !== undefined) state.poked = false;
      const { lease } = claim;
      this.leases.set(lease, Date.now());
      try {
        await this.options.handle(claim.payload, lease);
      } catch (err) {
        this.options.log.error({ err: errorSummary(err) }, "update failed in the intake");
      }
      try {
        if (!lease.done) await this.options.store.release(lease);
      } catch (err) {
        // The update stays at the head of the inbox; the lock expires and the sweep takes it again.
        this.options.log.warn({ err: errorSummary(err) }, "inbox release failed; left for the sweep");
      }
      this.leases.delete(lease);
      const more = (lease.waiting ?? 0) > 0 || state?.poked === true;
      if (!more || this.stopping) break;
      if (this.ready[lane].length > 0) {
        // Others wait for this lane: go to the back of the line rather than keep the slot.
        this.ready[lane].push(chat);
        this.free(lane);
        return;
      }
      const next = await this.claim(chat);
      claim = next?.status === "claimed" ? next : undefined;
    }
    this.done(chat, lane);
  }

  /** The chat's next update, if the store answers (a failure is logged: the sweep takes the chat later). */
  private async claim(chat: string): Promise<Awaited<ReturnType<ChatStore["claim"]>> | undefined> {
    try {
      return await this.options.store.claim(chat);
    } catch (err) {
      this.options.log.warn({ err: errorSummary(err) }, "inbox claim failed; left for the sweep");
      return undefined;
    }
  }

  /** The chat leaves this process's lanes; its slot goes to the next ready chat. */
  private done(chat: string, lane: Lane): void {
    this.active.delete(chat);
    this.free(lane);
  }

  private free(lane: Lane): void {
    this.running[lane]--;
    this.pump(lane);
    if (this.active.size === 0) this.wakeIdle();
  }

  private wakeIdle(): void {
    if (this.active.size > 0) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Renews the locks of turns running longer than a third of the lock's life. */
  private renew(ttlMs: number): void {
    const now = Date.now();
    for (const [lease, started] of this.leases) {
      if (now - started < ttlMs / 3 || lease.done) continue;
      this.options.store.extend(lease).catch(() => undefined);
    }
  }
}
