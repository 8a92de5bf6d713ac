/**
 * Every store Pandu uses, declared in one place. Implementations live under
 * adapters/ with the same file names per backend:
 *
 *   chat-store   sessions, per-chat locks, update dedupe     memory/ · redis/      (hot, short-lived)
 *   faq-log      questions without an answer, 👍/👎            memory/ · redis/
 *   desk-store   cases, audit trail, routes, outbox          memory/ · postgres/   (business records)
 *   dashboard-store  dashboard sign-in links and sessions,   memory/ · postgres/
 *                    daily journey and FAQ-use aggregates
 *
 * Stores parse what they read; an unreadable record is skipped or reported,
 * never a crash.
 */
import type { Case } from "./core/desk/case.ts";
import type { CaseReport, ReportFilter } from "./core/desk/report.ts";
import type { FaqGap } from "./core/faq-gap.ts";
import type { DeadLetter, DrainResult, OutboxItem, OutboxLimits, Sender } from "./core/outbox.ts";
import type { Address, Delivered } from "./core/protocol.ts";
import type { OfficeCard } from "./core/world.ts";

// ------------------------------------------------------------ chat sessions

/** Exclusive right to one chat's session while one update is handled. */
export interface Lease {
  readonly chat: string;
  readonly updateId: number;
  /** Fencing token: a commit succeeds only while the lock still holds this token. */
  readonly token: string;
  /** The stored session as read under the lock (JSON-decoded; unknown until parsed). */
  readonly session: unknown;
  done: boolean;
  /**
   * The update came from the chat's inbox (`admit` / `claim`): committing or
   * releasing the lease also marks the update applied and takes it out of the inbox.
   */
  readonly inbox?: true;
  /** Set by commit/release of an inbox lease: updates still waiting in the chat's inbox. */
  waiting?: number;
}

export type AcquireResult = { status: "acquired"; lease: Lease } | { status: "duplicate" };

/** An inbox update to handle now: its lease (the chat's lock is held) and the channel's payload. */
export interface Claim {
  lease: Lease;
  payload: string;
}

export type AdmitResult =
  /** In the inbox (durable when the store is). */
  | { status: "queued" }
  /** In the inbox, and the chat was free: its lock is now held and `claim` is the inbox's head. */
  | { status: "claimed"; claim: Claim }
  /** Already applied, or already waiting in the inbox. */
  | { status: "duplicate" }
  /** The inbox already holds `limit` updates: dropped. `notify`: the first drop in `noticeMs`. */
  | { status: "full"; notify: boolean };

export type ClaimResult = ({ status: "claimed" } & Claim) | { status: "busy" } | { status: "empty" };

export interface AdmitOptions {
  /** Updates the chat's inbox may hold (the one being handled included). */
  limit: number;
  /** At most one `notify: true` per chat in this many ms. */
  noticeMs: number;
  /** Also take the chat's lock if it is free, and return the head to handle. */
  claim: boolean;
}

/**
 * Per-chat sessions with a lock and update dedupe. One update of a chat at a
 * time, across every process sharing the store; an update_id already applied
 * is reported as duplicate. Chats are addresses ("tg:123").
 *
 * Two ways in: `acquire` waits for the chat's lock (a caller that holds its
 * update until it is handled); `admit` puts the update in the chat's inbox and
 * returns at once, and whoever takes the lock (`claim`) handles the inbox in
 * order. With a durable store the inbox survives a crash; `stranded` finds the
 * inboxes nobody is handling.
 */
export interface ChatStore {
  /** Whether what `admit` accepted survives a crash of this process. */
  readonly durable: boolean;
  acquire(chat: string, updateId: number): Promise<AcquireResult>;
  /** Writes the session (undefined deletes it), marks the update applied and releases the lock, atomically. */
  commit(lease: Lease, session: unknown): Promise<void>;
  /**
   * Releases without writing the session. An inbox update is marked applied and
   * leaves the inbox (it was handled, without a change to the session).
   */
  release(lease: Lease): Promise<void>;
  /** Puts one update (the channel's payload) in its chat's inbox; never waits for the lock. */
  admit(chat: string, updateId: number, payload: string, options: AdmitOptions): Promise<AdmitResult>;
  /** Takes the chat's lock, if free, with the head of its inbox; never waits. */
  claim(chat: string): Promise<ClaimResult>;
  /** Renews the lock of a lease still running (a long turn); false when the lock is no longer its. */
  extend(lease: Lease): Promise<boolean>;
  /** Chats whose inbox holds updates while nobody holds their lock (a crashed process), at most `limit`. */
  stranded(limit: number): Promise<string[]>;
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

// ---------------------------------------------------------------- FAQ log

export type { CaseReport, DeadLetter, FaqGap, OfficeCard, ReportFilter };

export interface FaqLogOptions {
  /** Distinct gaps kept (default GAP_MAX): the least asked go first. */
  max?: number;
  /** A gap not asked for this long is deleted (default GAP_RETENTION_DAYS). */
  retentionMs?: number;
}

/**
 * What the FAQ learns from: questions without a good answer (masked, see
 * core/mask.ts maskQuestion; the GAP_MAX most asked; forgotten when not asked
 * within the retention period), and 👍/👎 per entry.
 */
export interface FaqLog {
  /** One more asking of a (masked) question at `now`, with the best unsure hit when there was one. */
  gap(maskedText: string, best: string | undefined, now: number): Promise<void>;
  feedback(id: string, helpful: boolean): Promise<void>;
  /** The most asked gaps first. */
  gaps(limit: number): Promise<FaqGap[]>;
  votes(): Promise<Record<string, { up: number; down: number }>>;
  /** /hapusdata: one asking less of each gap id (core/faq-gap.ts gapId); a gap asked by nobody else goes. */
  forget(ids: string[]): Promise<void>;
  /** Deletes the gaps not asked within the retention period before `now`; returns how many. */
  purge(now: number): Promise<number>;
}

// ------------------------------------------------------------- desk records

/** Who did something: a person or group address, or the bot itself. */
export type Actor = Address | "system";

export type AuditKind =
  | "opened"
  | "added"
  | "claimed"
  | "answered"
  | "returned"
  | "resolved"
  | "cancelled"
  | "rated"
  | "reopened"
  | "reminded"
  | "redacted"
  | "rerouted"
  | "linked"
  | "unlinked"
  | "claim-filed"
  | "claim-approved"
  | "claim-rejected"
  | "route-broken"
  | "route-repaired"
  | "route-moved"
  | "manager-set"
  | "card-edited"
  | "card-confirmed";

/** One row of the audit trail: a case event or a route change. Holds no message text. */
export interface AuditEvent {
  at: number;
  actor: Actor;
  /** Display name of a staff member (HR staff act under their Telegram name). */
  actorName?: string;
  kind: AuditKind;
  caseId?: string;
  group?: Address;
  instansi?: string;
  /** Small facts (a rating, the previous group); never personal data. */
  detail?: Record<string, string | number | boolean>;
}

export interface AuditRow extends AuditEvent {
  id: number;
}

/** A group as the desk knows it: how it shows cases (a forum gets a topic per case) and whether it can be reached. */
export interface GroupInfo {
  address: Address;
  title?: string;
  forum: boolean;
  /** Anyone can join or read it (Telegram: it has a @username): never approved for cases. */
  public?: boolean;
  /** The bot cannot deliver there any more (removed, no rights, 403), since when and why. */
  broken?: { at: number; why: string };
  /** The group became another one (Telegram: upgraded to a supergroup). */
  movedTo?: Address;
}

export type ClaimStatus = "pending" | "approved" | "rejected" | "withdrawn";

/** A group asking to receive an instansi's cases. Routes nothing until approved. */
export interface RouteClaim {
  id: string;
  group: Address;
  instansi: string;
  status: ClaimStatus;
  requestedBy: Address;
  requestedName?: string;
  requestedAt: number;
  /** Members of the group when it asked (shown to approvers). */
  members?: number;
  decidedBy?: Address;
  decidedName?: string;
  decidedAt?: number;
}

export interface Route {
  instansi: string;
  group: Address;
  since: number;
}

/** Filters for statistics; times in ms since epoch, `to` exclusive. */
export interface StatsFilter {
  from?: number;
  to?: number;
  /** One instansi, or a set (a regional manager's). */
  instansi?: string | string[];
  group?: Address;
}

export interface DeskStats {
  total: number;
  byStatus: Record<string, number>;
  byType: Record<string, number>;
  /** Top instansi by number of cases. */
  byInstansi: [string, number][];
  /** Median time to the first staff answer and to closing (ms); undefined without data. */
  medianFirstAnswerMs?: number;
  medianCloseMs?: number;
  ratings: number;
  ratingAverage?: number;
}

/**
 * The writes and locked reads of one desk transaction. Everything written in
 * a transaction (cases, audit rows, outbox items, routes) commits together or
 * not at all; `getCase(…, true)` and `openCaseOf` lock the case until then.
 */
export interface DeskTx {
  nextCaseId(): Promise<string>;
  getCase(id: string, lock?: boolean): Promise<Case | undefined>;
  /** The user's open (open or claimed) case, locked. */
  openCaseOf(user: Address): Promise<Case | undefined>;
  insertCase(c: Case): Promise<void>;
  updateCase(c: Case): Promise<void>;
  record(event: AuditEvent): Promise<void>;
  enqueue(items: OutboxItem[], now: number): Promise<void>;
  /** Counts one event for `key`; false when `limit` is already reached in the current window. */
  allow(key: string, limit: number, windowMs: number, now: number): Promise<boolean>;
  route(instansi: string): Promise<Route | undefined>;
  routesOf(group: Address): Promise<Route[]>;
  setRoute(instansi: string, group: Address, now: number): Promise<Route | undefined>;
  dropRoute(instansi: string): Promise<void>;
  group(address: Address): Promise<GroupInfo | undefined>;
  /** Writes what is given (title, forum, public); the broken state changes only through markBroken/repair. */
  saveGroup(info: GroupInfo): Promise<void>;
  markBroken(group: Address, why: string, now: number): Promise<void>;
  repair(group: Address): Promise<void>;
  /** The group became `to`: its routes, manager set, pending claims and open cases follow. */
  moveGroup(from: Address, to: Address): Promise<void>;
  /** Open cases routed to a group, locked. */
  openCasesOf(group: Address): Promise<Case[]>;
  pendingClaim(group: Address, instansi: string): Promise<RouteClaim | undefined>;
  insertClaim(claim: Omit<RouteClaim, "id">): Promise<RouteClaim>;
  getClaim(id: string, lock?: boolean): Promise<RouteClaim | undefined>;
  updateClaim(claim: RouteClaim): Promise<void>;
  /** Groups that manage (may approve claims for) an instansi. */
  managersOf(instansi: string): Promise<Address[]>;
  managed(group: Address): Promise<string[]>;
  setManaged(group: Address, instansi: string[], now: number): Promise<void>;
  officeCard(instansi: string): Promise<OfficeCard | undefined>;
  saveOfficeCard(card: OfficeCard): Promise<void>;
  /** Which case a message in a group (the card, a relayed message) or a forum topic belongs to. */
  linkMessage(group: Address, ref: string, caseId: string): Promise<void>;
  caseOfMessage(group: Address, ref: string): Promise<string | undefined>;
  linkTopic(group: Address, topic: string, caseId: string): Promise<void>;
  caseOfTopic(group: Address, topic: string): Promise<string | undefined>;
  /**
   * Erasure of one user's data in every table: cases redacted (fields, comment,
   * the user's address), their pending outbox items and dead letters deleted,
   * their actions in the audit trail anonymised. Returns the cases redacted.
   */
  eraseUser(user: Address, now: number): Promise<Case[]>;
  /**
   * Takes a case's queued items for one chat out of the outbox (a case leaving a group: what was still
   * on its way there must not arrive, the desk re-sends what the new group needs). Returned in order.
   */
  takeQueued(caseId: string, chat: Address): Promise<OutboxItem[]>;
  /** The cases that have items queued for a chat (a group losing an instansi: see Desk's reroute). */
  queuedCases(chat: Address): Promise<string[]>;
}

/** Called inside the delivery transaction of an item, so what it writes commits with the item's "done". */
export type OnDelivered = (tx: DeskTx, item: OutboxItem, delivered: Delivered, now: number) => Promise<void>;
/** Called inside the transaction that moves a permanently failed item to the dead letters. */
export interface DeliveryHooks {
  delivered?: OnDelivered;
  dead?: OnDead;
}

export type OnDead = (
  tx: DeskTx,
  item: OutboxItem,
  outcome: { description: string; gone: boolean; movedTo?: string },
  now: number,
) => Promise<void>;

/**
 * The HR desk's records: cases, the audit trail, routes and the transactional
 * outbox. PostgreSQL in production, memory for `npm run chat` and tests.
 */
/** Rate windows over for this long are forgotten (the longest window, new cases per day, is one day). */
export const SWEEP_WINDOWS_AFTER_MS = 24 * 3_600_000;
/** A chat's send times are forgotten this long after its last send, with nothing queued (pacing windows are ≤ 1 minute). */
export const SWEEP_PACE_AFTER_MS = 2 * 60_000;

/** The desk's workload at a glance (metrics, /readyz, the dashboard). */
export interface Workload {
  open: number;
  claimed: number;
  /** Creation time of the oldest case nobody took. */
  oldestUnclaimedAt?: number;
  deadLetters: number;
}

export interface DeskStore {
  readonly limits: OutboxLimits;
  /** Runs `work` atomically; a throw rolls back every write of the transaction. */
  tx<T>(work: (tx: DeskTx) => Promise<T>): Promise<T>;
  getCase(id: string): Promise<Case | undefined>;
  /** Open cases routed to a group, oldest first. */
  openCasesOf(group: Address): Promise<Case[]>;
  /** Open, unclaimed cases whose last announcement or reminder is at or before `before`. */
  dueReminders(before: number, limit: number): Promise<Case[]>;
  /** Deletes closed cases closed at or before `before` (with their audit rows and links). */
  purgeClosed(before: number): Promise<number>;
  /**
   * Forgets bookkeeping nobody needs any more: rate windows over for a day (the longest window is a day)
   * and the pace of chats with nothing queued that were last sent to over two minutes ago
   * (the longest pacing window is a minute). Returns how many were dropped.
   */
  sweep(now: number): Promise<number>;
  history(caseId: string): Promise<AuditRow[]>;
  /** The audit rows about a group itself (routes, claims, cards; not its cases' events), newest first. */
  groupHistory(group: Address, limit: number): Promise<AuditRow[]>;
  /** Every office card (the directory shows them to users; refreshed periodically). */
  officeCards(): Promise<OfficeCard[]>;
  /** Cards not confirmed since `before` whose group was not asked since `askedBefore`. */
  staleCards(before: number, askedBefore: number, limit: number): Promise<OfficeCard[]>;
  group(address: Address): Promise<GroupInfo | undefined>;
  /** Groups the bot cannot reach that still have routes (the broken routes). */
  brokenGroups(): Promise<GroupInfo[]>;
  stats(filter: StatsFilter): Promise<DeskStats>;
  /**
   * Sends what is due at `now` within the limits, in FIFO order per chat (a chat's later items wait
   * while its head waits for a retry). Safe from several processes at once: an item is never sent by
   * two drains. A delivered item is marked done in the transaction that runs `hooks.delivered`; one that
   * failed for good goes to the dead letters in the transaction that runs `hooks.dead`.
   */
  drain(now: number, send: Sender, hooks?: DeliveryHooks): Promise<DrainResult>;
  /** Items waiting, and the oldest one's enqueue time. */
  backlog(now: number): Promise<{ pending: number; due: number; oldestAt?: number }>;
  dead(limit: number): Promise<DeadLetter[]>;
  /** What waits for staff and for operators: open cases by status, the oldest unclaimed one, dead letters. */
  workload(): Promise<Workload>;
  /** The dashboard's case numbers for a period and scope (core/desk/report.ts; SQL in PostgreSQL). */
  caseReport(filter: ReportFilter): Promise<CaseReport>;
  /** The cases of a period and scope, oldest first, at most `limit` (the CSV export). */
  reportCases(filter: ReportFilter, limit: number): Promise<Case[]>;
  /** Every approved route (the weekly digest goes to each verified group). */
  allRoutes(): Promise<Route[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- dashboard

/** Who signed in to the dashboard and from where; what they may see is worked out from it at every request. */
export interface DashboardPrincipal {
  /** The person ("tg:123"). */
  user: Address;
  /** Their display name (shown on the pages). */
  name: string;
  /** The HR group whose admin asked for the link; absent: a bot admin in a private chat. */
  group?: Address;
}

/**
 * One-time sign-in links and the sessions they open. Only SHA-256 hashes of the
 * tokens are stored: a database dump signs nobody in.
 */
export interface SignInStore {
  saveLink(hash: string, principal: DashboardPrincipal, expiresAt: number): Promise<void>;
  /** Takes a link: its principal when it exists and has not expired, and never again (single use, atomic). */
  takeLink(hash: string, now: number): Promise<DashboardPrincipal | undefined>;
  saveSession(hash: string, principal: DashboardPrincipal, expiresAt: number): Promise<void>;
  session(hash: string, now: number): Promise<DashboardPrincipal | undefined>;
  endSession(hash: string): Promise<void>;
  /** Deletes expired links and sessions; returns how many. */
  purgeSignIns(now: number): Promise<number>;
}

/** Counts of one flow step in one WIB day or one hour. */
export interface StepCounts {
  flow: string;
  state: string;
  /** Moved to this step from another one. */
  entered: number;
  /** Moved from this step to another one. */
  wentOn: number;
  /** Reached this step when it ends a journey with success. */
  completed: number;
  /** Answers at this step that failed validation. */
  invalid: number;
}

/** A step's counts without its flow and state. */
export type StepTally = Omit<StepCounts, "flow" | "state">;
export const NO_STEPS: StepTally = { entered: 0, wentOn: 0, completed: 0, invalid: 0 };

/** `was` with `c` added to each count (other fields kept). */
export function addTally<T extends StepTally>(was: T, c: StepTally): T {
  return {
    ...was,
    entered: was.entered + c.entered,
    wentOn: was.wentOn + c.wentOn,
    completed: was.completed + c.completed,
    invalid: was.invalid + c.invalid,
  };
}

/** What the journey counter flushes: already summed per key (no key twice in one list). */
export interface JourneyBatch {
  days: (StepCounts & { day: string })[];
  /** `hour`: ms since epoch at the start of the hour. */
  hours: (StepCounts & { hour: number })[];
  faq: { day: string; entry: string; used: number; unsure: number }[];
}

/**
 * Durable daily aggregates of the conversations: flow steps (entered, went on,
 * completed, invalid), FAQ entries used, and hourly step counts for the last
 * days (who is at which step now). Added to from every instance; never per user.
 */
export interface JourneyLog {
  addJourneys(batch: JourneyBatch): Promise<void>;
  /** Step counts summed over the WIB days [fromDay, toDay] ("YYYY-MM-DD", inclusive). */
  steps(fromDay: string, toDay: string): Promise<StepCounts[]>;
  /** Step counts summed over the hours starting at or after `since`. */
  recentSteps(since: number): Promise<StepCounts[]>;
  faqUses(fromDay: string, toDay: string): Promise<{ entry: string; used: number; unsure: number }[]>;
  /** Deletes hourly rows older than `before`; returns how many. */
  purgeHours(before: number): Promise<number>;
}
