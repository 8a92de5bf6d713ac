import {
  applyStaffAction,
  applyUserAction,
  CASE_VERSION,
  type Case,
  type CaseType,
  isOpen,
  RATE_KEYS,
  renderCard,
  type StaffAction,
  statusLabel,
  TextBuilder,
  waitingSince,
} from "../core/desk/case.ts";
import { formatDuration, formatTime, groupBy } from "../core/desk/report.ts";
import type { World } from "../core/flow/transition.ts";
import { type OutboxItem, PRIORITY } from "../core/outbox.ts";
import type {
  Address,
  ButtonView,
  Delivered,
  DeskRequest,
  DeskResult,
  OutMessage,
} from "../core/protocol.ts";
import { truncate } from "../core/text/text.ts";
import type {
  AuditRow,
  DeliveryHooks,
  DeskStats,
  DeskStore,
  DeskTx,
  OnDead,
  StatsFilter,
  Workload,
} from "../stores.ts";
import { Contacts } from "./contacts.ts";
import { WeeklyDigest } from "./digest.ts";
import { Network, type Reply, type RouteChoice, type Staff } from "./network.ts";

export type { Reply, Staff };

export interface DeskConfig {
  /** HR_CHAT_ID as an address: the fallback desk for instansi without their own group. */
  fallbackGroup?: Address;
  /** Bot admins (ADMIN_IDS) as addresses: they approve groups and hear about broken routes. */
  admins?: Address[];
  /** A group's route broke (or was repaired): for metrics and logs. */
  onRouteState?: (group: Address, broken: boolean, why: string) => void;
  /** An outbox item failed for good (a dead letter): operators are told (the runtime logs it at warn). */
  onDeadLetter?: (item: OutboxItem, description: string) => void;
  /** A case nobody took is announced again after this. */
  remindAfterMs: number;
  /** A resolved case can be reopened by the user within this. */
  reopenWindowMs: number;
  /** Closed cases are deleted after this. */
  retentionMs: number;
  /** Show the staff member's first name to the user. */
  showStaffName: boolean;
  /** Messages a user may relay to HR per minute. */
  relayPerMinute: number;
  /** Cases a user may open per day. */
  opensPerDay: number;
  /** Observer for metrics (cases opened by type). */
  onOpened?: (type: string) => void;
  /** Every Monday 08:00 WIB, last week's numbers to each verified group (desk/digest.ts). */
  weeklyDigest?: boolean;
}

/** Said in the group when a staff message could not be processed (the store is away): nothing is left unsaid. */
export const STAFF_MESSAGE_NOT_SENT =
  "⚠️ Pesan ini belum terkirim ke pengguna karena gangguan sistem. Mohon kirim ulang beberapa saat lagi.";

/** The desk at a glance, for operators. */
export interface DeskHealth extends Workload {
  /** Outbox items not delivered yet, of which `due` could go now; `oldestAt` is the oldest one's enqueue time. */
  pending: number;
  due: number;
  oldestAt?: number;
  /** Groups the bot cannot reach that still have routes. */
  routesBroken: number;
}

export const DEFAULT_DESK_CONFIG: DeskConfig = {
  remindAfterMs: 30 * 60_000,
  reopenWindowMs: 72 * 3_600_000,
  retentionMs: 180 * 24 * 3_600_000,
  showStaffName: false,
  relayPerMinute: 10,
  opensPerDay: 5,
};

/** A message in an HR group that may be an answer to a user. */
export interface StaffMessage {
  /** The staff message itself (acknowledged once the answer reached the user). */
  ref?: string;
  /** The message it replies to, and the forum topic it is in (channel references). */
  replyTo?: string;
  /**
   * The text of the message replied to, when the bot itself wrote it: a card or relayed message whose
   * link was never recorded (a crash right after it was sent) is still found by its "Kasus #N".
   */
  replyToBotText?: string;
  topic?: string;
  text?: string;
  photo?: string;
  caption?: string;
}

/**
 * The HR desk: cases opened by users, routed by instansi to HR groups, worked
 * by staff. It knows no channel: people and groups are addresses, and what it
 * says outside the current update is an OutMessage in the outbox, written in
 * the same transaction as the case change that causes it.
 */
export class Desk {
  /** Which groups may receive which instansi's cases: claims, approvals, managers, broken routes. */
  readonly network: Network;
  /** Contact cards kept by the offices. */
  readonly contacts: Contacts;
  /** Last week's numbers to each verified group on Mondays. */
  readonly digest: WeeklyDigest;

  constructor(
    readonly store: DeskStore,
    private readonly world: World,
    readonly config: DeskConfig,
  ) {
    this.network = new Network(
      store,
      world,
      {
        admins: config.admins ?? [],
        ...(config.fallbackGroup !== undefined ? { fallbackGroup: config.fallbackGroup } : {}),
        ...(config.onRouteState !== undefined ? { onRouteState: config.onRouteState } : {}),
      },
      (tx, from, why, now, handover) => this.reroute(tx, from, why, now, handover),
    );
    this.contacts = new Contacts(store, world, this.network);
    this.digest = new WeeklyDigest(store, this.network);
  }

  // ---------------------------------------------------------------- user side

  /** Carries out what a user's turn asked for; the answer goes back to the engine as an event. */
  async request(user: Address, req: DeskRequest, now: number): Promise<DeskResult> {
    switch (req.kind) {
      case "open":
        return this.open(user, req, now);
      case "relay":
        return this.relay(user, req.caseId, { text: req.text, photo: req.photo }, now);
      case "status":
        return this.status(user, now);
      case "cancel":
      case "reopen":
        return this.userChange(user, req.caseId, req.kind, now);
      case "rate":
        return this.store.tx(async (tx) => {
          const c = await tx.getCase(req.caseId, true);
          if (c === undefined || c.user !== user)
            return { status: "closed", notice: MSGS.notFound(req.caseId) };
          if (c.rating !== undefined) return { status: "refused", notice: MSGS.alreadyRated(c.id) };
          await tx.updateCase({ ...c, rating: req.stars });
          await tx.record({
            at: now,
            actor: user,
            kind: "rated",
            caseId: c.id,
            detail: { stars: req.stars },
          });
          return { status: "ok" };
        });
      case "comment":
        return this.store.tx(async (tx) => {
          const c = await tx.getCase(req.caseId, true);
          if (c === undefined || c.user !== user)
            return { status: "closed", notice: MSGS.notFound(req.caseId) };
          await tx.updateCase({ ...c, comment: truncate(req.text, 500) });
          return { status: "ok" };
        });
      case "erase":
        return this.erase(user, now);
    }
  }

  private async open(
    user: Address,
    req: Extract<DeskRequest, { kind: "open" }>,
    now: number,
  ): Promise<DeskResult> {
    const type = this.world.flows.cases.get(req.caseType);
    const missing = (type?.required ?? []).filter((key) => !req.fields[key]?.trim());
    if (type === undefined || missing.length > 0) {
      const labels = missing.map((key) => type?.fields[key] ?? key);
      return { status: "refused", notice: MSGS.incomplete(labels) };
    }
    return this.store.tx(async (tx) => {
      const existing = await tx.openCaseOf(user);
      if (existing !== undefined) {
        // Only what changed goes to the group, and it counts against the user's per-minute limit:
        // "Kembali" then "Kirim" again must not flood the group with the same summary.
        const changed = Object.entries(req.fields).filter(([k, v]) => existing.fields[k] !== v);
        if (changed.length === 0)
          return { status: "open-case", caseId: existing.id, notice: MSGS.unchanged(existing.id) };
        if (!(await tx.allow(RATE_KEYS.relay(user), this.config.relayPerMinute, 60_000, now)))
          return { status: "open-case", caseId: existing.id, notice: MSGS.slowDown };
        const summary = changed.map(([k, v]) => `${type.fields[k] ?? k}: ${v}`);
        // relayIn saves the case with the new fields (and one more message).
        const updated = await this.relayIn(
          tx,
          { ...existing, fields: { ...existing.fields, ...Object.fromEntries(changed) } },
          { text: `(data baru dari pengguna)\n${summary.join("\n")}` },
          now,
        );
        if (updated.card !== undefined)
          await tx.enqueue(
            [this.cardItem(updated, `c${updated.id}:edit:fields:${updated.messages}`, true)],
            now,
          );
        await tx.record({ at: now, actor: user, kind: "added", caseId: existing.id });
        return { status: "open-case", caseId: existing.id, notice: MSGS.existing(existing.id) };
      }
      if (!(await tx.allow(RATE_KEYS.open(user), this.config.opensPerDay, 24 * 3_600_000, now))) {
        return { status: "refused", notice: MSGS.tooManyOpens };
      }
      const route = await this.network.routeFor(tx, req.instansi);
      if (route === undefined) {
        const card = req.instansi !== undefined ? this.world.directory?.card(req.instansi) : undefined;
        return { status: "refused", notice: `${MSGS.noDesk}${card ? `\n\n${card}` : ""}` };
      }
      const group = route.group;
      const c: Case = {
        v: CASE_VERSION,
        id: await tx.nextCaseId(),
        type: req.caseType,
        status: "open",
        user,
        ...(req.instansi !== undefined ? { instansi: req.instansi } : {}),
        group,
        fallback: route.via !== "office",
        fields: req.fields,
        createdAt: now,
        reopened: 0,
        messages: 0,
        redacted: false,
      };
      await tx.insertCase(c);
      await tx.record({ at: now, actor: user, kind: "opened", caseId: c.id, group, ...this.instansiOf(c) });
      await this.announce(tx, c, now);
      this.config.onOpened?.(c.type);
      const notice =
        route.via === "office"
          ? MSGS.opened(c.id, this.instansiName(c))
          : MSGS.openedElsewhere(c.id, deskName(route, MSGS.centralDesk));
      return { status: "ok", caseId: c.id, notice };
    });
  }

  /** Posts the case card (in its own topic on a forum group). Idempotent per (case, reopening). */
  private async announce(tx: DeskTx, c: Case, now: number): Promise<void> {
    const group = await tx.group(c.group);
    if (group?.forum && c.topic === undefined) {
      const name = truncate(
        `Kasus #${c.id} · ${this.instansiName(c) ?? this.typeOf(c)?.title ?? c.type}`,
        128,
      );
      const item = {
        ...this.toGroup(c, `c${c.id}:topic@${c.group}`, { type: "topic", name }, `topic:${c.id}`),
        priority: PRIORITY.CARD,
      };
      return tx.enqueue([item], now); // the card follows once the topic exists (delivered)
    }
    await tx.enqueue([this.cardItem(c, `c${c.id}:card:${c.reopened}@${c.group}`)], now);
  }

  private cardItem(c: Case, id: string, edit = false): OutboxItem {
    const { text, inert } = renderCard(c, this.typeOf(c), this.instansiName(c));
    const buttons = isOpen(c) ? this.cardButtons(c) : [];
    const message: OutMessage =
      edit && c.card !== undefined
        ? { type: "edit", ref: c.card, text, buttons, inert }
        : {
            type: "text",
            text,
            buttons,
            inert,
            ...(c.topic !== undefined ? { thread: { topic: c.topic } } : {}),
          };
    const item = this.toGroup(c, id, message, edit ? undefined : `card:${c.id}`);
    // A new card goes before the chatter of other cases in its group.
    return edit ? item : { ...item, priority: PRIORITY.CARD };
  }

  private cardButtons(c: Case): ButtonView[][] {
    const b = (label: string, action: StaffAction) => ({
      label,
      data: this.world.buttons.encode({ kind: "staff", action, caseId: c.id }, c.group),
    });
    return [[b("✋ Ambil", "claim"), b("✅ Selesai", "resolve")], [b("↩️ Kembalikan ke bot", "return")]];
  }

  private async relay(
    user: Address,
    caseId: string,
    content: { text?: string; photo?: string },
    now: number,
  ): Promise<DeskResult> {
    return this.store.tx(async (tx) => {
      const c = await tx.getCase(caseId, true);
      if (c === undefined || c.user !== user || !isOpen(c)) {
        return { status: "closed", notice: MSGS.closed(caseId, c === undefined ? undefined : c.status) };
      }
      if (!(await tx.allow(RATE_KEYS.relay(user), this.config.relayPerMinute, 60_000, now))) {
        return { status: "refused", notice: MSGS.slowDown };
      }
      await this.relayIn(tx, c, content, now);
      return { status: "ok", notice: MSGS.relayed };
    });
  }

  /** A user's message to the case's group, threaded under its card or in its topic; returns the case as saved. */
  private async relayIn(
    tx: DeskTx,
    current: Case,
    content: { text?: string; photo?: string },
    now: number,
  ): Promise<Case> {
    const c = { ...current, messages: current.messages + 1 };
    await tx.updateCase(c);
    const head = `💬 Pesan pengguna · kasus #${c.id}`;
    const thread = this.threadOf(c);
    // A caption is user text too: inert, and within Telegram's 1,024 with the heading.
    const limit = content.photo !== undefined ? 1000 - head.length - 1 : 3900;
    const { text, inert } = new TextBuilder()
      .line(head)
      .line("", truncate(content.text ?? "", limit))
      .build();
    const message: OutMessage =
      content.photo !== undefined
        ? { type: "photo", photo: content.photo, caption: text, inert, ...thread }
        : { type: "text", text, inert, ...thread };
    await tx.enqueue([this.toGroup(c, `c${c.id}:u:${c.messages}`, message, `relay:${c.id}`)], now);
    return c;
  }

  private async userChange(
    user: Address,
    caseId: string,
    action: "cancel" | "reopen",
    now: number,
  ): Promise<DeskResult> {
    return this.store.tx(async (tx) => {
      if (action === "reopen") {
        // One open case per user: reopening an old one while another is open would orphan either.
        const other = await tx.openCaseOf(user);
        if (other !== undefined && other.id !== caseId)
          return { status: "open-case", caseId: other.id, notice: MSGS.existingOnReopen(other.id) };
      }
      const current = await tx.getCase(caseId, true);
      if (current === undefined || current.user !== user)
        return { status: "closed", notice: MSGS.notFound(caseId) };
      const outcome = applyUserAction(current, action, now, this.config.reopenWindowMs);
      if (!outcome.ok) {
        return isOpen(current)
          ? { status: "open-case", caseId: current.id, notice: outcome.reason }
          : { status: "closed", notice: outcome.reason };
      }
      let c = outcome.case;
      if (action === "reopen" && !(await this.network.accepts(tx, c.group, c.instansi))) {
        // Its group can no longer be reached or no longer serves the instansi: the case goes where a
        // new one would, and the user is told where; with no desk at all it stays closed.
        const route = await this.network.routeFor(tx, c.instansi);
        if (route === undefined) {
          const card = c.instansi !== undefined ? this.world.directory?.card(c.instansi) : undefined;
          return { status: "closed", notice: `${MSGS.noDesk}${card ? `\n\n${card}` : ""}` };
        }
        const { card: _card, topic: _topic, ...rest } = c;
        c = { ...rest, group: route.group, fallback: route.via !== "office" };
        await tx.updateCase(c);
        await tx.record({
          at: now,
          actor: user,
          kind: "reopened",
          caseId: c.id,
          group: c.group,
          detail: { n: c.reopened, from: current.group },
        });
        await this.announce(tx, c, now);
        const where = deskName(route, `petugas ${this.instansiName(c) ?? "instansi Anda"}`);
        return { status: "ok", caseId: c.id, notice: MSGS.reopenedElsewhere(c.id, where) };
      }
      await tx.updateCase(c);
      if (action === "cancel") {
        await tx.record({ at: now, actor: user, kind: "cancelled", caseId: c.id });
        const items = c.card !== undefined ? [this.cardItem(c, `c${c.id}:edit:cancelled`, true)] : [];
        items.push(this.groupNote(c, `c${c.id}:cancel`, `❌ Kasus #${c.id} dibatalkan oleh pengguna.`));
        await tx.enqueue(items, now);
        return { status: "ok", notice: MSGS.cancelled(c.id) };
      }
      await tx.record({ at: now, actor: user, kind: "reopened", caseId: c.id, detail: { n: c.reopened } });
      await tx.enqueue(
        [
          this.cardItem(c, `c${c.id}:card:${c.reopened}@${c.group}`),
          this.groupNote(c, `c${c.id}:reopen:${c.reopened}`, `🔄 Kasus #${c.id} dibuka lagi oleh pengguna.`),
        ],
        now,
      );
      return { status: "ok", caseId: c.id, notice: MSGS.reopened(c.id) };
    });
  }

  /** `/kasus` in the private chat, or "📋 Status kasus". */
  async status(user: Address, now: number): Promise<DeskResult> {
    const c = await this.store.tx((tx) => tx.openCaseOf(user));
    if (c === undefined) return { status: "closed", notice: MSGS.noCase };
    const who = c.claimedBy !== undefined && this.config.showStaffName ? ` oleh ${c.claimedBy.name}` : "";
    return {
      status: "open-case",
      caseId: c.id,
      notice: `📋 Kasus #${c.id} · ${this.typeOf(c)?.title ?? c.type}\nStatus: ${statusLabel(c.status)}${who}\nDibuka: ${formatAgo(c.createdAt, now)} lalu\nTulis pesan di ruang tunggu kasus untuk menambah informasi.`,
    };
  }

  /** /hapusdata: refused while a case is open (the desk decides, not the session); otherwise every record of the user is erased. */
  private async erase(user: Address, now: number): Promise<DeskResult> {
    return this.store.tx(async (tx) => {
      const open = await tx.openCaseOf(user);
      if (open !== undefined)
        return { status: "open-case", caseId: open.id, notice: MSGS.eraseOpen(open.id) };
      const redacted = await tx.eraseUser(user, now);
      // The cards in the groups lose the personal fields too.
      const edits = redacted
        .filter((c) => c.card !== undefined)
        .map((c) => this.cardItem(c, `c${c.id}:edit:erased`, true));
      await tx.enqueue(edits, now);
      return { status: "ok" };
    });
  }

  // --------------------------------------------------------------- group side

  /** A press on a case card button. Returns the short notice shown to the presser. */
  async staffButton(group: Address, staff: Staff, data: string, now: number): Promise<string> {
    const d = this.world.buttons.parse(data, group);
    if (d?.kind !== "staff") return MSGS.forged;
    const { action, caseId } = d;
    return this.store.tx(async (tx) => {
      const current = await tx.getCase(caseId, true);
      if (current === undefined) return MSGS.notFound(caseId);
      if (current.group !== group) return MSGS.otherGroup;
      const outcome = applyStaffAction(current, action, staff, now);
      if (!outcome.ok) return outcome.reason;
      const c = outcome.case;
      await tx.updateCase(c);
      await tx.record({
        at: now,
        actor: staff.id,
        actorName: staff.name,
        kind: AUDIT[action],
        caseId: c.id,
        group,
      });
      const items: OutboxItem[] = [];
      if (c.card !== undefined)
        items.push(this.cardItem(c, `c${c.id}:edit:${c.status}:${c.reopened}:${staff.id}`, true));
      const type = this.typeOf(c);
      const resume = {
        label: type?.returnLabel ?? "▶️ Lanjutkan",
        data: this.world.buttons.encode({ kind: "resume", caseId: c.id }),
      };
      if (action === "claim") {
        const who = this.config.showStaffName ? ` (${this.staffName(staff)})` : "";
        items.push(this.toUser(c, `c${c.id}:claimed:${c.reopened}`, MSGS.claimed(c.id, who)));
      } else if (action === "resolve") {
        items.push(
          this.toUser(c, `c${c.id}:done:${c.reopened}`, MSGS.resolved(c.id), [
            [1, 2, 3, 4, 5].map((n) => ({
              label: `${n} ⭐`,
              data: this.world.buttons.encode({ kind: "rate", caseId: c.id, stars: n }),
            })),
            [resume],
            [
              {
                label: "🔄 Masalah belum selesai",
                data: this.world.buttons.encode({ kind: "reopen", caseId: c.id }),
              },
            ],
          ]),
        );
      } else {
        items.push(this.toUser(c, `c${c.id}:ret:${c.reopened}`, MSGS.returned(c.id), [[resume]]));
      }
      await tx.enqueue(items, now);
      return action === "claim"
        ? MSGS.youClaimed(c.id)
        : action === "resolve"
          ? MSGS.youResolved(c.id)
          : MSGS.youReturned(c.id);
    });
  }

  /**
   * A message in an HR group: a reply to a case's card or relayed message, or
   * a message in the case's topic, goes to the user. Anything else is ignored
   * (undefined); a reply to a closed case gets a short notice in the group.
   */
  async staffMessage(
    group: Address,
    staff: Staff,
    message: StaffMessage,
    now: number,
  ): Promise<Reply | undefined> {
    return this.store.tx(async (tx) => {
      const caseId =
        (message.replyTo !== undefined ? await tx.caseOfMessage(group, message.replyTo) : undefined) ??
        (message.topic !== undefined ? await tx.caseOfTopic(group, message.topic) : undefined) ??
        CASE_MENTION.exec(message.replyToBotText ?? "")?.[1];
      // A reply to one of the bot's messages that belongs to no case: say how to answer a user.
      if (caseId === undefined)
        return message.replyToBotText !== undefined ? { text: MSGS.howToAnswer } : undefined;
      const current = await tx.getCase(caseId, true);
      if (current === undefined || current.group !== group || !isOpen(current)) {
        return { text: MSGS.notForwarded(caseId, current?.status) };
      }
      const c: Case = {
        ...current,
        messages: current.messages + 1,
        firstAnswerAt: current.firstAnswerAt ?? now,
        staffAt: now,
      };
      await tx.updateCase(c);
      await tx.record({
        at: now,
        actor: staff.id,
        actorName: staff.name,
        kind: "answered",
        caseId: c.id,
        group,
      });
      const head = `💬 Petugas${this.config.showStaffName ? ` ${this.staffName(staff)}` : ""} · kasus #${c.id}`;
      const out: OutMessage =
        message.photo !== undefined
          ? {
              type: "photo",
              photo: message.photo,
              caption: truncate(`${head}${message.caption ? `\n${message.caption}` : ""}`, 1000),
            }
          : { type: "text", text: truncate(`${head}\n${message.text ?? ""}`, 4096) };
      await tx.enqueue(
        [
          {
            id: `c${c.id}:s:${c.messages}`,
            to: c.user,
            group: false,
            message: out,
            caseId: c.id,
            ...(message.ref !== undefined ? { tag: `answer:${c.id}:${group}|${message.ref}` } : {}),
          },
        ],
        now,
      );
      return undefined;
    });
  }

  /** `/kasus` in an HR group: its open cases; `/kasus <n>`: one case's history. */
  async groupList(group: Address, now: number, caseId?: string): Promise<Reply> {
    if (caseId !== undefined) return this.caseHistory(group, caseId);
    const open = await this.store.openCasesOf(group);
    if (open.length === 0) return { text: "Tidak ada kasus terbuka di grup ini. 👍" };
    const lines = open.map(
      (c) =>
        `#${c.id} · ${this.typeOf(c)?.title ?? c.type} · ${this.instansiName(c) ?? "-"} · ${statusLabel(c.status)}${c.claimedBy ? ` (${c.claimedBy.name})` : ""} · ${formatAgo(c.createdAt, now)}`,
    );
    return { text: truncate(`Kasus terbuka di grup ini (${open.length}):\n${lines.join("\n")}`, 4000) };
  }

  private async caseHistory(group: Address, caseId: string): Promise<Reply> {
    const c = await this.store.getCase(caseId);
    if (c === undefined || c.group !== group) return { text: MSGS.notFound(caseId) };
    const rows = await this.store.history(caseId);
    const lines = rows.map(
      (r) => `${formatTime(r.at, false)} · ${AUDIT_LABEL[r.kind]}${whoDid(r)}${detailOf(r)}`,
    );
    return {
      text: truncate(
        `📜 Riwayat kasus #${c.id} · ${this.typeOf(c)?.title ?? c.type}\nStatus: ${statusLabel(c.status)}\n${lines.join("\n")}`,
        4000,
      ),
    };
  }

  /** `/statistik`: by status, type and instansi, times and satisfaction, for a period / office / group. */
  async stats(filter: StatsFilter = {}): Promise<string> {
    const s: DeskStats = await this.store.stats(filter);
    if (s.total === 0) return "📊 Belum ada kasus.";
    const fmt = (rows: [string, number][], limit = 10) =>
      rows
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([k, n]) => `${k} ${n}`)
        .join(" · ");
    const statusRows = Object.entries(s.byStatus).map(
      ([k, n]) => [statusLabel(k as Case["status"]), n] as [string, number],
    );
    const typeRows = Object.entries(s.byType).map(
      ([k, n]) => [this.world.flows.cases.get(k)?.title ?? k, n] as [string, number],
    );
    const instansiRows = s.byInstansi.map(
      ([id, n]) => [this.world.directory?.get(id)?.name ?? id, n] as [string, number],
    );
    const avg = s.ratingAverage === undefined ? "-" : s.ratingAverage.toFixed(1).replace(".", ",");
    return [
      `📊 Statistik kasus (${s.total})`,
      `Status: ${fmt(statusRows)}`,
      `Jenis: ${fmt(typeRows)}`,
      `Instansi: ${fmt(instansiRows, 8)}`,
      `Median sampai jawaban pertama: ${formatDuration(s.medianFirstAnswerMs)}`,
      `Median sampai selesai: ${formatDuration(s.medianCloseMs)}`,
      `Kepuasan: ${avg} dari 5 (${s.ratings} penilaian)`,
    ].join("\n");
  }

  /** What operators watch (metrics, alerts): the outbox backlog, the cases waiting, broken routes. */
  async health(now: number): Promise<DeskHealth> {
    const [backlog, workload, broken] = await Promise.all([
      this.store.backlog(now),
      this.store.workload(),
      this.store.brokenGroups(),
    ]);
    return { ...backlog, ...workload, routesBroken: broken.length };
  }

  // --------------------------------------------------------------- background

  /**
   * Periodic work, by indexed queries only: announce again the cases nobody
   * took, delete closed cases past retention.
   */
  async tick(now: number): Promise<{ reminded: number; purged: number }> {
    // Cases waiting for staff (unclaimed, or claimed with the user's last message unanswered): one
    // digest per group per interval, queued behind new cards, never one message per case.
    const due = await this.store.dueReminders(now - this.config.remindAfterMs, 500);
    let reminded = 0;
    for (const [group, cases] of groupBy(due, (c) => c.group)) {
      reminded += await this.store.tx(async (tx) => {
        const lines: string[] = [];
        for (const { id } of cases) {
          const c = await tx.getCase(id, true);
          const since = c === undefined ? undefined : waitingSince(c);
          if (
            c === undefined ||
            since === undefined ||
            now - Math.max(since, c.remindedAt ?? 0) < this.config.remindAfterMs
          )
            continue;
          await tx.updateCase({ ...c, remindedAt: now });
          await tx.record({ at: now, actor: "system", kind: "reminded", caseId: c.id, group });
          lines.push(
            c.status === "open"
              ? MSGS.waitingOpen(c.id, formatAgo(c.createdAt, now), this.instansiName(c))
              : MSGS.waitingClaimed(c.id, c.claimedBy?.name ?? "petugas", formatAgo(since, now)),
          );
        }
        if (lines.length === 0) return 0;
        const interval = Math.floor(now / this.config.remindAfterMs);
        await tx.enqueue(
          [
            {
              id: `digest:${group}:${interval}`,
              to: group,
              group: true,
              priority: PRIORITY.DIGEST,
              message: {
                type: "text",
                text: truncate(`${MSGS.digestHead(lines.length)}\n${lines.join("\n")}`, 4000),
              },
            },
          ],
          now,
        );
        return lines.length;
      });
    }
    const purged = await this.store.purgeClosed(now - this.config.retentionMs);
    await this.store.sweep(now);
    // Office cards: ask about old ones, and show users what other instances saved.
    await this.contacts.askStale(now);
    await this.contacts.refresh(now);
    if (this.config.weeklyDigest === true) await this.digest.run(now);
    return { reminded, purged };
  }

  /** Delivery hook, inside the transaction that marks the item done: remembers the card, topic and relayed messages. */
  readonly delivered = async (
    tx: DeskTx,
    item: OutboxItem,
    result: Delivered,
    now: number,
  ): Promise<void> => {
    const [kind, caseId] = (item.tag ?? "").split(":");
    if (caseId === undefined) return;
    if (kind === "topic" && result.topic !== undefined) {
      const topic = result.topic;
      await tx.linkTopic(item.to, topic, caseId);
      const current = await tx.getCase(caseId, true);
      if (current === undefined) return;
      const c = { ...current, topic };
      await tx.updateCase(c);
      await tx.enqueue([this.cardItem(c, `c${c.id}:card:${c.reopened}@${c.group}`)], now);
    } else if (kind === "card" && result.ref !== undefined) {
      const card = result.ref;
      await tx.linkMessage(item.to, card, caseId);
      const current = await tx.getCase(caseId, true);
      if (current === undefined) return;
      await tx.updateCase({ ...current, card });
      // Only now is it true that the case reached the staff.
      if (isOpen(current))
        await tx.enqueue(
          [this.toUser(current, `c${caseId}:arrived:${current.reopened}:${item.to}`, MSGS.arrived(caseId))],
          now,
        );
    } else if (kind === "relay" && result.ref !== undefined) {
      await tx.linkMessage(item.to, result.ref, caseId);
    } else if (kind === "answer") {
      // The staff answer reached the user: its author sees 👍 on it in the group.
      const [group = "", ref = ""] = (item.tag ?? "").slice(`answer:${caseId}:`.length).split("|");
      if (group !== "" && ref !== "")
        await tx.enqueue(
          [
            {
              id: `ack:${group}:${ref}`,
              to: group,
              group: true,
              caseId,
              message: { type: "react", ref, emoji: "👍" },
            },
          ],
          now,
        );
    }
  };

  /**
   * Open cases leave a group. `why` says why: the group cannot be reached (its reason), or, with
   * `handover`, some of its instansi now belong elsewhere (a move approved, `/putuskan`): the cases of
   * those instansi that the group may no longer receive leave, and their cards there are edited to drop
   * the personal data. Either way each case goes where a new case of its instansi would (the route, the
   * manager group, the central desk), unclaimed, with the user's messages that were still on their way
   * to the old group; the user is told where it went, or, with no desk left, gets the office's contact
   * card and the case is returned to the bot. With `why` empty the group moved (a new chat id, the same
   * people): its open cases are only announced again there.
   */
  private async reroute(
    tx: DeskTx,
    from: Address,
    why: string,
    now: number,
    handover?: { instansi: string[] },
  ): Promise<void> {
    // Of the handed-over instansi, those the group may no longer receive (asked once each, not per case).
    const leaving = new Set<string>();
    for (const instansi of handover?.instansi ?? [])
      if (!(await this.network.accepts(tx, from, instansi))) leaving.add(instansi);
    for (const current of await tx.openCasesOf(from)) {
      if (why === "") {
        if (current.card === undefined) await this.announce(tx, current, now);
        continue;
      }
      if (handover !== undefined && (current.instansi === undefined || !leaving.has(current.instansi)))
        continue;
      // What was still on its way to the old group must not arrive there; the user's messages follow the case.
      const queued = await tx.takeQueued(current.id, from);
      const route = await this.network.routeFor(tx, current.instansi, from);
      const left: OutboxItem[] =
        handover !== undefined && current.card !== undefined
          ? [
              this.cardLeft(
                current,
                current.card,
                `c${current.id}:edit:left:${now}`,
                MSGS.leftCard(current.id, why),
              ),
            ]
          : [];
      const {
        card: _card,
        topic: _topic,
        claimedBy: _by,
        claimedAt: _at,
        remindedAt: _reminded,
        ...rest
      } = current;
      if (route === undefined) {
        const c: Case = { ...rest, status: "returned", closedAt: now };
        await tx.updateCase(c);
        await tx.record({
          at: now,
          actor: "system",
          kind: "returned",
          caseId: c.id,
          group: from,
          detail: { why },
        });
        const card = c.instansi !== undefined ? this.world.directory?.card(c.instansi) : undefined;
        await tx.enqueue(
          [
            ...left,
            this.toUser(
              c,
              `c${c.id}:unreachable:${c.reopened}`,
              `${MSGS.unreachable(c.id)}${card ? `\n\n${card}` : ""}`,
            ),
          ],
          now,
        );
        continue;
      }
      const c: Case = { ...rest, status: "open", group: route.group, fallback: route.via !== "office" };
      await tx.updateCase(c);
      await tx.record({
        at: now,
        actor: "system",
        kind: "rerouted",
        caseId: c.id,
        group: route.group,
        detail: { from, why },
      });
      await this.announce(tx, c, now);
      const relays = queued
        .filter((item) => item.tag === `relay:${c.id}`)
        .map((item) => {
          const { thread: _thread, ...message } = item.message as Extract<OutMessage, { thread?: unknown }>;
          return {
            ...item,
            id: `${item.id}@${route.group}`,
            to: route.group,
            message: message as OutMessage,
          };
        });
      const where = deskName(route, this.instansiName(c) ?? "-");
      await tx.enqueue(
        [
          ...left,
          ...relays,
          this.toUser(
            c,
            `c${c.id}:rerouted:${route.group}`,
            handover !== undefined ? MSGS.handedOver(c.id, where) : MSGS.rerouted(c.id, where),
          ),
        ],
        now,
      );
    }
    if (handover !== undefined) await this.closedLeave(tx, from, why, now, leaving);
  }

  /**
   * Closed cases of instansi a group no longer serves, with something still queued for it (the card's
   * edit after "Selesai", a rating): that must not arrive there now; their card there loses the
   * personal data instead. The case itself is not touched.
   */
  private async closedLeave(tx: DeskTx, from: Address, why: string, now: number, leaving: Set<string>) {
    if (leaving.size === 0) return;
    for (const id of await tx.queuedCases(from)) {
      const c = await tx.getCase(id, true);
      if (c === undefined || isOpen(c) || c.instansi === undefined || !leaving.has(c.instansi)) continue;
      await tx.takeQueued(c.id, from);
      if (c.card !== undefined && c.group === from)
        await tx.enqueue(
          [this.cardLeft(c, c.card, `c${c.id}:edit:closed-left:${now}`, MSGS.closedLeftCard(c.id, why))],
          now,
        );
    }
  }

  /** What the outbox calls in its transactions: on delivery (remember the card) and on a dead letter (reroute). */
  get hooks(): DeliveryHooks {
    return { delivered: this.delivered, dead: this.undeliverable };
  }

  /** Dead-letter hook, in the transaction that buries the item: a group that is gone or moved changes its route. */
  readonly undeliverable: OnDead = async (tx, item, outcome, now) => {
    this.config.onDeadLetter?.(item, outcome.description);
    if (!item.group) return; // a person who blocked the bot: nothing to reroute
    if (outcome.movedTo !== undefined) {
      await this.network.moveIn(tx, item.to, outcome.movedTo, now);
    } else if (outcome.gone) {
      await this.network.breakRoute(tx, item.to, truncate(outcome.description, 200), now);
    }
  };

  // ------------------------------------------------------------------ helpers

  private threadOf(c: Case): { thread?: { topic?: string; replyTo?: string } } {
    if (c.topic !== undefined) return { thread: { topic: c.topic } };
    if (c.card !== undefined) return { thread: { replyTo: c.card } };
    return {};
  }

  private groupNote(c: Case, id: string, text: string): OutboxItem {
    return this.toGroup(c, id, { type: "text", text, ...this.threadOf(c) });
  }

  /** The case's card in its group edited to `text`: no personal data, no buttons (the case left it). */
  private cardLeft(c: Case, card: string, id: string, text: string): OutboxItem {
    return this.toGroup(c, id, { type: "edit", ref: card, text, buttons: [] });
  }

  private toGroup(c: Case, id: string, message: OutMessage, tag?: string): OutboxItem {
    return { id, to: c.group, group: true, message, caseId: c.id, ...(tag !== undefined ? { tag } : {}) };
  }

  private toUser(c: Case, id: string, text: string, buttons?: ButtonView[][]): OutboxItem {
    return {
      id,
      to: c.user,
      group: false,
      message: { type: "text", text, ...(buttons !== undefined ? { buttons } : {}) },
      caseId: c.id,
    };
  }

  private staffName(staff: Staff): string {
    return staff.name.split(/\s+/)[0]?.slice(0, 32) || "Petugas";
  }

  private typeOf(c: Case): CaseType | undefined {
    return this.world.flows.cases.get(c.type);
  }

  private instansiName(c: Case): string | undefined {
    return c.instansi === undefined ? undefined : (this.world.directory?.get(c.instansi)?.name ?? c.instansi);
  }

  private instansiOf(c: Case): { instansi?: string } {
    return c.instansi !== undefined ? { instansi: c.instansi } : {};
  }
}

const AUDIT = { claim: "claimed", resolve: "resolved", return: "returned" } as const;
/** How every desk message in a group names its case: "📨 Kasus #12 · …", "💬 Pesan pengguna · kasus #12". */
const CASE_MENTION = /\b[Kk]asus #(\d{1,12})\b/;

const AUDIT_LABEL: Record<AuditRow["kind"], string> = {
  opened: "dibuka",
  added: "data ditambah pengguna",
  claimed: "diambil",
  answered: "dijawab",
  returned: "dikembalikan ke bot",
  resolved: "diselesaikan",
  cancelled: "dibatalkan pengguna",
  rated: "dinilai",
  reopened: "dibuka lagi",
  reminded: "pengingat",
  redacted: "data pribadi dihapus",
  rerouted: "dialihkan ke grup lain",
  linked: "grup dihubungkan",
  unlinked: "hubungan diputus",
  "claim-filed": "permintaan grup",
  "claim-approved": "permintaan disetujui",
  "claim-rejected": "permintaan ditolak",
  "route-broken": "grup tidak bisa dihubungi",
  "route-repaired": "grup bisa dihubungi lagi",
  "route-moved": "grup pindah",
  "manager-set": "pengelola wilayah",
  "card-edited": "kartu kontak diubah",
  "card-confirmed": "kartu kontak dikonfirmasi",
};

function whoDid(r: AuditRow): string {
  if (r.actor === "system") return "";
  return r.actorName !== undefined ? ` oleh ${r.actorName}` : "";
}

function detailOf(r: AuditRow): string {
  if (r.kind === "rated" && r.detail?.stars !== undefined) return ` (${r.detail.stars} ⭐)`;
  return "";
}

function formatAgo(since: number, now: number): string {
  return formatDuration(Math.max(0, now - since));
}

/** How the user is told where their case went: the office's name, the regional manager, or the central desk. */
function deskName(route: RouteChoice, office: string): string {
  return route.via === "manager" ? MSGS.managerDesk : route.via === "central" ? MSGS.centralDesk : office;
}

const MSGS = {
  opened: (id: string, instansi: string | undefined) =>
    `📨 Kasus #${id} sudah dibuat dan sedang dikirim ke petugas kepegawaian${instansi ? ` (${instansi})` : ""}. Saya kabari begitu sampai; jawaban petugas juga muncul di chat ini. Ketik /kasus untuk melihat statusnya.`,
  openedElsewhere: (id: string, where: string) =>
    `📨 Kasus #${id} sudah dibuat. Petugas instansi Anda belum bisa dihubungi lewat Pandu, jadi kasus ini saya teruskan ke ${where}; mereka meneruskannya ke instansi Anda. Saya kabari begitu sampai. Ketik /kasus untuk melihat statusnya.`,
  managerDesk: "grup pengelola wilayah (kantor regional)",
  centralDesk: "meja petugas pusat Pandu",
  arrived: (id: string) =>
    `✓ Kasus #${id} sudah sampai di grup petugas. Mohon tunggu jawabannya di chat ini.`,
  rerouted: (id: string, where: string) =>
    `ℹ️ Kasus #${id} belum bisa sampai ke petugas instansi Anda (grup mereka tidak bisa dihubungi). Kasus Anda kami teruskan ke ${where}.`,
  handedOver: (id: string, where: string) =>
    `ℹ️ Kasus #${id} sekarang ditangani ${where}: grup petugas sebelumnya tidak lagi menangani instansi Anda di Pandu. Anda tidak perlu mengirim ulang; pesan Anda ikut dipindahkan.`,
  closedLeftCard: (id: string, why: string) =>
    `✔️ Kasus #${id} sudah ditutup. Data pengguna tidak ditampilkan lagi di sini (${why}).`,
  leftCard: (id: string, why: string) =>
    `➡️ Kasus #${id} dipindahkan ke grup lain (${why}). Data pengguna tidak ditampilkan lagi di sini.`,
  unreachable: (id: string) =>
    `⚠️ Kasus #${id} belum bisa sampai ke petugas: grup petugas instansi Anda tidak bisa dihubungi dan belum ada meja pengganti. Mohon hubungi kantor kepegawaian Anda langsung:`,
  existing: (id: string) =>
    `Anda masih punya kasus #${id} yang terbuka. Data baru ini saya tambahkan ke kasus itu.`,
  unchanged: (id: string) => `Data ini sudah ada di kasus #${id}. Mohon tunggu jawaban petugas di chat ini.`,
  existingOnReopen: (id: string) =>
    `Anda masih punya kasus #${id} yang terbuka. Tulis masalah Anda di sana; petugasnya sama.`,
  incomplete: (labels: string[]) =>
    `Data untuk petugas belum lengkap: ${labels.join(", ")}. Silakan lengkapi dulu (tombol "✏️ Ubah data").`,
  tooManyOpens:
    "Anda sudah membuka banyak kasus hari ini. Silakan coba lagi besok, atau lanjutkan kasus yang ada.",
  noDesk:
    "Maaf, meja petugas belum tersedia untuk instansi Anda. Silakan hubungi unit kepegawaian Anda langsung:",
  closed: (id: string, status: Case["status"] | undefined) =>
    `Kasus #${id} ${status === undefined ? "tidak ditemukan" : `sudah ${statusLabel(status)}`}. Pesan Anda tidak diteruskan. Ketik /petugas untuk membuka kasus baru.`,
  notFound: (id: string) => `Kasus #${id} tidak ditemukan.`,
  digestHead: (n: number) => `⏰ ${n} kasus menunggu petugas di grup ini:`,
  waitingOpen: (id: string, ago: string, instansi: string | undefined) =>
    `• Kasus #${id} belum diambil sejak ${ago}${instansi ? ` · ${instansi}` : ""}. Tekan "✋ Ambil" pada kartunya.`,
  waitingClaimed: (id: string, who: string, ago: string) =>
    `• Kasus #${id} diambil ${who}, pesan pengguna belum dijawab sejak ${ago}. Balas kartunya, atau "✋ Ambil" untuk mengambil alih.`,
  alreadyRated: (id: string) => `Kasus #${id} sudah Anda nilai. Terima kasih!`,
  slowDown: "Pesan Anda banyak sekali dalam semenit ini. Mohon tunggu sebentar sebelum mengirim lagi.",
  relayed: "✓ Diteruskan ke petugas.",
  cancelled: (id: string) => `Kasus #${id} sudah dibatalkan.`,
  reopened: (id: string) =>
    `🔄 Kasus #${id} dibuka lagi dan dikirim ke petugas yang sama. Tulis apa yang masih bermasalah.`,
  reopenedElsewhere: (id: string, where: string) =>
    `🔄 Kasus #${id} dibuka lagi. Petugas yang menanganinya tidak bisa lagi dihubungi lewat Pandu, jadi kasus ini saya kirim ke ${where}. Saya kabari begitu sampai. Tulis apa yang masih bermasalah.`,
  noCase: "Anda tidak punya kasus yang terbuka. Ketik /petugas untuk bertanya ke petugas kepegawaian.",
  eraseOpen: (id: string) => `Kasus #${id} masih terbuka.`,
  claimed: (id: string, who: string) =>
    `✋ Kasus #${id} sedang ditangani petugas${who}. Mohon tunggu jawabannya di chat ini.`,
  resolved: (id: string) =>
    `✅ Kasus #${id} sudah diselesaikan petugas. Bagaimana pelayanannya? Pilih bintang 1–5:`,
  returned: (id: string) =>
    `↩️ Petugas mengembalikan kasus #${id} ke panduan bot. Silakan lanjutkan langkahnya:`,
  forged: "Tombol tidak sah.",
  howToAnswer:
    "ℹ️ Pesan ini tidak diteruskan ke siapa pun. Untuk menjawab pengguna, balas (reply) kartu kasusnya atau pesan pengguna di kasus itu.",
  otherGroup: "Kasus ini bukan untuk grup ini.",
  youClaimed: (id: string) => `Kasus #${id} sudah Anda ambil.`,
  youResolved: (id: string) => `Kasus #${id} selesai. Pengguna diminta memberi penilaian.`,
  youReturned: (id: string) => `Kasus #${id} dikembalikan ke bot.`,
  notForwarded: (id: string, status: Case["status"] | undefined) =>
    `Kasus #${id} ${status === undefined ? "tidak ditemukan" : `sudah ${statusLabel(status)}`}; pesan ini tidak diteruskan ke pengguna.`,
} as const;
