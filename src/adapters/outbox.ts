/**
 * Durable outbox for messages Pandu sends outside the request/response path
 * (case cards to HR groups, staff answers relayed to users, reminders).
 *
 * The contract (Outbox), the pure scheduling rules shared by every storage
 * (rate windows, backoff, what an outcome means), the drain loop built on
 * three storage primitives (OutboxBackend: claim, complete, release) and the
 * in-memory implementation. Time only comes in as `now` (ms since epoch).
 */

export interface OutboxItem {
  /** Idempotency key, e.g. "case:K-12:card". Enqueuing an id that is pending or was delivered (within doneTtl) is a no-op. */
  id: string;
  chatId: number;
  /** Bot API method, e.g. "sendMessage", "copyMessage", "sendPhoto", "createForumTopic", "editMessageText". */
  method: string;
  payload: Record<string, unknown>;
  /** Free-form tag returned to onDelivered (e.g. "card"), so the caller can store the message_id. */
  tag?: string;
  /** Ms since epoch when it was enqueued (set by enqueue). */
  enqueuedAt?: number;
}

export type SendOutcome =
  | { ok: true; result: unknown }
  | { ok: false; retryAfterSeconds?: number; permanent: boolean; description: string };

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
}

export interface Outbox {
  enqueue(items: OutboxItem[], now: number): Promise<void>;
  /**
   * Sends what is due at `now` within the limits, in FIFO order per chat (a chat's later items wait while
   * its head is waiting for a retry). Calls onDelivered after each success. Safe to call from several
   * processes at once (Redis: per-chat lease) — an item is never sent twice by two drains.
   */
  drain(
    now: number,
    send: Sender,
    onDelivered?: (item: OutboxItem, result: unknown) => Promise<void>,
  ): Promise<DrainResult>;
  pending(): Promise<number>;
  /** Items that failed permanently (4xx other than 429), newest first, for operators. */
  dead(limit: number): Promise<DeadLetter[]>;
  close?(): Promise<void>;
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
});

/** Dead letters kept for operators (oldest dropped). */
export const DEAD_LETTERS_KEPT = 1_000;

// ---------------------------------------------------------------------------
// Pure rules, shared by MemoryOutbox and RedisOutbox.

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

export function isGroupChat(chatId: number): boolean {
  return chatId < 0;
}

/** A group: groupPerMinute per 60 s. A private chat: one send per privateGapMs (a minimum gap). */
export function chatWindow(chatId: number, limits: OutboxLimits): RateWindow {
  return isGroupChat(chatId)
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
  chatId: number,
  times: readonly number[],
  now: number,
  limits: OutboxLimits,
): number {
  return windowReadyAt(times, chatWindow(chatId, limits), now);
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
  | { kind: "sent"; result: unknown }
  /** Permanent failure (400/403…): to the dead letters, the chat's next item proceeds. */
  | { kind: "dead"; description: string }
  /** 429: the whole chat waits until `until`; the attempt is not counted as a failure. */
  | { kind: "later"; until: number; description: string }
  /** 5xx, network, thrown: the item is retried at `until` (exponential backoff), attempts + 1. */
  | { kind: "retry"; until: number; description: string };

/** `attempts`: retryable failures of this item so far. */
export function stepFor(outcome: SendOutcome, attempts: number, now: number, limits: OutboxLimits): Step {
  if (outcome.ok) return { kind: "sent", result: outcome.result };
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
  if (!Number.isSafeInteger(item.chatId) || item.chatId === 0) {
    throw new Error(`outbox item ${item.id}: chatId must be a non-zero integer`);
  }
  if (typeof item.method !== "string" || item.method === "")
    throw new Error(`outbox item ${item.id}: no method`);
}

// ---------------------------------------------------------------------------
// The drain loop, on three storage primitives.

/** A chat's queue head, leased to one drain (no other drain sends to this chat meanwhile). */
export interface Claim {
  chatId: number;
  item: OutboxItem;
  /** Retryable failures of this item so far (429s not counted). */
  attempts: number;
  /** The chat's recent attempt times (what its rate window needs). */
  window: number[];
  /** The drain's lease token. */
  token: string;
}

export interface ClaimBatch {
  claims: Claim[];
  /** Earliest due time among chats with pending items, as seen after claiming. */
  earliestDue?: number;
  /** Attempt times in the global window. */
  globalTimes: number[];
}

export interface Completion {
  step: Step;
  /** When the chat is due next (its rate window, and the step's pause or backoff). */
  dueAt: number;
  /** Keep the lease and claim the chat's next head now (it is ready and a global slot is free). */
  next: boolean;
}

/**
 * What a storage provides. `claim` leases heads of due chats (one per chat), reserving a global slot for
 * each; `complete` records an attempt (its time in the chat's window; the head removed when sent or dead;
 * the chat due at `dueAt`) and, when `next` holds, returns the chat's next head still leased; `release`
 * gives a claim back unsent.
 */
export interface OutboxBackend {
  claim(now: number): Promise<ClaimBatch>;
  complete(
    claim: Claim,
    completion: Completion,
    now: number,
  ): Promise<{ item: OutboxItem; attempts: number } | undefined>;
  release(claim: Claim, dueAt: number): Promise<void>;
}

/**
 * Drains a backend at `now`: every chat due is served until empty, waiting, or the global budget is spent.
 * `retried` counts 429s and retryable failures. An onDelivered that throws does not undo the delivery (the
 * item stays done); the drain finishes the chats in hand, then rejects with that error.
 */
export async function drainOutbox(
  backend: OutboxBackend,
  limits: OutboxLimits,
  now: number,
  send: Sender,
  onDelivered?: (item: OutboxItem, result: unknown) => Promise<void>,
): Promise<DrainResult> {
  const counts = { sent: 0, retried: 0, failed: 0 };

  const serve = async (first: Claim): Promise<void> => {
    let claim: Claim | undefined = first;
    while (claim !== undefined) {
      const current: Claim = claim;
      const readyAt = chatReadyAt(current.chatId, current.window, now, limits);
      if (readyAt > now) {
        await backend.release(current, readyAt);
        return;
      }
      const outcome = await attemptSend(send, current.item);
      const step = stepFor(outcome, current.attempts, now, limits);
      const window = liveTimes([...current.window, now], chatWindow(current.chatId, limits), now);
      const chatReady = chatReadyAt(current.chatId, window, now, limits);
      const waiting = step.kind === "later" || step.kind === "retry";
      const following = await backend.complete(
        current,
        {
          step,
          dueAt: waiting ? Math.max(step.until, chatReady) : chatReady,
          next: !waiting && chatReady <= now,
        },
        now,
      );
      const nextClaim: Claim | undefined = following && {
        ...following,
        chatId: current.chatId,
        window,
        token: current.token,
      };
      if (step.kind === "sent") counts.sent++;
      else if (step.kind === "dead") counts.failed++;
      else counts.retried++;
      if (step.kind === "sent" && onDelivered !== undefined) {
        try {
          await onDelivered(current.item, step.result);
        } catch (err) {
          if (nextClaim !== undefined) await backend.release(nextClaim, chatReady);
          throw err;
        }
      }
      claim = nextClaim;
    }
  };

  for (;;) {
    const batch = await backend.claim(now);
    if (batch.claims.length === 0) {
      const nextDueAt =
        batch.earliestDue === undefined
          ? undefined
          : Math.max(batch.earliestDue, globalReadyAt(batch.globalTimes, now, limits));
      return nextDueAt === undefined ? counts : { ...counts, nextDueAt };
    }
    const settled = await Promise.allSettled(batch.claims.map(serve));
    const failure = settled.find((s) => s.status === "rejected");
    if (failure !== undefined) throw failure.reason;
  }
}

// ---------------------------------------------------------------------------
// In memory: one process, nothing survives a restart (development, tests).

interface Stored {
  json: string;
  attempts: number;
}

class MemoryBackend implements OutboxBackend {
  readonly items = new Map<string, Stored>();
  readonly queues = new Map<number, string[]>();
  /** Chats with pending items that are not leased, and when they are due. */
  readonly due = new Map<number, number>();
  readonly leased = new Set<number>();
  readonly windows = new Map<number, number[]>();
  /** Delivered id → when it is forgotten (Map order is delivery order). */
  readonly done = new Map<string, number>();
  readonly deadLetters: DeadLetter[] = [];
  globalTimes: number[] = [];
  private tokens = 0;

  constructor(private readonly limits: OutboxLimits) {}

  enqueue(item: OutboxItem, now: number): void {
    if ((this.done.get(item.id) ?? Number.NEGATIVE_INFINITY) > now || this.items.has(item.id)) return;
    this.items.set(item.id, { json: JSON.stringify({ ...item, enqueuedAt: now }), attempts: 0 });
    const queue = this.queues.get(item.chatId) ?? [];
    queue.push(item.id);
    this.queues.set(item.chatId, queue);
    if (!this.due.has(item.chatId) && !this.leased.has(item.chatId)) this.due.set(item.chatId, now);
  }

  forgetDone(now: number): void {
    for (const [id, until] of this.done) {
      if (until > now) break;
      this.done.delete(id);
    }
  }

  async claim(now: number): Promise<ClaimBatch> {
    const token = `m${++this.tokens}`;
    const ready = [...this.due].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
    const claims: Claim[] = [];
    for (const [chatId] of ready) {
      if (!this.reserveGlobal(now)) break;
      this.due.delete(chatId);
      this.leased.add(chatId);
      claims.push({ ...this.head(chatId), chatId, window: [...(this.windows.get(chatId) ?? [])], token });
    }
    const dues = [...this.due.values()];
    return {
      claims,
      globalTimes: [...this.globalTimes],
      ...(dues.length > 0 ? { earliestDue: Math.min(...dues) } : {}),
    };
  }

  async complete(claim: Claim, completion: Completion, now: number) {
    const { chatId, item } = claim;
    const window = chatWindow(chatId, this.limits);
    this.windows.set(chatId, liveTimes([...(this.windows.get(chatId) ?? []), now], window, now));
    const queue = this.queues.get(chatId) ?? [];
    const { step } = completion;
    if (step.kind === "sent" || step.kind === "dead") {
      queue.shift();
      this.items.delete(item.id);
      if (step.kind === "sent") {
        this.done.delete(item.id);
        this.done.set(item.id, now + this.limits.doneTtlMs);
      } else {
        this.deadLetters.unshift({ item, description: step.description, at: now });
        this.deadLetters.length = Math.min(this.deadLetters.length, DEAD_LETTERS_KEPT);
      }
    } else if (step.kind === "retry") {
      const stored = this.items.get(item.id);
      if (stored !== undefined) stored.attempts++;
    }
    if (queue.length === 0) {
      this.queues.delete(chatId);
      this.leased.delete(chatId);
      return undefined;
    }
    if (completion.next && this.reserveGlobal(now)) return this.head(chatId);
    this.unlease(chatId, completion.dueAt);
    return undefined;
  }

  async release(claim: Claim, dueAt: number): Promise<void> {
    this.unlease(claim.chatId, dueAt);
  }

  private unlease(chatId: number, dueAt: number): void {
    this.leased.delete(chatId);
    if (this.queues.has(chatId)) this.due.set(chatId, dueAt);
  }

  private head(chatId: number): { item: OutboxItem; attempts: number } {
    const id = this.queues.get(chatId)?.[0];
    const stored = id === undefined ? undefined : this.items.get(id);
    if (stored === undefined) throw new Error(`outbox: chat ${chatId} is due with nothing queued`);
    return { item: JSON.parse(stored.json) as OutboxItem, attempts: stored.attempts };
  }

  private reserveGlobal(now: number): boolean {
    this.globalTimes = liveTimes(this.globalTimes, globalWindow(this.limits), now);
    if (globalReadyAt(this.globalTimes, now, this.limits) > now) return false;
    this.globalTimes.push(now);
    return true;
  }
}

/**
 * The outbox in process memory: the same rules and drain as RedisOutbox, for development and tests.
 * Concurrent drain() calls on one instance never send the same item twice (per-chat lease in memory).
 * Delivered ids are forgotten doneTtlMs after delivery, measured in the `now` passed in.
 */
export class MemoryOutbox implements Outbox {
  readonly limits: OutboxLimits;
  private readonly backend: MemoryBackend;

  constructor(limits: Partial<OutboxLimits> = {}) {
    this.limits = outboxLimits(limits);
    this.backend = new MemoryBackend(this.limits);
  }

  async enqueue(items: OutboxItem[], now: number): Promise<void> {
    items.forEach(checkItem);
    this.backend.forgetDone(now);
    for (const item of items) this.backend.enqueue(item, now);
  }

  drain(
    now: number,
    send: Sender,
    onDelivered?: (item: OutboxItem, result: unknown) => Promise<void>,
  ): Promise<DrainResult> {
    return drainOutbox(this.backend, this.limits, now, send, onDelivered);
  }

  async pending(): Promise<number> {
    return this.backend.items.size;
  }

  async dead(limit: number): Promise<DeadLetter[]> {
    return this.backend.deadLetters.slice(0, Math.max(0, limit));
  }

  async close(): Promise<void> {}
}
