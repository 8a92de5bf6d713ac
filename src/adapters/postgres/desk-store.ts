import { randomBytes } from "node:crypto";
import pg from "pg";
import { Case, ERASED, rateKeysOf } from "../../core/desk/case.ts";
import type { CaseReport, ReportFilter } from "../../core/desk/report.ts";
import {
  type Attempt,
  type Claim,
  chatReadyAt,
  chatWindow,
  checkItem,
  type DrainResult,
  liveTimes,
  type OutboxBackend,
  OutboxDriver,
  type OutboxItem,
  type OutboxLimits,
  outboxLimits,
  PRIORITY,
  type Sender,
} from "../../core/outbox.ts";
import type { Address } from "../../core/protocol.ts";
import { CONTACT_FIELDS } from "../../core/validate/contact.ts";
import type {
  AuditEvent,
  AuditRow,
  DeadLetter,
  DeliveryHooks,
  DeskStats,
  DeskStore,
  DeskTx,
  GroupInfo,
  OfficeCard,
  Route,
  RouteClaim,
  StatsFilter,
  Workload,
} from "../../stores.ts";
import { SWEEP_PACE_AFTER_MS, SWEEP_WINDOWS_AFTER_MS } from "../../stores.ts";
import { reportWhere, selectCaseReport } from "./case-report.ts";

export interface PostgresDeskStoreOptions {
  pool: pg.Pool;
  limits?: Partial<OutboxLimits>;
  /** How long a drain holds a chat while sending to it; a drain that dies frees it after this (default 30 s). */
  leaseMs?: number;
  /** Chats claimed per round trip, and so sent to in parallel (default 8, below the pool size). */
  claimBatch?: number;
  /** Whether close() ends the pool (default true; false when the pool is shared). */
  ownsPool?: boolean;
  /** Told about rows that could not be read (foreign or corrupt data); they are skipped. */
  onUnreadable?: (what: string, reason: string) => void;
}

const OPEN = "status in ('open', 'claimed')";
const ms = (d: Date | null | undefined) => (d == null ? undefined : d.getTime());
const at = (n: number) => new Date(n);

interface CaseRow {
  id: string;
  v: number;
  type: string;
  status: string;
  user_addr: string;
  instansi: string | null;
  group_addr: string;
  fallback: boolean;
  fields: Record<string, string>;
  card_ref: string | null;
  topic_ref: string | null;
  claimed_by: string | null;
  claimed_by_name: string | null;
  created_at: Date;
  claimed_at: Date | null;
  first_answer_at: Date | null;
  closed_at: Date | null;
  reminded_at: Date | null;
  reopened: number;
  rating: number | null;
  comment: string | null;
  messages: number;
  redacted: boolean;
  user_at: Date | null;
  staff_at: Date | null;
}

const CASE_COLUMNS = `id, v, type, status, user_addr, instansi, group_addr, fallback, fields, card_ref, topic_ref,
  claimed_by, claimed_by_name, created_at, claimed_at, first_answer_at, closed_at, reminded_at, reopened, rating,
  comment, messages, redacted, user_at, staff_at`;

const CASE_COLUMN_NAMES = CASE_COLUMNS.split(",").map((c) => c.trim());
/** Parameters in CASE_COLUMNS order (caseParams). */
const INSERT_CASE = `insert into cases (${CASE_COLUMNS}) values (${CASE_COLUMN_NAMES.map((_, i) => `$${i + 1}`).join(", ")})`;
const UPDATE_CASE = `update cases set ${CASE_COLUMN_NAMES.slice(1)
  .map((column, i) => `${column} = $${i + 2}`)
  .join(", ")} where id = $1`;

const atOrNull = (ms: number | undefined) => (ms === undefined ? null : at(ms));

/** A case's values in CASE_COLUMNS order. */
function caseParams(c: Case): unknown[] {
  return [
    c.id,
    c.v,
    c.type,
    c.status,
    c.user,
    c.instansi ?? null,
    c.group,
    c.fallback,
    JSON.stringify(c.fields),
    c.card ?? null,
    c.topic ?? null,
    c.claimedBy?.id ?? null,
    c.claimedBy?.name ?? null,
    at(c.createdAt),
    atOrNull(c.claimedAt),
    atOrNull(c.firstAnswerAt),
    atOrNull(c.closedAt),
    atOrNull(c.remindedAt),
    c.reopened,
    c.rating ?? null,
    c.comment ?? null,
    c.messages,
    c.redacted,
    atOrNull(c.userAt),
    atOrNull(c.staffAt),
  ];
}

interface ChatRow {
  chat: string;
  lane: string;
  sent_at: Date[];
}

interface ItemRow {
  id: string;
  seq: string;
  priority: number;
  chat: string;
  lane: string;
  message: OutboxItem["message"];
  tag: string | null;
  case_id: string | null;
  enqueued_at: Date;
  attempts: number;
}

interface GroupRow {
  addr: string;
  title: string | null;
  forum: boolean;
  public: boolean;
  broken_at: Date | null;
  broken_why: string | null;
  moved_to: string | null;
}

interface RouteRow {
  instansi: string;
  group_addr: string;
  since: Date;
}

function toRoute(r: RouteRow): Route {
  return { instansi: r.instansi, group: r.group_addr, since: r.since.getTime() };
}

/** Case ids are bigints: anything else (a forged button, a typo in /kasus) names no case. */
const isCaseId = (id: string) => /^\d{1,18}$/.test(id);

function toGroup(r: GroupRow): GroupInfo {
  return {
    address: r.addr,
    forum: r.forum,
    public: r.public,
    ...(r.title !== null ? { title: r.title } : {}),
    ...(r.broken_at !== null ? { broken: { at: r.broken_at.getTime(), why: r.broken_why ?? "" } } : {}),
    ...(r.moved_to !== null ? { movedTo: r.moved_to } : {}),
  };
}

interface ClaimRow {
  id: string;
  group_addr: string;
  instansi: string;
  status: RouteClaim["status"];
  requested_by: string;
  requested_name: string | null;
  requested_at: Date;
  members: number | null;
  decided_by: string | null;
  decided_name: string | null;
  decided_at: Date | null;
}

function toClaim(r: ClaimRow): RouteClaim {
  return {
    id: String(r.id),
    group: r.group_addr,
    instansi: r.instansi,
    status: r.status,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at.getTime(),
    ...(r.requested_name !== null ? { requestedName: r.requested_name } : {}),
    ...(r.members !== null ? { members: r.members } : {}),
    ...(r.decided_by !== null ? { decidedBy: r.decided_by } : {}),
    ...(r.decided_name !== null ? { decidedName: r.decided_name } : {}),
    ...(r.decided_at !== null ? { decidedAt: r.decided_at.getTime() } : {}),
  };
}

/** The contact_cards columns of the card's fields, in CONTACT_FIELDS order. */
const CARD_FIELDS = [
  "office_name",
  "address",
  "phone",
  "whatsapp",
  "email",
  "website",
  "hours",
  "note",
] as const;

interface CardRow extends Record<(typeof CARD_FIELDS)[number], string | null> {
  instansi: string;
  updated_by: string;
  updated_name: string | null;
  updated_at: Date;
  confirmed_at: Date;
  asked_at: Date | null;
}

function toCard(r: CardRow): OfficeCard {
  const card: OfficeCard = {
    instansi: r.instansi,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at.getTime(),
    confirmedAt: r.confirmed_at.getTime(),
    ...(r.updated_name !== null ? { updatedName: r.updated_name } : {}),
    ...(r.asked_at !== null ? { askedAt: r.asked_at.getTime() } : {}),
  };
  CARD_FIELDS.forEach((column, i) => {
    const value = r[column];
    if (value !== null) card[CONTACT_FIELDS[i]!] = value;
  });
  return card;
}

interface AuditDbRow {
  id: string;
  at: Date;
  actor: string;
  actor_name: string | null;
  kind: AuditRow["kind"];
  case_id: string | null;
  group_addr: string | null;
  instansi: string | null;
  detail: AuditRow["detail"] | null;
}

function toAudit(r: AuditDbRow): AuditRow {
  return {
    id: Number(r.id),
    at: r.at.getTime(),
    actor: r.actor,
    kind: r.kind,
    ...(r.actor_name !== null ? { actorName: r.actor_name } : {}),
    ...(r.case_id !== null ? { caseId: String(r.case_id) } : {}),
    ...(r.group_addr !== null ? { group: r.group_addr } : {}),
    ...(r.instansi !== null ? { instansi: r.instansi } : {}),
    ...(r.detail !== null ? { detail: r.detail } : {}),
  };
}

function toItem(r: ItemRow): OutboxItem {
  return {
    id: r.id,
    to: r.chat,
    group: r.lane === "group",
    message: r.message,
    ...(r.tag !== null ? { tag: r.tag } : {}),
    ...(r.case_id !== null ? { caseId: r.case_id } : {}),
    ...(r.priority !== PRIORITY.NORMAL ? { priority: r.priority as OutboxItem["priority"] } : {}),
    enqueuedAt: r.enqueued_at.getTime(),
  };
}

/**
 * The desk's records in PostgreSQL (pg). Every desk change and the messages it
 * causes commit in one transaction; the outbox is drained with
 * `FOR UPDATE SKIP LOCKED` and a lease per chat, so several instances never send
 * the same item; an item is marked done in the transaction that records what
 * its delivery produced (the card's message id), by the desk's hook.
 */
export class PostgresDeskStore implements DeskStore {
  readonly limits: OutboxLimits;
  private readonly pool: pg.Pool;
  private readonly owner = randomBytes(6).toString("base64url");
  private readonly driver: OutboxDriver<DeliveryHooks>;

  constructor(private readonly options: PostgresDeskStoreOptions) {
    this.pool = options.pool;
    this.limits = outboxLimits(options.limits);
    this.driver = new OutboxDriver(this.backend(), this.limits, options.claimBatch ?? 8);
  }

  async tx<T>(work: (tx: DeskTx) => Promise<T>): Promise<T> {
    const client = await this.checkout();
    try {
      await client.query("begin");
      const result = await work(this.txOf(client));
      await client.query("commit");
      return result;
    } catch (err) {
      await client.query("rollback").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async getCase(id: string): Promise<Case | undefined> {
    if (!isCaseId(id)) return undefined;
    const { rows } = await this.pool.query<CaseRow>(`select ${CASE_COLUMNS} from cases where id = $1`, [id]);
    return rows[0] === undefined ? undefined : this.toCase(rows[0]);
  }

  async openCasesOf(group: Address): Promise<Case[]> {
    const { rows } = await this.pool.query<CaseRow>(
      `select ${CASE_COLUMNS} from cases where group_addr = $1 and ${OPEN} order by created_at limit 200`,
      [group],
    );
    return rows.flatMap((r) => this.toCase(r) ?? []);
  }

  async dueReminders(before: number, limit: number): Promise<Case[]> {
    const { rows } = await this.pool.query<CaseRow>(
      `(select ${CASE_COLUMNS} from cases
         where status = 'open' and coalesce(reminded_at, created_at) <= $1
         order by coalesce(reminded_at, created_at) limit $2)
       union all
       (select ${CASE_COLUMNS} from cases
         where status = 'claimed' and greatest(coalesce(claimed_at, created_at), user_at, reminded_at) <= $1
           and (staff_at is null or staff_at < greatest(coalesce(claimed_at, created_at), user_at))
         order by greatest(coalesce(claimed_at, created_at), user_at, reminded_at) limit $2)`,
      [at(before), limit],
    );
    return rows.flatMap((r) => this.toCase(r) ?? []);
  }

  async purgeClosed(before: number): Promise<number> {
    return this.inBatches(
      `delete from cases where id in (
         select id from cases where closed_at is not null and closed_at <= $1 and not (${OPEN}) limit 1000)`,
      [at(before)],
    );
  }

  /** Runs a delete of at most 1,000 rows until it deletes fewer: a large backlog never holds a long transaction. */
  private async inBatches(sql: string, params: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(sql, params);
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < 1000) return total;
    }
  }

  async sweep(now: number): Promise<number> {
    const windows = await this.inBatches(
      "delete from rate_windows where key in (select key from rate_windows where start_ms < $1 limit 1000)",
      [now - SWEEP_WINDOWS_AFTER_MS],
    );
    const chats = await this.inBatches(
      `delete from outbox_chats where chat in (
         select c.chat from outbox_chats c
          where c.due_at is null and (c.lease_until is null or c.lease_until <= $1)
            and coalesce((select max(t) from unnest(c.sent_at) t), '-infinity') < $2
            and not exists (select 1 from outbox o where o.chat = c.chat)
          limit 1000 for update skip locked)`,
      [at(now), at(now - SWEEP_PACE_AFTER_MS)],
    );
    return windows + chats;
  }

  async history(caseId: string): Promise<AuditRow[]> {
    if (!isCaseId(caseId)) return [];
    const { rows } = await this.pool.query<AuditDbRow>("select * from audit where case_id = $1 order by id", [
      caseId,
    ]);
    return rows.map(toAudit);
  }

  async groupHistory(group: Address, limit: number): Promise<AuditRow[]> {
    const { rows } = await this.pool.query<AuditDbRow>(
      "select * from audit where group_addr = $1 and case_id is null order by id desc limit $2",
      [group, limit],
    );
    return rows.map(toAudit);
  }

  async officeCards(): Promise<OfficeCard[]> {
    return (await this.pool.query<CardRow>("select * from contact_cards")).rows.map(toCard);
  }

  async staleCards(before: number, askedBefore: number, limit: number): Promise<OfficeCard[]> {
    const { rows } = await this.pool.query<CardRow>(
      `select * from contact_cards where confirmed_at <= $1 and (asked_at is null or asked_at <= $2)
        order by confirmed_at limit $3`,
      [at(before), at(askedBefore), limit],
    );
    return rows.map(toCard);
  }

  async group(address: Address): Promise<GroupInfo | undefined> {
    const row = (await this.pool.query<GroupRow>("select * from groups where addr = $1", [address])).rows[0];
    return row === undefined ? undefined : toGroup(row);
  }

  async brokenGroups(): Promise<GroupInfo[]> {
    const { rows } = await this.pool.query<GroupRow>(
      "select g.* from groups g where g.broken_at is not null and exists (select 1 from routes r where r.group_addr = g.addr)",
    );
    return rows.map(toGroup);
  }

  async stats(filter: StatsFilter): Promise<DeskStats> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace("?", `$${params.length}`));
    };
    if (filter.from !== undefined) add("created_at >= ?", at(filter.from));
    if (filter.to !== undefined) add("created_at < ?", at(filter.to));
    if (filter.instansi !== undefined) add("instansi = any(?::text[])", [filter.instansi].flat());
    if (filter.group !== undefined) add("group_addr = ?", filter.group);
    const scope = where.length > 0 ? `where ${where.join(" and ")}` : "";
    const { rows } = await this.pool.query<{
      total: string;
      by_status: Record<string, number> | null;
      by_type: Record<string, number> | null;
      by_instansi: [string, number][] | null;
      first_answer: number | null;
      to_close: number | null;
      ratings: string;
      rating_avg: number | null;
    }>(
      `with c as (select * from cases ${scope})
       select
         (select count(*) from c) as total,
         (select jsonb_object_agg(status, n) from (select status, count(*) n from c group by status) s) as by_status,
         (select jsonb_object_agg(type, n) from (select type, count(*) n from c group by type) t) as by_type,
         (select jsonb_agg(jsonb_build_array(i, n) order by n desc) from
            (select coalesce(instansi, '-') i, count(*) n from c group by 1 order by 2 desc limit 20) i) as by_instansi,
         (select percentile_cont(0.5) within group (order by extract(epoch from first_answer_at - created_at) * 1000)
            from c where first_answer_at is not null) as first_answer,
         (select percentile_cont(0.5) within group (order by extract(epoch from closed_at - created_at) * 1000)
            from c where closed_at is not null and status <> 'cancelled') as to_close,
         (select count(rating) from c) as ratings,
         (select avg(rating)::float8 from c) as rating_avg`,
      params,
    );
    const r = rows[0]!;
    return {
      total: Number(r.total),
      byStatus: r.by_status ?? {},
      byType: r.by_type ?? {},
      byInstansi: r.by_instansi ?? [],
      ...(r.first_answer !== null ? { medianFirstAnswerMs: Number(r.first_answer) } : {}),
      ...(r.to_close !== null ? { medianCloseMs: Number(r.to_close) } : {}),
      ratings: Number(r.ratings),
      ...(r.rating_avg !== null ? { ratingAverage: Number(r.rating_avg) } : {}),
    };
  }

  async drain(now: number, send: Sender, hooks?: DeliveryHooks): Promise<DrainResult> {
    await this.pool.query("delete from outbox_done where until <= $1", [at(now)]);
    await this.pool.query("delete from outbox_dead where expires_at <= $1", [at(now)]);
    return this.driver.drain(now, send, hooks);
  }

  async backlog(now: number): Promise<{ pending: number; due: number; oldestAt?: number }> {
    const { rows } = await this.pool.query<{ pending: string; due: string; oldest: Date | null }>(
      `select (select count(*) from outbox) as pending,
              (select count(*) from outbox o join outbox_chats c using (chat) where c.due_at <= $1) as due,
              (select min(enqueued_at) from outbox) as oldest`,
      [at(now)],
    );
    const r = rows[0]!;
    const oldestAt = ms(r.oldest);
    return {
      pending: Number(r.pending),
      due: Number(r.due),
      ...(oldestAt !== undefined ? { oldestAt } : {}),
    };
  }

  async dead(limit: number): Promise<DeadLetter[]> {
    const { rows } = await this.pool.query<{ item: OutboxItem; description: string; at: Date }>(
      "select item, description, at from outbox_dead order by at desc limit $1",
      [Math.max(0, limit)],
    );
    return rows.map((r) => ({ item: r.item, description: r.description, at: r.at.getTime() }));
  }

  async workload(): Promise<Workload> {
    const { rows } = await this.pool.query<{
      open: string;
      claimed: string;
      oldest: Date | null;
      dead: string;
    }>(
      `select count(*) filter (where status = 'open') as open,
              count(*) filter (where status = 'claimed') as claimed,
              min(created_at) filter (where status = 'open') as oldest,
              (select count(*) from outbox_dead) as dead
         from cases where status in ('open', 'claimed')`,
    );
    const r = rows[0]!;
    const oldestUnclaimedAt = ms(r.oldest);
    return {
      open: Number(r.open),
      claimed: Number(r.claimed),
      ...(oldestUnclaimedAt !== undefined ? { oldestUnclaimedAt } : {}),
      deadLetters: Number(r.dead),
    };
  }

  caseReport(filter: ReportFilter): Promise<CaseReport> {
    return selectCaseReport(this.pool, filter);
  }

  async reportCases(filter: ReportFilter, limit: number): Promise<Case[]> {
    const params: unknown[] = [];
    const where = reportWhere(filter, params);
    const { rows } = await this.pool.query<CaseRow>(
      `select ${CASE_COLUMNS} from cases where ${where} order by created_at, id limit ${Math.max(0, Math.floor(limit))}`,
      params,
    );
    return rows.flatMap((r) => this.toCase(r) ?? []);
  }

  async allRoutes(): Promise<Route[]> {
    const { rows } = await this.pool.query<RouteRow>(
      'select instansi, group_addr, since from routes order by instansi collate "C"',
    );
    return rows.map(toRoute);
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query("select 1");
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.options.ownsPool !== false) await this.pool.end();
  }

  // ------------------------------------------------------------------ internals

  private toCase(r: CaseRow): Case | undefined {
    const parsed = Case.safeParse({
      v: r.v,
      id: String(r.id),
      type: r.type,
      status: r.status,
      user: r.user_addr,
      ...(r.instansi !== null ? { instansi: r.instansi } : {}),
      group: r.group_addr,
      fallback: r.fallback,
      fields: r.fields,
      ...(r.card_ref !== null ? { card: r.card_ref } : {}),
      ...(r.topic_ref !== null ? { topic: r.topic_ref } : {}),
      ...(r.claimed_by !== null ? { claimedBy: { id: r.claimed_by, name: r.claimed_by_name ?? "" } } : {}),
      createdAt: r.created_at.getTime(),
      ...(r.claimed_at !== null ? { claimedAt: r.claimed_at.getTime() } : {}),
      ...(r.first_answer_at !== null ? { firstAnswerAt: r.first_answer_at.getTime() } : {}),
      ...(r.closed_at !== null ? { closedAt: r.closed_at.getTime() } : {}),
      ...(r.reminded_at !== null ? { remindedAt: r.reminded_at.getTime() } : {}),
      reopened: r.reopened,
      ...(r.rating !== null ? { rating: r.rating } : {}),
      ...(r.comment !== null ? { comment: r.comment } : {}),
      messages: r.messages,
      redacted: r.redacted,
      ...(r.user_at !== null ? { userAt: r.user_at.getTime() } : {}),
      ...(r.staff_at !== null ? { staffAt: r.staff_at.getTime() } : {}),
    });
    if (parsed.success) return parsed.data;
    this.options.onUnreadable?.(`case ${r.id}`, parsed.error.message.slice(0, 300));
    return undefined;
  }

  private txOf(client: pg.PoolClient): DeskTx {
    const store = this;
    const one = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]) =>
      (await client.query<R>(sql, params)).rows[0];
    const tx: DeskTx = {
      async nextCaseId() {
        return String((await one<{ id: string }>("select nextval('case_number_seq') as id", []))!.id);
      },
      async getCase(id, lock) {
        if (!isCaseId(id)) return undefined;
        const row = await one<CaseRow>(
          `select ${CASE_COLUMNS} from cases where id = $1${lock ? " for update" : ""}`,
          [id],
        );
        return row === undefined ? undefined : store.toCase(row);
      },
      async openCaseOf(user) {
        const row = await one<CaseRow>(
          `select ${CASE_COLUMNS} from cases where user_addr = $1 and ${OPEN} for update`,
          [user],
        );
        return row === undefined ? undefined : store.toCase(row);
      },
      async insertCase(c) {
        const parsed = Case.parse(c);
        await client.query(INSERT_CASE, caseParams(parsed));
      },
      async updateCase(c) {
        const p = caseParams(Case.parse(c));
        const { rowCount } = await client.query(UPDATE_CASE, p);
        if (rowCount !== 1) throw new Error(`case ${c.id} does not exist`);
      },
      async record(event: AuditEvent) {
        await client.query(
          "insert into audit (at, actor, actor_name, kind, case_id, group_addr, instansi, detail) values ($1, $2, $3, $4, $5, $6, $7, $8)",
          [
            at(event.at),
            event.actor,
            event.actorName ?? null,
            event.kind,
            event.caseId ?? null,
            event.group ?? null,
            event.instansi ?? null,
            event.detail === undefined ? null : JSON.stringify(event.detail),
          ],
        );
      },
      async enqueue(items, now) {
        items.forEach(checkItem);
        for (const item of items) {
          const inserted = await client.query(
            `insert into outbox (id, chat, lane, message, tag, case_id, enqueued_at, priority)
             select $1, $2, $3, $4, $5, $6, $7, $8
             where not exists (select 1 from outbox_done where id = $1 and until > $7)
             on conflict (id) do nothing`,
            [
              item.id,
              item.to,
              item.group ? "group" : "user",
              JSON.stringify(item.message),
              item.tag ?? null,
              item.caseId ?? null,
              at(now),
              item.priority ?? PRIORITY.NORMAL,
            ],
          );
          if ((inserted.rowCount ?? 0) === 0) continue;
          // The chat becomes due now unless it is already scheduled (or leased by a drain, which picks it up).
          await client.query(
            `insert into outbox_chats (chat, lane, due_at) values ($1, $2, $3)
             on conflict (chat) do update set due_at = coalesce(outbox_chats.due_at, excluded.due_at)`,
            [item.to, item.group ? "group" : "user", at(now)],
          );
        }
      },
      async allow(key, limit, windowMs, now) {
        const start = Math.floor(now / windowMs) * windowMs;
        const row = await one<{ count: number }>(
          `insert into rate_windows (key, start_ms, count) values ($1, $2, 1)
           on conflict (key) do update set
             count = case when rate_windows.start_ms = excluded.start_ms then rate_windows.count + 1 else 1 end,
             start_ms = excluded.start_ms
           returning count`,
          [key, start],
        );
        return (row?.count ?? 1) <= limit;
      },
      async route(instansi) {
        const row = await one<RouteRow>("select * from routes where instansi = $1", [instansi]);
        return row === undefined ? undefined : toRoute(row);
      },
      async routesOf(group) {
        const { rows } = await client.query<RouteRow>(
          "select * from routes where group_addr = $1 order by since, instansi",
          [group],
        );
        return rows.map(toRoute);
      },
      async setRoute(instansi, group, now) {
        const before = await one<RouteRow>("select * from routes where instansi = $1 for update", [instansi]);
        if (before?.group_addr !== group) {
          await client.query(
            `insert into routes (instansi, group_addr, since) values ($1, $2, $3)
             on conflict (instansi) do update set group_addr = excluded.group_addr, since = excluded.since`,
            [instansi, group, at(now)],
          );
        }
        return before === undefined ? undefined : toRoute(before);
      },
      async dropRoute(instansi) {
        await client.query("delete from routes where instansi = $1", [instansi]);
      },
      async group(address) {
        const row = await one<GroupRow>("select * from groups where addr = $1", [address]);
        return row === undefined ? undefined : toGroup(row);
      },
      async saveGroup(info) {
        await client.query(
          `insert into groups (addr, title, forum, public) values ($1, $2, $3, coalesce($4, false))
           on conflict (addr) do update set title = excluded.title, forum = excluded.forum,
             public = coalesce($4, groups.public)`,
          [info.address, info.title ?? null, info.forum, info.public ?? null],
        );
      },
      async markBroken(group, why, now) {
        await client.query(
          `insert into groups (addr, forum, broken_at, broken_why) values ($1, false, $2, $3)
           on conflict (addr) do update set broken_at = coalesce(groups.broken_at, $2), broken_why = $3`,
          [group, at(now), why],
        );
      },
      async repair(group) {
        await client.query("update groups set broken_at = null, broken_why = null where addr = $1", [group]);
      },
      async moveGroup(from, to) {
        await client.query(
          `insert into groups (addr, title, forum, public) select $2, title, forum, public from groups where addr = $1
           on conflict (addr) do nothing`,
          [from, to],
        );
        await client.query("update groups set moved_to = $2 where addr = $1", [from, to]);
        await client.query("update routes set group_addr = $2 where group_addr = $1", [from, to]);
        await client.query(
          `insert into managers (group_addr, instansi, since) select $2, instansi, since from managers where group_addr = $1
           on conflict do nothing`,
          [from, to],
        );
        await client.query("delete from managers where group_addr = $1", [from]);
        await client.query("update claims set group_addr = $2 where group_addr = $1 and status = 'pending'", [
          from,
          to,
        ]);
        await client.query(
          `update cases set group_addr = $2, card_ref = null, topic_ref = null where group_addr = $1 and ${OPEN}`,
          [from, to],
        );
      },
      async openCasesOf(group) {
        const { rows } = await client.query<CaseRow>(
          `select ${CASE_COLUMNS} from cases where group_addr = $1 and ${OPEN} order by id for update`,
          [group],
        );
        return rows.flatMap((r) => store.toCase(r) ?? []);
      },
      async pendingClaim(group, instansi) {
        const row = await one<ClaimRow>(
          "select * from claims where group_addr = $1 and instansi = $2 and status = 'pending' for update",
          [group, instansi],
        );
        return row === undefined ? undefined : toClaim(row);
      },
      async insertClaim(c) {
        const row = await one<ClaimRow>(
          `insert into claims (group_addr, instansi, status, requested_by, requested_name, requested_at, members)
           values ($1, $2, $3, $4, $5, $6, $7) returning *`,
          [
            c.group,
            c.instansi,
            c.status,
            c.requestedBy,
            c.requestedName ?? null,
            at(c.requestedAt),
            c.members ?? null,
          ],
        );
        return toClaim(row!);
      },
      async getClaim(id, lock) {
        if (!isCaseId(id)) return undefined;
        const row = await one<ClaimRow>(`select * from claims where id = $1${lock ? " for update" : ""}`, [
          id,
        ]);
        return row === undefined ? undefined : toClaim(row);
      },
      async updateClaim(c) {
        await client.query(
          "update claims set status = $2, decided_by = $3, decided_name = $4, decided_at = $5 where id = $1",
          [c.id, c.status, c.decidedBy ?? null, c.decidedName ?? null, atOrNull(c.decidedAt)],
        );
      },
      async managersOf(instansi) {
        const { rows } = await client.query<{ group_addr: string }>(
          "select group_addr from managers where instansi = $1 order by group_addr",
          [instansi],
        );
        return rows.map((r) => r.group_addr);
      },
      async managed(group) {
        const { rows } = await client.query<{ instansi: string }>(
          "select instansi from managers where group_addr = $1 order by instansi",
          [group],
        );
        return rows.map((r) => r.instansi);
      },
      async setManaged(group, instansi, now) {
        await client.query(
          "delete from managers where group_addr = $1 and not (instansi = any($2::text[]))",
          [group, instansi],
        );
        await client.query(
          "insert into managers (group_addr, instansi, since) select $1, unnest($2::text[]), $3 on conflict do nothing",
          [group, instansi, at(now)],
        );
      },
      async officeCard(instansi) {
        const row = await one<CardRow>("select * from contact_cards where instansi = $1", [instansi]);
        return row === undefined ? undefined : toCard(row);
      },
      async saveOfficeCard(card) {
        await client.query(
          `insert into contact_cards (instansi, ${CARD_FIELDS.join(", ")}, updated_by, updated_name, updated_at, confirmed_at, asked_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           on conflict (instansi) do update set ${CARD_FIELDS.map((f) => `${f} = excluded.${f}`).join(", ")},
             updated_by = excluded.updated_by, updated_name = excluded.updated_name, updated_at = excluded.updated_at,
             confirmed_at = excluded.confirmed_at, asked_at = excluded.asked_at`,
          [
            card.instansi,
            ...CONTACT_FIELDS.map((k) => card[k] ?? null),
            card.updatedBy,
            card.updatedName ?? null,
            at(card.updatedAt),
            at(card.confirmedAt),
            atOrNull(card.askedAt),
          ],
        );
      },
      async linkMessage(group, ref, caseId) {
        await client.query(
          "insert into message_links (group_addr, ref, case_id) values ($1, $2, $3) on conflict do nothing",
          [group, ref, caseId],
        );
      },
      async caseOfMessage(group, ref) {
        return (
          await one<{ case_id: string }>(
            "select case_id from message_links where group_addr = $1 and ref = $2",
            [group, ref],
          )
        )?.case_id;
      },
      async linkTopic(group, topic, caseId) {
        await client.query(
          "insert into topic_links (group_addr, topic, case_id) values ($1, $2, $3) on conflict do nothing",
          [group, topic, caseId],
        );
      },
      async caseOfTopic(group, topic) {
        return (
          await one<{ case_id: string }>(
            "select case_id from topic_links where group_addr = $1 and topic = $2",
            [group, topic],
          )
        )?.case_id;
      },
      async takeQueued(caseId, chat) {
        if (!isCaseId(caseId)) return [];
        const { rows } = await client.query<ItemRow>(
          "delete from outbox where case_id = $1 and chat = $2 returning *",
          [caseId, chat],
        );
        return rows.sort((a, b) => a.priority - b.priority || Number(a.seq) - Number(b.seq)).map(toItem);
      },
      async queuedCases(chat) {
        const { rows } = await client.query<{ id: string }>(
          "select distinct case_id::text as id from outbox where chat = $1 and case_id is not null",
          [chat],
        );
        return rows.map((r) => r.id);
      },
      async eraseUser(user, now) {
        const { rows } = await client.query<CaseRow>(
          `update cases set fields = '{}', comment = null, redacted = true, user_addr = $2
            where user_addr = $1 returning ${CASE_COLUMNS}`,
          [user, ERASED],
        );
        const ids = rows.map((r) => r.id);
        if (ids.length > 0) {
          await client.query("delete from outbox where case_id = any($1::bigint[])", [ids]);
          await client.query("delete from outbox_dead where case_id = any($1::bigint[])", [ids]);
          await client.query(
            `insert into audit (at, actor, kind, case_id) select $1, 'system', 'redacted', id from unnest($2::bigint[]) id`,
            [at(now), ids],
          );
        }
        await client.query("update audit set actor = $2 where actor = $1", [user, ERASED]);
        await client.query(
          "delete from outbox_chats where chat = $1 and not exists (select 1 from outbox where chat = $1)",
          [user],
        );
        await client.query("delete from rate_windows where key = any($1::text[])", [rateKeysOf(user)]);
        return rows.flatMap((r) => store.toCase(r) ?? []);
      },
    };
    CLIENTS.set(tx, client);
    return tx;
  }

  /** The outbox primitives the shared drain loop (OutboxDriver) runs on. */
  private backend(): OutboxBackend<DeliveryHooks> {
    return {
      claim: (now, n) => this.claim(now, n),
      record: (attempt, now, hooks, goOn) => this.record(attempt, now, hooks, goOn),
      release: async (chat, dueAt) => {
        await this.pool.query(
          "update outbox_chats set due_at = $2, lease_until = null, lease_owner = null where chat = $1 and lease_owner = $3",
          [chat, at(dueAt), this.owner],
        );
      },
      nextDue: async () => {
        const { rows } = await this.pool.query<{ due: Date | null }>(
          "select min(greatest(due_at, coalesce(lease_until, due_at))) as due from outbox_chats where due_at is not null",
        );
        return ms(rows[0]?.due);
      },
    };
  }

  /** Leases up to `n` due chats (one transaction, committed before any send) and reads their heads. */
  private async claim(now: number, n: number): Promise<Claim[]> {
    const client = await this.checkout();
    try {
      await client.query("begin");
      const { rows } = await client.query<ChatRow>(
        `select chat, lane, sent_at from outbox_chats
          where due_at <= $1 and (lease_until is null or lease_until <= $1)
          order by due_at limit $2 for update skip locked`,
        [at(now), n],
      );
      const claims: Claim[] = [];
      for (const row of rows) {
        const head = (
          await client.query<ItemRow>("select * from outbox where chat = $1 order by priority, seq limit 1", [
            row.chat,
          ])
        ).rows[0];
        if (head === undefined) {
          // Nothing left: forget the schedule (the rate window is kept while it still counts).
          await client.query(
            "update outbox_chats set due_at = null, lease_until = null, lease_owner = null where chat = $1",
            [row.chat],
          );
          continue;
        }
        await client.query("update outbox_chats set lease_until = $2, lease_owner = $3 where chat = $1", [
          row.chat,
          at(now + (this.options.leaseMs ?? 30_000)),
          this.owner,
        ]);
        claims.push({
          chat: row.chat,
          group: row.lane === "group",
          window: row.sent_at.map((d) => d.getTime()),
          item: toItem(head),
          attempts: head.attempts,
        });
      }
      await client.query("commit");
      return claims;
    } catch (err) {
      await client.query("rollback").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Records one attempt in one transaction: the item done (with what the delivery hook writes) or dead or
   * retried, the chat's rate window, when it is due next and whether its lease continues. Returns the
   * chat's next head when it may be sent right away.
   */
  private async record(
    attempt: Attempt,
    now: number,
    hooks: DeliveryHooks | undefined,
    goOn: boolean,
  ): Promise<Claim | undefined> {
    const { claim, step } = attempt;
    const window = liveTimes([...claim.window, now], chatWindow(claim.group, this.limits), now);
    const chatReady = chatReadyAt(claim.group, window, now, this.limits);
    return this.tx(async (tx) => {
      const q = (sql: string, params: unknown[]) => this.query(tx, sql, params);
      // The chat row first: an enqueue in flight for this chat commits before we look at the queue.
      await q("select 1 from outbox_chats where chat = $1 for update", [claim.chat]);
      const item = claim.item;
      if (step.kind === "sent" || step.kind === "dead") {
        const removed = await q("delete from outbox where id = $1", [item.id]);
        if (step.kind === "sent") {
          await q(
            "insert into outbox_done (id, until) values ($1, $2) on conflict (id) do update set until = excluded.until",
            [item.id, at(now + this.limits.doneTtlMs)],
          );
          // An item erased meanwhile (the user's /hapusdata) is not linked back to anything.
          if (removed > 0) await hooks?.delivered?.(tx, item, step.delivered, now);
        } else {
          await q(
            `insert into outbox_dead (id, chat, item, description, at, expires_at, case_id) values ($1, $2, $3, $4, $5, $6, $7)
             on conflict (id) do nothing`,
            [
              item.id,
              item.to,
              JSON.stringify(item),
              step.description.slice(0, 500),
              at(now),
              at(now + this.limits.deadTtlMs),
              item.caseId ?? null,
            ],
          );
          const outcome = { description: step.description, gone: attempt.gone };
          if (removed > 0)
            await hooks?.dead?.(
              tx,
              item,
              attempt.movedTo ? { ...outcome, movedTo: attempt.movedTo } : outcome,
              now,
            );
        }
      } else if (step.kind === "retry") {
        await q("update outbox set attempts = attempts + 1 where id = $1", [item.id]);
      }
      const waiting = step.kind === "later" || step.kind === "retry";
      const head = waiting
        ? undefined
        : (
            await this.rows<ItemRow>(
              tx,
              "select * from outbox where chat = $1 order by priority, seq limit 1",
              [claim.chat],
            )
          )[0];
      const keep = goOn && head !== undefined && chatReady <= now;
      const stillQueued = waiting || head !== undefined;
      const dueAt = waiting ? Math.max(step.until, chatReady) : chatReady;
      await q(
        `update outbox_chats set sent_at = $2, due_at = $3,
           lease_until = case when $4 then lease_until else null end,
           lease_owner = case when $4 then lease_owner else null end
         where chat = $1`,
        [claim.chat, window.map(at), stillQueued ? at(dueAt) : null, keep],
      );
      return keep && head !== undefined
        ? { chat: claim.chat, group: claim.group, window, item: toItem(head), attempts: head.attempts }
        : undefined;
    });
  }

  /**
   * A pooled client for one transaction. A connection lost while it is checked out (the server
   * restarted) fails the query in progress; the "error" event it also emits must not crash the process.
   */
  private async checkout(): Promise<pg.PoolClient> {
    const client = await this.pool.connect();
    const onError = () => undefined;
    client.on("error", onError);
    const release = client.release.bind(client);
    client.release = (err?: Error | boolean) => {
      client.off("error", onError);
      return release(err);
    };
    return client;
  }

  private async query(tx: DeskTx, sql: string, params: unknown[]): Promise<number> {
    return (await clientOf(tx).query(sql, params)).rowCount ?? 0;
  }

  private async rows<R extends pg.QueryResultRow>(tx: DeskTx, sql: string, params: unknown[]): Promise<R[]> {
    return (await clientOf(tx).query<R>(sql, params)).rows;
  }
}

const CLIENTS = new WeakMap<DeskTx, pg.PoolClient>();
function clientOf(tx: DeskTx): pg.PoolClient {
  const client = CLIENTS.get(tx);
  if (client === undefined) throw new Error("not a PostgreSQL transaction");
  return client;
}

/** A pool for DATABASE_URL; errors of idle clients go to `onError` instead of crashing the process. */
export function createPool(databaseUrl: string, onError: (err: Error) => void = () => {}, max = 16): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5_000 });
  pool.on("error", onError);
  return pool;
}
