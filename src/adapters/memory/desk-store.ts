import { Case, ERASED, isOpen, rateKeysOf, waitingSince } from "../../core/desk/case.ts";
import {
  type CaseReport,
  closeMs,
  computeReport,
  countBy,
  firstAnswerMs,
  percentile,
  type ReportFilter,
  reportCases,
} from "../../core/desk/report.ts";
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

/** Undo log of one transaction: every write records how to revert it. */
class Journal {
  private readonly undo: (() => void)[] = [];

  set<K, V>(map: Map<K, V>, key: K, value: V): void {
    const had = map.has(key);
    const previous = map.get(key);
    this.undo.push(() => (had ? map.set(key, previous as V) : map.delete(key)));
    map.set(key, value);
  }

  delete<K, V>(map: Map<K, V>, key: K): void {
    if (!map.has(key)) return;
    const previous = map.get(key) as V;
    this.undo.push(() => map.set(key, previous));
    map.delete(key);
  }

  rollback(): void {
    for (const revert of this.undo.reverse()) revert();
  }
}

interface QueuedItem {
  json: string;
  attempts: number;
}

/**
 * The desk's records in process memory: the same contract as the PostgreSQL
 * store within one process (transactions serialized and rolled back on a
 * throw; records JSON round-tripped and parsed on read, as a database would).
 * For `npm run chat` and tests; nothing survives a restart.
 */
export class MemoryDeskStore implements DeskStore {
  readonly limits: OutboxLimits;
  private seq = 0;
  private auditSeq = 0;
  private readonly cases = new Map<string, string>();
  private readonly audit = new Map<number, AuditRow>();
  private readonly routes = new Map<string, Route>();
  private readonly groups = new Map<Address, GroupInfo>();
  private readonly messages = new Map<string, string>();
  private readonly topics = new Map<string, string>();
  private readonly windows = new Map<string, { start: number; count: number }>();
  private claimSeq = 0;
  private readonly claims = new Map<string, RouteClaim>();
  private readonly managers = new Map<string, { group: Address; instansi: string; since: number }>();
  private readonly cards = new Map<string, OfficeCard>();
  // The outbox.
  private readonly items = new Map<string, QueuedItem>();
  private readonly queues = new Map<Address, string[]>();
  /** Chats with pending items that no drain holds, and when they are due. */
  private readonly due = new Map<Address, number>();
  private readonly leased = new Set<Address>();
  private readonly chatTimes = new Map<Address, number[]>();
  private readonly done = new Map<string, number>();
  private readonly deadLetters = new Map<string, DeadLetter>();
  private chain: Promise<unknown> = Promise.resolve();
  private readonly driver: OutboxDriver<DeliveryHooks>;

  constructor(limits: Partial<OutboxLimits> = {}) {
    this.limits = outboxLimits(limits);
    this.driver = new OutboxDriver(this.backend(), this.limits);
  }

  tx<T>(work: (tx: DeskTx) => Promise<T>): Promise<T> {
    const run = async () => {
      const journal = new Journal();
      try {
        return await work(this.txOf(journal));
      } catch (err) {
        journal.rollback();
        throw err;
      }
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  async getCase(id: string): Promise<Case | undefined> {
    return this.read(id);
  }

  async openCasesOf(group: Address): Promise<Case[]> {
    return this.all()
      .filter((c) => c.group === group && isOpen(c))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async dueReminders(before: number, limit: number): Promise<Case[]> {
    const since = (c: Case) => {
      const waiting = waitingSince(c);
      return waiting === undefined ? undefined : Math.max(waiting, c.remindedAt ?? 0);
    };
    const due = this.all().filter((c) => (since(c) ?? Number.POSITIVE_INFINITY) <= before);
    const of = (status: Case["status"]) =>
      due
        .filter((c) => c.status === status)
        .sort((a, b) => since(a)! - since(b)!)
        .slice(0, limit);
    return [...of("open"), ...of("claimed")];
  }

  async purgeClosed(before: number): Promise<number> {
    return this.tx(async () => {
      let n = 0;
      for (const c of this.all()) {
        if (isOpen(c) || c.closedAt === undefined || c.closedAt > before) continue;
        this.cases.delete(c.id);
        for (const [id, row] of this.audit) if (row.caseId === c.id) this.audit.delete(id);
        for (const links of [this.messages, this.topics])
          for (const [key, caseId] of links) if (caseId === c.id) links.delete(key);
        n++;
      }
      return n;
    });
  }

  async history(caseId: string): Promise<AuditRow[]> {
    return [...this.audit.values()].filter((r) => r.caseId === caseId).sort((a, b) => a.id - b.id);
  }

  async groupHistory(group: Address, limit: number): Promise<AuditRow[]> {
    return [...this.audit.values()]
      .filter((r) => r.group === group && r.caseId === undefined)
      .sort((a, b) => b.id - a.id)
      .slice(0, limit);
  }

  async officeCards(): Promise<OfficeCard[]> {
    return [...this.cards.values()].map((c) => ({ ...c }));
  }

  async staleCards(before: number, askedBefore: number, limit: number): Promise<OfficeCard[]> {
    return [...this.cards.values()]
      .filter((c) => c.confirmedAt <= before && (c.askedAt === undefined || c.askedAt <= askedBefore))
      .sort((a, b) => a.confirmedAt - b.confirmedAt)
      .slice(0, limit)
      .map((c) => ({ ...c }));
  }

  async group(address: Address): Promise<GroupInfo | undefined> {
    const g = this.groups.get(address);
    return g === undefined ? undefined : structuredClone(g);
  }

  async brokenGroups(): Promise<GroupInfo[]> {
    const routed = new Set([...this.routes.values()].map((r) => r.group));
    return [...this.groups.values()]
      .filter((g) => g.broken !== undefined && routed.has(g.address))
      .map((g) => structuredClone(g));
  }

  async stats(filter: StatsFilter): Promise<DeskStats> {
    const all = this.all().filter(
      (c) =>
        (filter.from === undefined || c.createdAt >= filter.from) &&
        (filter.to === undefined || c.createdAt < filter.to) &&
        (filter.instansi === undefined || [filter.instansi].flat().includes(c.instansi ?? "")) &&
        (filter.group === undefined || c.group === filter.group),
    );
    const ratings = all.flatMap((c) => (c.rating !== undefined ? [c.rating] : []));
    const firstAnswer = percentile(
      all.flatMap((c) => firstAnswerMs(c) ?? []),
      0.5,
    );
    const close = percentile(
      all.flatMap((c) => closeMs(c) ?? []),
      0.5,
    );
    return {
      total: all.length,
      byStatus: countBy(all, (c) => c.status),
      byType: countBy(all, (c) => c.type),
      byInstansi: Object.entries(countBy(all, (c) => c.instansi ?? "-"))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 20),
      ...(firstAnswer !== undefined ? { medianFirstAnswerMs: firstAnswer } : {}),
      ...(close !== undefined ? { medianCloseMs: close } : {}),
      ratings: ratings.length,
      ...(ratings.length > 0 ? { ratingAverage: ratings.reduce((a, b) => a + b, 0) / ratings.length } : {}),
    };
  }

  drain(now: number, send: Sender, hooks?: DeliveryHooks): Promise<DrainResult> {
    this.forget(now);
    return this.driver.drain(now, send, hooks);
  }

  async backlog(now: number): Promise<{ pending: number; due: number; oldestAt?: number }> {
    let oldestAt: number | undefined;
    for (const { json } of this.items.values()) {
      const at = (JSON.parse(json) as OutboxItem).enqueuedAt;
      if (at !== undefined && (oldestAt === undefined || at < oldestAt)) oldestAt = at;
    }
    let due = 0;
    for (const [chat, at] of this.due) if (at <= now) due += this.queues.get(chat)?.length ?? 0;
    return { pending: this.items.size, due, ...(oldestAt !== undefined ? { oldestAt } : {}) };
  }

  async dead(limit: number): Promise<DeadLetter[]> {
    return [...this.deadLetters.values()].sort((a, b) => b.at - a.at).slice(0, Math.max(0, limit));
  }

  async workload(): Promise<Workload> {
    let open = 0;
    let claimed = 0;
    let oldestUnclaimedAt: number | undefined;
    for (const c of this.all()) {
      if (c.status === "claimed") claimed++;
      if (c.status !== "open") continue;
      open++;
      if (oldestUnclaimedAt === undefined || c.createdAt < oldestUnclaimedAt) oldestUnclaimedAt = c.createdAt;
    }
    return {
      open,
      claimed,
      ...(oldestUnclaimedAt !== undefined ? { oldestUnclaimedAt } : {}),
      deadLetters: this.deadLetters.size,
    };
  }

  async caseReport(filter: ReportFilter): Promise<CaseReport> {
    return computeReport(this.all(), filter, (address) => this.groups.get(address)?.title);
  }

  async reportCases(filter: ReportFilter, limit: number): Promise<Case[]> {
    return reportCases(this.all(), filter, limit);
  }

  async allRoutes(): Promise<Route[]> {
    return [...this.routes.values()]
      .sort((a, b) => (a.instansi < b.instansi ? -1 : 1))
      .map((r) => ({ ...r }));
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  // ------------------------------------------------------------------ internals

  private read(id: string): Case | undefined {
    const raw = this.cases.get(id);
    if (raw === undefined) return undefined;
    const parsed = Case.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  private all(): Case[] {
    return [...this.cases.keys()].flatMap((id) => this.read(id) ?? []);
  }

  private txOf(j: Journal): DeskTx {
    const store = this;
    const tx: DeskTx = {
      async nextCaseId() {
        // Never rolled back, like a PostgreSQL sequence.
        return String(++store.seq);
      },
      async getCase(id) {
        return store.read(id);
      },
      async openCaseOf(user) {
        return store.all().find((c) => c.user === user && isOpen(c));
      },
      async insertCase(c) {
        if (store.cases.has(c.id)) throw new Error(`case ${c.id} exists`);
        if (isOpen(c) && store.all().some((x) => x.user === c.user && isOpen(x)))
          throw new Error(`user ${c.user} already has an open case`);
        j.set(store.cases, c.id, JSON.stringify(Case.parse(c)));
      },
      async updateCase(c) {
        if (!store.cases.has(c.id)) throw new Error(`case ${c.id} does not exist`);
        j.set(store.cases, c.id, JSON.stringify(Case.parse(c)));
      },
      async record(event: AuditEvent) {
        const id = ++store.auditSeq;
        j.set(store.audit, id, structuredClone({ ...event, id }));
      },
      async enqueue(items, now) {
        items.forEach(checkItem);
        for (const item of items) {
          if ((store.done.get(item.id) ?? Number.NEGATIVE_INFINITY) > now || store.items.has(item.id))
            continue;
          j.set(store.items, item.id, { json: JSON.stringify({ ...item, enqueuedAt: now }), attempts: 0 });
          // Behind every item of the same or a higher priority (lower number), ahead of the rest.
          const queue = [...(store.queues.get(item.to) ?? [])];
          const rank = item.priority ?? PRIORITY.NORMAL;
          const after = queue.findIndex((id) => store.priorityOf(id) > rank);
          queue.splice(after < 0 ? queue.length : after, 0, item.id);
          j.set(store.queues, item.to, queue);
          if (!store.due.has(item.to) && !store.leased.has(item.to)) j.set(store.due, item.to, now);
        }
      },
      async allow(key, limit, windowMs, now) {
        const start = Math.floor(now / windowMs) * windowMs;
        const w = store.windows.get(key);
        const current = w !== undefined && w.start === start ? w : { start, count: 0 };
        if (current.count >= limit) return false;
        j.set(store.windows, key, { start, count: current.count + 1 });
        return true;
      },
      async route(instansi) {
        return store.routes.get(instansi);
      },
      async routesOf(group) {
        return [...store.routes.values()].filter((r) => r.group === group);
      },
      async setRoute(instansi, group, now) {
        const before = store.routes.get(instansi);
        if (before?.group !== group) j.set(store.routes, instansi, { instansi, group, since: now });
        return before;
      },
      async dropRoute(instansi) {
        j.delete(store.routes, instansi);
      },
      async group(address) {
        const g = store.groups.get(address);
        return g === undefined ? undefined : structuredClone(g);
      },
      async saveGroup(info) {
        const before = store.groups.get(info.address);
        const { broken: _b, movedTo: _m, ...given } = info;
        j.set(store.groups, info.address, {
          ...given,
          public: info.public ?? before?.public ?? false,
          ...(before?.broken !== undefined ? { broken: before.broken } : {}),
          ...(before?.movedTo !== undefined ? { movedTo: before.movedTo } : {}),
        });
      },
      async markBroken(group, why, now) {
        const g = store.groups.get(group) ?? { address: group, forum: false };
        j.set(store.groups, group, { ...g, broken: { at: g.broken?.at ?? now, why } });
      },
      async repair(group) {
        const g = store.groups.get(group);
        if (g?.broken === undefined) return;
        const { broken: _b, ...rest } = g;
        j.set(store.groups, group, rest);
      },
      async moveGroup(from, to) {
        const g = store.groups.get(from) ?? { address: from, forum: false };
        const { broken: _b, ...rest } = g;
        j.set(store.groups, to, { ...rest, address: to, ...(store.groups.get(to) ?? {}) });
        j.set(store.groups, from, { ...g, movedTo: to });
        for (const [id, r] of store.routes)
          if (r.group === from) j.set(store.routes, id, { ...r, group: to });
        for (const [key, m] of store.managers)
          if (m.group === from) {
            j.delete(store.managers, key);
            j.set(store.managers, `${to}|${m.instansi}`, { ...m, group: to });
          }
        for (const [id, c] of store.claims)
          if (c.group === from && c.status === "pending") j.set(store.claims, id, { ...c, group: to });
        for (const c of store.all()) {
          if (c.group !== from || !isOpen(c)) continue;
          const { card: _c, topic: _t, ...rest } = c;
          j.set(store.cases, c.id, JSON.stringify(Case.parse({ ...rest, group: to })));
        }
      },
      async openCasesOf(group) {
        return store.all().filter((c) => c.group === group && isOpen(c));
      },
      async pendingClaim(group, instansi) {
        const c = [...store.claims.values()].find(
          (x) => x.group === group && x.instansi === instansi && x.status === "pending",
        );
        return c === undefined ? undefined : { ...c };
      },
      async insertClaim(claim) {
        if (
          [...store.claims.values()].some(
            (x) => x.group === claim.group && x.instansi === claim.instansi && x.status === "pending",
          )
        )
          throw new Error("a claim is pending already");
        const c: RouteClaim = { ...claim, id: String(++store.claimSeq) };
        j.set(store.claims, c.id, c);
        return { ...c };
      },
      async getClaim(id) {
        const c = store.claims.get(id);
        return c === undefined ? undefined : { ...c };
      },
      async updateClaim(claim) {
        if (!store.claims.has(claim.id)) throw new Error(`claim ${claim.id} does not exist`);
        j.set(store.claims, claim.id, { ...claim });
      },
      async managersOf(instansi) {
        return [...store.managers.values()].filter((m) => m.instansi === instansi).map((m) => m.group);
      },
      async managed(group) {
        return [...store.managers.values()]
          .filter((m) => m.group === group)
          .map((m) => m.instansi)
          .sort();
      },
      async setManaged(group, instansi, now) {
        for (const [key, m] of store.managers)
          if (m.group === group && !instansi.includes(m.instansi)) j.delete(store.managers, key);
        for (const id of instansi)
          if (!store.managers.has(`${group}|${id}`))
            j.set(store.managers, `${group}|${id}`, { group, instansi: id, since: now });
      },
      async officeCard(instansi) {
        const c = store.cards.get(instansi);
        return c === undefined ? undefined : { ...c };
      },
      async saveOfficeCard(card) {
        j.set(store.cards, card.instansi, { ...card });
      },
      async linkMessage(group, ref, caseId) {
        j.set(store.messages, `${group}|${ref}`, caseId);
      },
      async caseOfMessage(group, ref) {
        return store.messages.get(`${group}|${ref}`);
      },
      async linkTopic(group, topic, caseId) {
        j.set(store.topics, `${group}|${topic}`, caseId);
      },
      async caseOfTopic(group, topic) {
        return store.topics.get(`${group}|${topic}`);
      },
      async takeQueued(caseId, chat) {
        const taken: OutboxItem[] = [];
        for (const id of store.queues.get(chat) ?? []) {
          const stored = store.items.get(id);
          if (stored === undefined) continue;
          const item = JSON.parse(stored.json) as OutboxItem;
          if (item.caseId === caseId) taken.push(item);
        }
        store.unqueue(j, chat, new Set(taken.map((item) => item.id)));
        return taken;
      },
      async queuedCases(chat) {
        const ids = new Set<string>();
        for (const id of store.queues.get(chat) ?? []) {
          const stored = store.items.get(id);
          const caseId = stored === undefined ? undefined : (JSON.parse(stored.json) as OutboxItem).caseId;
          if (caseId !== undefined) ids.add(caseId);
        }
        return [...ids];
      },
      async eraseUser(user, now) {
        const redacted: Case[] = [];
        for (const c of store.all()) {
          if (c.user !== user) continue;
          const erased: Case = { ...c, fields: {}, comment: undefined, redacted: true, user: ERASED };
          j.set(store.cases, c.id, JSON.stringify(Case.parse(erased)));
          await this.record({ at: now, actor: "system", kind: "redacted", caseId: c.id });
          redacted.push(erased);
        }
        // Their queued messages (by chat) and dead letters go.
        const ids = new Set(redacted.map((c) => c.id));
        const byChat = new Map<Address, Set<string>>();
        for (const [id, stored] of store.items) {
          const item = JSON.parse(stored.json) as OutboxItem;
          if (item.caseId === undefined || !ids.has(item.caseId)) continue;
          const chat = byChat.get(item.to) ?? new Set<string>();
          byChat.set(item.to, chat.add(id));
        }
        for (const [chat, queued] of byChat) store.unqueue(j, chat, queued);
        for (const [id, letter] of store.deadLetters)
          if (letter.item.caseId !== undefined && ids.has(letter.item.caseId))
            j.delete(store.deadLetters, id);
        for (const [id, row] of store.audit)
          if (row.actor === user) j.set(store.audit, id, { ...row, actor: ERASED });
        for (const key of rateKeysOf(user)) j.delete(store.windows, key);
        return redacted;
      },
    };
    JOURNALS.set(tx, j);
    return tx;
  }

  /** The outbox primitives the shared drain loop (OutboxDriver) runs on. */
  private backend(): OutboxBackend<DeliveryHooks> {
    const store = this;
    const head = (chat: Address): { item: OutboxItem; attempts: number } | undefined => {
      const id = store.queues.get(chat)?.[0];
      const queued = id === undefined ? undefined : store.items.get(id);
      return queued === undefined
        ? undefined
        : { item: JSON.parse(queued.json) as OutboxItem, attempts: queued.attempts };
    };
    return {
      async claim(now, n) {
        const ready = [...store.due].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
        const claims: Claim[] = [];
        for (const [chat] of ready) {
          if (claims.length >= n) break;
          store.due.delete(chat);
          const next = head(chat);
          if (next === undefined) continue;
          store.leased.add(chat);
          claims.push({
            chat,
            group: next.item.group,
            window: [...(store.chatTimes.get(chat) ?? [])],
            ...next,
          });
        }
        return claims;
      },
      async record(attempt: Attempt, now, hooks, goOn) {
        const { claim, step } = attempt;
        const window = liveTimes([...claim.window, now], chatWindow(claim.group, store.limits), now);
        const chatReady = chatReadyAt(claim.group, window, now, store.limits);
        const id = claim.item.id;
        const next = await store.tx(async (tx) => {
          const queued = store.items.get(id);
          if (step.kind === "sent" || step.kind === "dead") {
            if (queued !== undefined) {
              store.dequeue(claim.chat, id, tx);
              if (step.kind === "sent") await hooks?.delivered?.(tx, claim.item, step.delivered, now);
              else {
                const outcome = { description: step.description, gone: attempt.gone };
                await hooks?.dead?.(
                  tx,
                  claim.item,
                  attempt.movedTo ? { ...outcome, movedTo: attempt.movedTo } : outcome,
                  now,
                );
              }
            }
            if (step.kind === "sent") store.journal(tx).set(store.done, id, now + store.limits.doneTtlMs);
            else
              store
                .journal(tx)
                .set(store.deadLetters, id, { item: claim.item, description: step.description, at: now });
          } else if (step.kind === "retry" && queued !== undefined) {
            store.journal(tx).set(store.items, id, { ...queued, attempts: queued.attempts + 1 });
          }
          return step.kind === "sent" || step.kind === "dead" ? head(claim.chat) : undefined;
        });
        store.chatTimes.set(claim.chat, window);
        const waiting = step.kind === "later" || step.kind === "retry";
        if (goOn && next !== undefined && chatReady <= now)
          return { chat: claim.chat, group: claim.group, window, ...next };
        store.leased.delete(claim.chat);
        if (store.queues.has(claim.chat))
          store.due.set(claim.chat, waiting ? Math.max(step.until, chatReady) : chatReady);
        return undefined;
      },
      async release(chat, dueAt) {
        store.leased.delete(chat);
        if (store.queues.has(chat)) store.due.set(chat, dueAt);
      },
      async nextDue() {
        const dues = [...store.due.values()];
        return dues.length === 0 ? undefined : Math.min(...dues);
      },
    };
  }

  private priorityOf(id: string): number {
    const queued = this.items.get(id);
    return queued === undefined
      ? PRIORITY.NORMAL
      : ((JSON.parse(queued.json) as OutboxItem).priority ?? PRIORITY.NORMAL);
  }

  /** Takes the items `ids` out of a chat's queue; an emptied queue is no longer due. */
  private unqueue(j: Journal, chat: Address, ids: Set<string>): void {
    if (ids.size === 0) return;
    for (const id of ids) j.delete(this.items, id);
    const rest = (this.queues.get(chat) ?? []).filter((id) => !ids.has(id));
    if (rest.length > 0) j.set(this.queues, chat, rest);
    else {
      j.delete(this.queues, chat);
      j.delete(this.due, chat);
    }
  }

  private dequeue(chat: Address, id: string, tx: DeskTx): void {
    const j = this.journal(tx);
    j.delete(this.items, id);
    const rest = (this.queues.get(chat) ?? []).filter((x) => x !== id);
    if (rest.length > 0) j.set(this.queues, chat, rest);
    else j.delete(this.queues, chat);
  }

  /** The undo log of a transaction this store handed out (also through an object that delegates to it). */
  private journal(tx: DeskTx): Journal {
    for (let t: object | null = tx; t !== null; t = Object.getPrototypeOf(t)) {
      const j = JOURNALS.get(t as DeskTx);
      if (j !== undefined) return j;
    }
    throw new Error("not a transaction of this store");
  }

  async sweep(now: number): Promise<number> {
    let dropped = 0;
    for (const [key, w] of this.windows)
      if (w.start < now - SWEEP_WINDOWS_AFTER_MS) {
        this.windows.delete(key);
        dropped++;
      }
    for (const [chat, times] of this.chatTimes)
      if (
        !this.queues.get(chat)?.length &&
        !this.leased.has(chat) &&
        !this.due.has(chat) &&
        Math.max(Number.NEGATIVE_INFINITY, ...times) < now - SWEEP_PACE_AFTER_MS
      ) {
        this.chatTimes.delete(chat);
        dropped++;
      }
    return dropped;
  }

  private forget(now: number): void {
    for (const [id, until] of this.done) if (until <= now) this.done.delete(id);
    for (const [id, letter] of this.deadLetters)
      if (letter.at + this.limits.deadTtlMs <= now) this.deadLetters.delete(id);
  }
}

const JOURNALS = new WeakMap<DeskTx, Journal>();
