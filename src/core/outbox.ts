/**
 * The outbox's rules, shared by every store: what an item is, how fast a chat
 * may be sent to (20 per minute per group, one per second per person, a
 * global budget), how failures are retried (429 retry_after, exponential
 * backoff, permanent 4xx to the dead letters). Pure: time comes in as `now`.
 */
import type { Address, Delivered, OutMessage } from "./protocol.ts";

export interface OutboxItem {
  /** Idempotency key, e.g. "c12:card:0". Enqueuing an id that is pending or was delivered (within doneTtl) is a no-op. */
  id: string;
  to: Address;
  /** Rate lane: a group (groupPerMinute) or a person (privateGapMs). */
  group: boolean;
  message: OutMessage;
  /** Returned to the delivery hook (e.g. "card:12"), so the desk can remember the message it produced. */
  tag?: string;
  /** The case it belongs to (erasure removes a case's pending items and dead letters). */
  caseId?: string;
  /**
   * Order within a chat: lower first, then first in first out (default NORMAL). New case cards go
   * before one case's chatter, reminders after everything.
   */
  priority?: Priority;
  /** Ms since epoch when it was enqueued (set by enqueue). */
  enqueuedAt?: number;
}

export const PRIORITY = { CARD: 0, NORMAL: 1, DIGEST: 2 } as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

export type SendOutcome =
  | { ok: true; delivered: Delivered }
  | {
      ok: false;
      retryAfterSeconds?: number;
      permanent: boolean;
      /** The chat cannot be reached at all (bot removed, blocked, group gone): its route is broken. */
      gone?: boolean;
      /** The group moved (Telegram: upgraded to a supergroup): its new address. */
      movedTo?: Address;
      description: string;
    };

export type Sender = (item: OutboxItem) => Promise<SendOutcome>;

export interface DrainResult {
  sent: number;
  retried: number;
  failed: number;
  /** ms since epoch when the next item becomes due, or undefined if none pending */
  nextDueAt?: number;
}

export interface OutboxLimits {
  /** Per group/supergroup chat (chatId < 0): at most `groupPerMinute` sends in any 60 s window (default 20). */
  groupPerMinute: number;
  /** Per private chat (chatId > 0): minimum gap between sends in ms (default 1000). */
  privateGapMs: number;
  /** All chats together: at most `globalPerSecond` sends per 1 s window (default 25, under Telegram's ~30). */
  globalPerSecond: number;
  /** Backoff for retryable failures without retry_after: base ms doubling per attempt up to maxBackoffMs (defaults 1000 / 300000). */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Delivered ids remembered for idempotency (default 7 days). */
  doneTtlMs: number;
  /** Permanently failed items kept for operators, then deleted (default 30 days). */
  deadTtlMs: number;
}

export interface DeadLetter {
  item: OutboxItem;
  description: string;
  at: number;
}

export const DEFAULT_OUTBOX_LIMITS: Readonly<OutboxLimits> = Object.freeze({
  groupPerMinute: 20,
  privateGapMs: 1_000,
  globalPerSecond: 25,
  baseBackoffMs: 1_000,
  maxBackoffMs: 300_000,
  doneTtlMs: 7 * 24 * 3_600_000,
  deadTtlMs: 30 * 24 * 3_600_000,
});

// ---------------------------------------------------------------------------
// Pure rules, shared by every store.

export function outboxLimits(limits: Partial<OutboxLimits> = {}): OutboxLimits {
  const merged = { ...DEFAULT_OUTBOX_LIMITS, ...limits };
  for (const [name, value] of Object.entries(merged)) {
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`outbox limit ${name} must be ≥ 0, got ${value}`);
  }
  if (merged.groupPerMinute < 1 || merged.globalPerSecond < 1) {
    throw new Error("outbox limits groupPerMinute and globalPerSecond must be ≥ 1");
  }
  return merged;
}

/** A sliding window: at most `limit` sends with time t in (now - windowMs, now]. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** A group: groupPerMinute per 60 s. A private chat: one send per privateGapMs (a minimum gap). */
export function chatWindow(group: boolean, limits: OutboxLimits): RateWindow {
  return group
    ? { limit: limits.groupPerMinute, windowMs: 60_000 }
    : { limit: 1, windowMs: limits.privateGapMs };
}

export function globalWindow(limits: OutboxLimits): RateWindow {
  return { limit: limits.globalPerSecond, windowMs: 1_000 };
}

/** Send times at or before this no longer count: storages may forget them. */
export function windowStart(window: RateWindow, now: number): number {
  return now - window.windowMs;
}

/** The send times that still count at `now`, oldest first. */
export function liveTimes(times: readonly number[], window: RateWindow, now: number): number[] {
  const start = windowStart(window, now);
  return times.filter((t) => t > start).sort((a, b) => a - b);
}

/**
 * Earliest time ≥ now at which one more send fits the window, given earlier send times.
 * With n live sends (n ≥ limit), that is when the (n - limit + 1)-th newest leaves the window.
 */
export function windowReadyAt(times: readonly number[], window: RateWindow, now: number): number {
  const live = liveTimes(times, window, now);
  if (live.length < window.limit) return now;
  return Math.max(now, live[live.length - window.limit]! + window.windowMs);
}

export function chatReadyAt(
  group: boolean,
  times: readonly number[],
  now: number,
  limits: OutboxLimits,
): number {
  return windowReadyAt(times, chatWindow(group, limits), now);
}

export function globalReadyAt(times: readonly number[], now: number, limits: OutboxLimits): number {
  return windowReadyAt(times, globalWindow(limits), now);
}

/** Delay before retry number `attempt` (1-based) of a retryable failure: base doubling, capped. */
export function backoffMs(attempt: number, limits: OutboxLimits): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  return Math.max(1, Math.min(limits.baseBackoffMs * 2 ** exponent, limits.maxBackoffMs));
}

/** What one attempt means for the item and its chat. */
export type Step =
  | { kind: "sent"; delivered: Delivered }
  /** Permanent failure (400/403…): to the dead letters, the chat's next item proceeds. */
  | { kind: "dead"; description: string }
  /** 429: the whole chat waits until `until`; the attempt is not counted as a failure. */
  | { kind: "later"; until: number; description: string }
  /** 5xx, network, thrown: the item is retried at `until` (exponential backoff), attempts + 1. */
  | { kind: "retry"; until: number; description: string };

/** `attempts`: retryable failures of this item so far. */
export function stepFor(outcome: SendOutcome, attempts: number, now: number, limits: OutboxLimits): Step {
  if (outcome.ok) return { kind: "sent", delivered: outcome.delivered };
  const { description } = outcome;
  if (outcome.retryAfterSeconds !== undefined && Number.isFinite(outcome.retryAfterSeconds)) {
    return {
      kind: "later",
      until: now + Math.max(1, Math.ceil(outcome.retryAfterSeconds * 1000)),
      description,
    };
  }
  if (outcome.permanent) return { kind: "dead", description };
  return { kind: "retry", until: now + backoffMs(attempts + 1, limits), description };
}

/** Calls the sender; a throw (or a non-outcome) counts as a retryable failure. */
export async function attemptSend(send: Sender, item: OutboxItem): Promise<SendOutcome> {
  try {
    const outcome = await send(item);
    if (outcome && typeof outcome === "object" && typeof outcome.ok === "boolean") return outcome;
    return { ok: false, permanent: false, description: "sender returned no outcome" };
  } catch (err) {
    return { ok: false, permanent: false, description: err instanceof Error ? err.message : String(err) };
  }
}

export function checkItem(item: OutboxItem): void {
  if (typeof item.id !== "string" || item.id === "") throw new Error("outbox item needs an id");
  if (typeof item.to !== "string" || !item.to.includes(":"))
    throw new Error(`outbox item ${item.id}: 'to' must be an address like "tg:123"`);
  if (typeof item.message !== "object" || item.message === null)
    throw new Error(`outbox item ${item.id}: no message`);
}

// ---------------------------------------------------------------------------
// The drain loop, the same for every store, over four storage primitives.

/** A chat's queue head, leased to one drain (no other drain sends to this chat meanwhile). */
export interface Claim {
  chat: Address;
  group: boolean;
  /** The chat's recent send times (what its rate window needs). */
  window: number[];
  item: OutboxItem;
  /** Retryable failures of this item so far (429s not counted). */
  attempts: number;
}

/** One send and what it means, to be recorded. */
export interface Attempt {
  claim: Claim;
  step: Step;
  /** The chat cannot be reached at all (the route to it is broken). */
  gone: boolean;
  movedTo?: Address;
  /** Times recording this attempt failed already. */
  failures: number;
}

/**
 * What a store provides. `claim` leases up to `n` due chats; `record` stores one attempt in one
 * transaction — the item done (running the delivery hook `H` in that transaction) or dead or retried,
 * the chat's rate window and next due time — and returns the chat's next head when the lease goes on
 * (`goOn` and the chat is ready); `release` gives a chat back unsent; `nextDue` is the earliest due time.
 */
export interface OutboxBackend<H> {
  claim(now: number, n: number): Promise<Claim[]>;
  record(attempt: Attempt, now: number, hooks: H | undefined, goOn: boolean): Promise<Claim | undefined>;
  release(chat: Address, dueAt: number): Promise<void>;
  nextDue(): Promise<number | undefined>;
}

/** Recording an attempt that failed this often is retried once more without the delivery hook. */
const RECORD_TRIES = 3;

/**
 * Drains a backend: every due chat is served (heads in order, within its rate window and the global
 * budget) until it is empty, waiting, or the budget is spent. A send whose recording fails (database
 * away, a hook's error) is not sent again: it is kept in memory and recorded first by the next drain;
 * after RECORD_TRIES failures it is recorded without the hook (the message stays delivered, only what
 * the hook would have remembered is lost). The error of a failed recording is rethrown.
 */
export class OutboxDriver<H> {
  private globalTimes: number[] = [];
  private readonly unrecorded = new Map<string, Attempt>();

  constructor(
    private readonly backend: OutboxBackend<H>,
    private readonly limits: OutboxLimits,
    private readonly claimBatch = 8,
  ) {}

  async drain(now: number, send: Sender, hooks?: H): Promise<DrainResult> {
    const counts = { sent: 0, retried: 0, failed: 0 };
    for (const [id, attempt] of this.unrecorded) {
      const retry = { ...attempt, failures: attempt.failures + 1 };
      this.unrecorded.set(id, retry);
      await this.backend.record(attempt, now, attempt.failures < RECORD_TRIES ? hooks : undefined, false);
      this.unrecorded.delete(id);
    }
    for (;;) {
      this.globalTimes = liveTimes(this.globalTimes, globalWindow(this.limits), now);
      const budget = this.limits.globalPerSecond - this.globalTimes.length;
      const claims = budget > 0 ? await this.backend.claim(now, Math.min(budget, this.claimBatch)) : [];
      if (claims.length === 0) {
        const due = await this.backend.nextDue();
        if (due === undefined) return counts;
        return { ...counts, nextDueAt: Math.max(due, globalReadyAt(this.globalTimes, now, this.limits)) };
      }
      const settled = await Promise.allSettled(claims.map((c) => this.serve(c, now, send, counts, hooks)));
      const failure = settled.find((s) => s.status === "rejected");
      if (failure !== undefined) throw failure.reason;
    }
  }

  private async serve(
    first: Claim,
    now: number,
    send: Sender,
    counts: { sent: number; retried: number; failed: number },
    hooks?: H,
  ): Promise<void> {
    let claim: Claim | undefined = first;
    for (let firstRound = true; claim !== undefined; firstRound = false) {
      const readyAt = chatReadyAt(claim.group, claim.window, now, this.limits);
      if (readyAt > now) return this.backend.release(claim.chat, readyAt);
      if (!firstRound) {
        // The first send of a claim has its slot from the claim's budget; later ones take their own.
        this.globalTimes = liveTimes(this.globalTimes, globalWindow(this.limits), now);
        if (globalReadyAt(this.globalTimes, now, this.limits) > now)
          return this.backend.release(claim.chat, now);
      }
      this.globalTimes.push(now);
      const outcome = await attemptSend(send, claim.item);
      const attempt: Attempt = {
        claim,
        step: stepFor(outcome, claim.attempts, now, this.limits),
        gone: !outcome.ok && outcome.gone === true,
        ...(!outcome.ok && outcome.movedTo !== undefined ? { movedTo: outcome.movedTo } : {}),
        failures: 0,
      };
      try {
        claim = await this.backend.record(attempt, now, hooks, true);
      } catch (err) {
        // Sent (or failed for good) but not recorded: never sent again; recorded first next time.
        const { kind } = attempt.step;
        if (kind === "sent" || kind === "dead")
          this.unrecorded.set(attempt.claim.item.id, { ...attempt, failures: 1 });
        else await this.backend.release(attempt.claim.chat, now).catch(() => undefined);
        throw err;
      }
      const { kind } = attempt.step;
      if (kind === "sent") counts.sent++;
      else if (kind === "dead") counts.failed++;
      else counts.retried++;
    }
  }
}
