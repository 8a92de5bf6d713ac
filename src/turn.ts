/**
 * One turn of a conversation, the same for every channel:
 *
 *   per-chat queue (in process) → lock + dedupe (store) → load session
 *     → transition() → desk requests, their answers back through transition()
 *     → channel effects (reply, delete, toast), records (FAQ log, metrics)
 *     → commit (fenced: only while the lock is still ours)
 *
 * The channel maps its update to an Event and renders the effects (TurnIO);
 * everything else happens here. The session has one writer: transition().
 */
import { decide } from "./core/decide.ts";
import { transition, type World } from "./core/flow/transition.ts";
import { FLOOD_NOTICE } from "./core/notices.ts";
import type { Address, Effect, Event } from "./core/protocol.ts";
import type { Session } from "./core/session.ts";
import type { Desk } from "./desk/desk.ts";
import { errorSummary, type Log } from "./logger.ts";
import { type ChatStore, type FaqLog, type Lease, LockTimeoutError } from "./stores.ts";

/** What a channel shows or does in the chat of the turn. */
export type ChannelEffect = Extract<Effect, { type: "reply" | "delete-incoming" | "toast" }>;

export interface TurnIO {
  /** Carries out the effects in order; throws when a reply could not be sent (the session is then kept as it was). */
  run(effects: ChannelEffect[]): Promise<void>;
  /** Tells the user the store is unreachable (best effort, never throws). */
  outage(): Promise<void>;
  /** Tells the user something went wrong (best effort, never throws). */
  apologise(): Promise<void>;
}

/** Observers for metrics; every one optional. */
export interface TurnHooks {
  track?(effect: Extract<Effect, { type: "track" }>): void;
  faqGap?(): void;
  duplicate?(): void;
  /** An update dropped because its chat already had MAX_WAITING_PER_CHAT waiting. */
  dropped?(): void;
  error?(kind: "store" | "lock_timeout" | "handler"): void;
  /** Seconds from the start of the turn (after the in-process queue) to its commit. */
  turn?(seconds: number): void;
}

export interface TurnDeps {
  world: World;
  store: ChatStore;
  desk: Desk;
  faqLog: FaqLog;
  now: () => number;
  hooks?: TurnHooks;
  /** Updates of one chat that may wait behind the one running (default MAX_WAITING_PER_CHAT). */
  maxWaiting?: number;
  /** At most one FLOOD_NOTICE per chat within this many ms (default FLOOD_NOTICE_MS). */
  noticeEveryMs?: number;
}

export interface TurnInput {
  chat: Address;
  /** The channel's update id (dedupe); unique per chat. */
  updateId: number;
  event: Event;
  io: TurnIO;
  log: Log;
}

export type TurnOutcome = "done" | "duplicate" | "outage" | "failed" | "dropped";

/**
 * Updates of one chat that may wait behind the one running: enough for an album
 * of photos or a few quick taps; a paste of 600 lines is not queued, it is dropped.
 */
export const MAX_WAITING_PER_CHAT = 10;
/** At most one FLOOD_NOTICE per chat in this interval. */
export const FLOOD_NOTICE_MS = 60_000;

/** Desk answers may not ask the desk again; this bounds a turn. */
const MAX_DESK_ROUNDS = 4;

/**
 * Runs turns for every channel. Updates of one chat run one at a time in this
 * process (a promise chain per chat); the store's lock does the same across processes.
 */
export class Turns {
  private readonly running = new Map<string, Chain>();
  /** Leases taken by the intake for the update being handled in their chat (see `under`). */
  private readonly held = new Map<string, Lease>();
  /** When each chat last got a FLOOD_NOTICE (pruned as they age). */
  private readonly noticed = new Map<string, number>();
  private pruned = 0;
  private readonly maxWaiting: number;
  private readonly noticeEveryMs: number;

  constructor(readonly deps: TurnDeps) {
    this.maxWaiting = deps.maxWaiting ?? MAX_WAITING_PER_CHAT;
    this.noticeEveryMs = deps.noticeEveryMs ?? FLOOD_NOTICE_MS;
  }

  run(input: TurnInput): Promise<TurnOutcome> {
    return this.serial(input.chat, () => this.turn(input)) ?? this.drop(input);
  }

  /**
   * Runs `work` (the channel handling one update the intake claimed) with the
   * claim's lease given to the turn that update starts, instead of a new lock.
   */
  async under<T>(lease: Lease, work: () => Promise<T>): Promise<T> {
    this.held.set(lease.chat, lease);
    try {
      return await work();
    } finally {
      if (this.held.get(lease.chat) === lease) this.held.delete(lease.chat);
    }
  }

  /**
   * Work on a chat that has no conversation (an HR group): the same queue, lock and dedupe as a turn,
   * so a redelivered update is applied once. `work` gets the chat's stored state (an HR group keeps
   * an edit in progress there) and returns what to store next (undefined: nothing).
   */
  exclusive(
    chat: Address,
    updateId: number,
    log: Log,
    work: (state: unknown) => Promise<unknown>,
  ): Promise<TurnOutcome> {
    const queued = this.serial(chat, async () => {
      const acquired = await this.acquire(chat, updateId, log);
      if (acquired === "duplicate" || acquired === "outage") return acquired;
      let next: unknown;
      try {
        next = await work(acquired.session);
      } catch (err) {
        await this.deps.store.release(acquired).catch(() => undefined);
        throw err;
      }
      await this.deps.store.commit(acquired, next);
      return "done" as const;
    });
    if (queued !== undefined) return queued;
    // Group work has nobody to notify in private: the excess is dropped silently.
    this.deps.hooks?.dropped?.();
    log.debug({ chat }, "chat backlog full; update dropped");
    return Promise.resolve("dropped");
  }

  /**
   * Runs `work` after the chat's earlier updates in this process, or returns
   * undefined when maxWaiting are already waiting (the caller drops the update).
   */
  private serial<T>(chat: string, work: () => Promise<T>): Promise<T> | undefined {
    const chain = this.running.get(chat);
    if (chain === undefined) {
      const current = work();
      const mine: Chain = { tail: current, size: 1 };
      this.running.set(chat, mine);
      // bind, not a named arrow: tsx keeps function names, which costs a defineProperty per closure.
      const settle = this.settle.bind(this, chat, mine);
      current.then(settle, settle);
      return current;
    }
    if (chain.size > this.maxWaiting) return undefined;
    chain.size++;
    const current = chain.tail.then(work, work);
    chain.tail = current;
    const settle = this.settle.bind(this, chat, chain);
    current.then(settle, settle);
    return current;
  }

  private settle(chat: string, chain: Chain): void {
    if (--chain.size === 0 && this.running.get(chat) === chain) this.running.delete(chat);
  }

  /** A dropped update: counted, and the chat told once per interval. */
  private async drop(input: TurnInput): Promise<TurnOutcome> {
    this.deps.hooks?.dropped?.();
    if (this.shouldNotify(input.chat)) {
      input.log.info("chat backlog full; updates dropped, chat notified");
      await input.io
        .run([{ type: "reply", text: FLOOD_NOTICE }])
        .catch((err: unknown) => input.log.warn({ err: errorSummary(err) }, "flood notice not sent"));
    }
    return "dropped";
  }

  /** Whether the chat may get a FLOOD_NOTICE now (at most one per noticeEveryMs); records it. */
  shouldNotify(chat: string): boolean {
    const now = this.deps.now();
    const last = this.noticed.get(chat);
    if (last !== undefined && now - last < this.noticeEveryMs) return false;
    if (this.noticed.size >= 10_000 && now - this.pruned >= 1_000) {
      this.pruned = now;
      for (const [key, at] of this.noticed) if (now - at >= this.noticeEveryMs) this.noticed.delete(key);
    }
    this.noticed.set(chat, now);
    return true;
  }

  private async acquire(chat: string, updateId: number, log: Log) {
    const { store, hooks } = this.deps;
    if (this.held.size > 0) {
      const held = this.held.get(chat);
      if (held !== undefined && held.updateId === updateId) {
        this.held.delete(chat);
        return held;
      }
    }
    try {
      const result = await store.acquire(chat, updateId);
      if (result.status === "duplicate") {
        hooks?.duplicate?.();
        log.info("duplicate update skipped");
        return "duplicate" as const;
      }
      return result.lease;
    } catch (error) {
      if (error instanceof LockTimeoutError) {
        hooks?.error?.("lock_timeout");
        log.warn({ waited_ms: error.waitedMs }, "chat busy; update left for redelivery");
        throw error; // webhook answers 500 and Telegram redelivers: nothing lost
      }
      hooks?.error?.("store");
      log.error({ err: errorSummary(error) }, "session store unreachable");
      return "outage" as const;
    }
  }

  /**
   * Sorts the effects in order; a desk request is asked at its place and its
   * answer goes back through transition(), whose effects take that place.
   */
  private async apply(applied: Applied, chat: Address, now: number, effects: Effect[], round: number) {
    const { world, desk } = this.deps;
    for (const effect of effects) {
      if (effect.type === "desk") {
        if (round >= MAX_DESK_ROUNDS) throw new Error("desk answers kept asking the desk");
        const result = await desk.request(chat, effect.request, now);
        const answered = transition(
          world,
          applied.session,
          { type: "desk", request: effect.request, result },
          now,
        );
        applied.session = answered.session;
        await this.apply(applied, chat, now, answered.effects, round + 1);
      } else sortEffects(applied, [effect]);
    }
  }

  private async turn(input: TurnInput): Promise<TurnOutcome> {
    const { world, store, faqLog, hooks } = this.deps;
    const { chat, io, log } = input;
    const lease = await this.acquire(chat, input.updateId, log);
    if (lease === "duplicate") return lease;
    if (lease === "outage") {
      await io.outage();
      return lease;
    }
    const started = performance.now();
    try {
      const now = this.deps.now();
      const decision = decide(world, lease.session, input.event, now);
      if (decision.recoveredFrom !== undefined) {
        log.warn(
          { reason: decision.recoveredFrom.slice(0, 300) },
          "stored session unreadable; started afresh",
        );
      }
      const applied: Applied = { session: decision.session, shown: [], records: [] };
      // Most turns ask nothing of the desk: sorted without an await.
      if (decision.effects.some(isDesk)) await this.apply(applied, chat, now, decision.effects, 0);
      else sortEffects(applied, decision.effects);
      const { session, shown, records } = applied;
      // Before anything is shown: "data dihapus" is only said once it is true.
      for (const effect of records) if (effect.type === "faq-forget") await faqLog.forget(effect.ids);
      await io.run(shown);
      for (const effect of records) {
        if (effect.type === "track") {
          hooks?.track?.(effect);
          // Counted by the metrics hook (the funnel); a line per step only at debug: at info it was
          // a write per update, about 7 % of the CPU of npm start in the crowd benchmark.
          log.debug(
            { event: effect.event, flow: effect.flow, state: effect.state, detail: effect.detail },
            "flow",
          );
        } else if (effect.type === "faq-gap") {
          hooks?.faqGap?.();
          // Learning material only: never fail the turn for it.
          await faqLog
            .gap(effect.text, effect.best, now) // masked by the engine (gap ids are made from it)
            .catch((err: unknown) => log.warn({ err: errorSummary(err) }, "faq gap not recorded"));
        } else if (effect.type === "faq-feedback") {
          await faqLog
            .feedback(effect.id, effect.helpful)
            .catch((err: unknown) => log.warn({ err: errorSummary(err) }, "faq feedback not recorded"));
        }
      }
      // Committed only once every effect ran: a failure keeps the previous session.
      await store.commit(lease, session);
      hooks?.turn?.((performance.now() - started) / 1000);
      return "done";
    } catch (error) {
      hooks?.error?.("handler");
      log.error({ err: errorSummary(error) }, "update failed");
      if (!lease.done)
        await store
          .release(lease)
          .catch((err: unknown) => log.warn({ err: errorSummary(err) }, "lock release failed"));
      await io.apologise();
      return "failed";
    }
  }
}

/** What a turn's effects come to: the session after the desk's answers, what the chat is shown, what is recorded. */
interface Applied {
  session: Session;
  shown: ChannelEffect[];
  records: Effect[];
}

function isDesk(effect: Effect): boolean {
  return effect.type === "desk";
}

/** Channel effects to be shown, the rest to be recorded (desk requests are handled by Turns.apply). */
function sortEffects(applied: Applied, effects: Effect[]): void {
  for (const effect of effects) {
    if (effect.type === "reply" || effect.type === "delete-incoming" || effect.type === "toast")
      applied.shown.push(effect);
    else if (effect.type !== "desk") applied.records.push(effect);
  }
}

/** A chat's updates in this process: the last one queued, and how many are running or waiting. */
interface Chain {
  tail: Promise<unknown>;
  size: number;
}
