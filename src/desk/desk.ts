import { createHmac, timingSafeEqual } from "node:crypto";
import type { Outbox, OutboxItem } from "../adapters/outbox.ts";
import { toKeyboard } from "../adapters/telegram/run-effects.ts";
import {
  applyStaffAction,
  applyUserAction,
  CASE_VERSION,
  type Case,
  type CaseType,
  isOpen,
  median,
  renderCard,
  type StaffAction,
  statusLabel,
} from "../core/desk/case.ts";
import type { ButtonView, Effect, World } from "../core/flow/transition.ts";
import { truncate } from "../core/text/text.ts";
import type { CaseStore, GroupMeta } from "./case-store.ts";

export interface DeskConfig {
  /** HR_CHAT_ID: the fallback desk for instansi without their own group. */
  fallbackGroup?: number;
  adminIds: number[];
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
  /** Key for signing HR buttons (derive from the bot token). */
  secret: string;
  /** Observer for metrics (cases opened by type). */
  onOpened?: (type: string) => void;
}

export const DEFAULT_DESK_CONFIG: Omit<DeskConfig, "secret"> = {
  adminIds: [],
  remindAfterMs: 30 * 60_000,
  reopenWindowMs: 72 * 3_600_000,
  retentionMs: 180 * 24 * 3_600_000,
  showStaffName: false,
  relayPerMinute: 10,
  opensPerDay: 5,
};

/** An answer in the chat where the action happened (the user's or the group's). */
export interface Reply {
  text: string;
  buttons?: ButtonView[][];
}

/** What the desk did with a user's effect: a reply, and session variables to change. */
export interface UserOutcome {
  reply?: Reply;
  vars?: Record<string, string | undefined>;
}

export interface Staff {
  id: number;
  name: string;
}

const CASE_EFFECTS = [
  "case-open",
  "case-relay",
  "case-action",
  "case-rate",
  "case-comment",
  "erase-user",
] as const;

/** The effects of a user's transition that the desk carries out. */
export type CaseEffect = Extract<Effect, { type: (typeof CASE_EFFECTS)[number] }>;

export function isCaseEffect(effect: Effect): effect is CaseEffect {
  return (CASE_EFFECTS as readonly string[]).includes(effect.type);
}

/** Session variables after the desk's changes (undefined removes a variable). */
export function withVarChanges(
  vars: Record<string, string>,
  changes: Record<string, string | undefined>,
): Record<string, string> {
  const out = { ...vars };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

const ACTIONS: Record<string, StaffAction> = { a: "claim", s: "resolve", k: "return" };

/**
 * The HR desk: cases opened by users, routed by instansi to HR groups, worked
 * from Telegram. Everything sent outside the current update goes through the
 * durable outbox with deterministic ids, so a retry or a restart never shows a
 * message twice. Independent of grammY: the Telegram adapter and the terminal
 * chat both drive it.
 */
export class Desk {
  constructor(
    readonly cases: CaseStore,
    readonly outbox: Outbox,
    private readonly world: World,
    readonly config: DeskConfig,
  ) {}

  // ---------------------------------------------------------------- user side

  /** Runs one case effect of a user's transition. */
  async userEffect(user: number, effect: CaseEffect, now: number): Promise<UserOutcome> {
    switch (effect.type) {
      case "case-open":
        return this.open(user, effect, now);
      case "case-relay":
        return this.relay(user, effect.caseId, { text: effect.text, photo: effect.photo }, now);
      case "case-action":
        if (effect.action === "status") return { reply: await this.status(user, now) };
        return this.userChange(user, effect.caseId, effect.action, now);
      case "case-rate":
        await this.cases.update(effect.caseId, (c) =>
          c.user === user && c.rating === undefined ? { ...c, rating: effect.rating } : undefined,
        );
        return {};
      case "case-comment":
        await this.cases.update(effect.caseId, (c) =>
          c.user === user ? { ...c, comment: truncate(effect.text, 500) } : undefined,
        );
        return {};
      case "erase-user":
        await this.eraseUser(user);
        return {};
    }
  }

  private async open(
    user: number,
    effect: Extract<Effect, { type: "case-open" }>,
    now: number,
  ): Promise<UserOutcome> {
    const existing = await this.cases.openOf(user);
    if (existing !== undefined) {
      const summary = Object.entries(effect.fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join("\n");
      await this.relay(user, existing, { text: `(data baru dari pengguna)\n${summary}` }, now, true);
      return { reply: { text: MSGS.existing(existing) }, vars: { kasus: existing } };
    }
    if (!(await this.cases.allow(`open:${user}`, this.config.opensPerDay, 24 * 3_600_000, now))) {
      return { reply: { text: MSGS.tooManyOpens }, vars: { kasus: undefined } };
    }
    const routed = effect.instansi !== undefined ? await this.cases.route(effect.instansi) : undefined;
    const group = routed ?? this.config.fallbackGroup;
    if (group === undefined) {
      const card = effect.instansi !== undefined ? this.world.directory?.card(effect.instansi) : undefined;
      return { reply: { text: `${MSGS.noDesk}${card ? `\n\n${card}` : ""}` }, vars: { kasus: undefined } };
    }
    const c: Case = {
      v: CASE_VERSION,
      id: await this.cases.nextId(),
      type: effect.caseType,
      status: "open",
      user,
      ...(effect.instansi !== undefined ? { instansi: effect.instansi } : {}),
      group,
      fallback: routed === undefined,
      fields: effect.fields,
      createdAt: now,
      reopened: 0,
      messages: 0,
      redacted: false,
    };
    await this.cases.save(c);
    this.config.onOpened?.(c.type);
    await this.announce(c, now);
    return { reply: { text: MSGS.opened(c.id, this.instansiName(c)) }, vars: { kasus: c.id } };
  }

  /** Posts the case card (in its own topic on a forum group). Idempotent per (case, reopening). */
  private async announce(c: Case, now: number): Promise<void> {
    const meta = await this.cases.group(c.group);
    if (meta?.forum && c.topic === undefined) {
      const name = `Kasus #${c.id} · ${this.instansiName(c) ?? this.typeOf(c)?.title ?? c.type}`.slice(
        0,
        128,
      );
      await this.outbox.enqueue(
        [
          {
            id: `c${c.id}:topic`,
            chatId: c.group,
            method: "createForumTopic",
            payload: { chat_id: c.group, name },
            tag: `topic:${c.id}`,
          },
        ],
        now,
      );
      return; // the card follows once the topic exists (onDelivered)
    }
    await this.outbox.enqueue([this.cardItem(c, `c${c.id}:card:${c.reopened}`, "sendMessage")], now);
  }

  private cardItem(c: Case, id: string, method: "sendMessage" | "editMessageText"): OutboxItem {
    const payload: Record<string, unknown> = {
      chat_id: c.group,
      text: renderCard(c, this.typeOf(c), this.instansiName(c)),
      link_preview_options: { is_disabled: true },
    };
    if (isOpen(c)) payload.reply_markup = { inline_keyboard: toKeyboard(this.cardButtons(c)) };
    if (method === "editMessageText") payload.message_id = c.card;
    else if (c.topic !== undefined) payload.message_thread_id = c.topic;
    return {
      id,
      chatId: c.group,
      method,
      payload,
      ...(method === "sendMessage" ? { tag: `card:${c.id}` } : {}),
    };
  }

  private cardButtons(c: Case): ButtonView[][] {
    const b = (label: string, act: string) => ({
      label,
      data: `d|${act}|${c.id}|${this.sign(act, c.id, c.group)}`,
    });
    return [[b("✋ Ambil", "a"), b("✅ Selesai", "s")], [b("↩️ Kembalikan ke bot", "k")]];
  }

  private async relay(
    user: number,
    caseId: string,
    content: { text?: string; photo?: string },
    now: number,
    internal = false,
  ): Promise<UserOutcome> {
    const current = await this.cases.get(caseId);
    if (current === undefined || current.user !== user || !isOpen(current)) {
      const label = current === undefined ? "tidak ditemukan" : statusLabel(current.status);
      return { reply: { text: MSGS.closed(caseId, label) }, vars: { kasus: undefined } };
    }
    if (!internal && !(await this.cases.allow(`relay:${user}`, this.config.relayPerMinute, 60_000, now))) {
      return { reply: { text: MSGS.slowDown } };
    }
    const c = await this.cases.update(caseId, (x) => ({ ...x, messages: x.messages + 1 }));
    if (c === undefined) return {};
    const head = `💬 Pesan pengguna · kasus #${c.id}`;
    const where: Record<string, unknown> =
      c.topic !== undefined
        ? { message_thread_id: c.topic }
        : c.card !== undefined
          ? { reply_parameters: { message_id: c.card, allow_sending_without_reply: true } }
          : {};
    const item: OutboxItem =
      content.photo !== undefined
        ? {
            id: `c${c.id}:u:${c.messages}`,
            chatId: c.group,
            method: "sendPhoto",
            payload: {
              chat_id: c.group,
              photo: content.photo,
              caption: truncate(`${head}${content.text ? `\n${content.text}` : ""}`, 1000),
              ...where,
            },
            tag: `relay:${c.id}`,
          }
        : {
            id: `c${c.id}:u:${c.messages}`,
            chatId: c.group,
            method: "sendMessage",
            payload: { chat_id: c.group, text: truncate(`${head}\n${content.text ?? ""}`, 4000), ...where },
            tag: `relay:${c.id}`,
          };
    await this.outbox.enqueue([item], now);
    return internal ? {} : { reply: { text: MSGS.relayed } };
  }

  private async userChange(
    user: number,
    caseId: string,
    action: "cancel" | "reopen",
    now: number,
  ): Promise<UserOutcome> {
    if (action === "reopen") {
      // One open case per user: reopening an old one while another is open would orphan either.
      const other = await this.cases.openOf(user);
      if (other !== undefined && other !== caseId)
        return { reply: { text: MSGS.existingOnReopen(other) }, vars: { kasus: other } };
    }
    let refused: string | undefined;
    const c = await this.cases.update(caseId, (x) => {
      if (x.user !== user) {
        refused = MSGS.closed(caseId, "tidak ditemukan");
        return undefined;
      }
      const outcome = applyUserAction(x, action, now, this.config.reopenWindowMs);
      if (!outcome.ok) {
        refused = outcome.reason;
        return undefined;
      }
      return outcome.case;
    });
    if (c === undefined)
      return {
        reply: { text: refused ?? MSGS.closed(caseId, "tidak ditemukan") },
        vars: { kasus: undefined },
      };
    if (action === "cancel") {
      await this.outbox.enqueue(
        [this.cardItem(c, `c${c.id}:edit:cancelled`, "editMessageText")].filter(() => c.card !== undefined),
        now,
      );
      await this.groupNote(c, `c${c.id}:cancel`, `❌ Kasus #${c.id} dibatalkan oleh pengguna.`, now);
      return { reply: { text: MSGS.cancelled(c.id) }, vars: { kasus: undefined } };
    }
    await this.outbox.enqueue([this.cardItem(c, `c${c.id}:card:${c.reopened}`, "sendMessage")], now);
    await this.groupNote(
      c,
      `c${c.id}:reopen:${c.reopened}`,
      `🔄 Kasus #${c.id} dibuka lagi oleh pengguna.`,
      now,
    );
    return { reply: { text: MSGS.reopened(c.id) }, vars: { kasus: c.id } };
  }

  /** `/kasus` in the private chat. */
  async status(user: number, now: number): Promise<Reply> {
    const open = await this.cases.openOf(user);
    const c = open === undefined ? undefined : await this.cases.get(open);
    if (c === undefined) return { text: MSGS.noCase };
    const who = c.claimedBy !== undefined && this.config.showStaffName ? ` oleh ${c.claimedBy.name}` : "";
    return {
      text: `📋 Kasus #${c.id} · ${this.typeOf(c)?.title ?? c.type}\nStatus: ${statusLabel(c.status)}${who}\nDibuka: ${formatAgo(c.createdAt, now)} lalu\nTulis pesan di ruang tunggu kasus untuk menambah informasi.`,
    };
  }

  /** /hapusdata: personal data in the user's closed cases is redacted (open ones must be cancelled first). */
  async eraseUser(user: number): Promise<number> {
    let n = 0;
    for (const id of await this.cases.casesOf(user)) {
      const done = await this.cases.update(id, (c) =>
        isOpen(c) || c.redacted ? undefined : { ...c, fields: {}, comment: undefined, redacted: true },
      );
      if (done !== undefined) n++;
    }
    return n;
  }

  // --------------------------------------------------------------- group side

  /** A press on a case card button. Returns the short notice shown to the presser. */
  async staffButton(group: number, staff: Staff, data: string, now: number): Promise<string> {
    const [, act = "", caseId = "", sig = ""] = data.split("|");
    const action = ACTIONS[act];
    if (action === undefined || !this.verify(sig, act, caseId, group)) return MSGS.forged;
    let refused: string | undefined;
    const c = await this.cases.update(caseId, (x) => {
      if (x.group !== group) {
        refused = MSGS.otherGroup;
        return undefined;
      }
      const outcome = applyStaffAction(x, action, staff, now);
      if (!outcome.ok) {
        refused = outcome.reason;
        return undefined;
      }
      return outcome.case;
    });
    if (c === undefined) return refused ?? MSGS.forged;
    const items: OutboxItem[] = [];
    if (c.card !== undefined)
      items.push(this.cardItem(c, `c${c.id}:edit:${c.status}:${c.reopened}:${staff.id}`, "editMessageText"));
    const type = this.typeOf(c);
    if (action === "claim") {
      const who = this.config.showStaffName ? ` (${this.staffName(staff)})` : "";
      items.push(this.toUser(c, `c${c.id}:claimed:${c.reopened}`, MSGS.claimed(c.id, who)));
    } else if (action === "resolve") {
      items.push(
        this.toUser(c, `c${c.id}:done:${c.reopened}`, MSGS.resolved(c.id), [
          [1, 2, 3, 4, 5].map((n) => ({ label: `${n} ⭐`, data: `r|${c.id}|${n}` })),
          [{ label: type?.returnLabel ?? "▶️ Lanjutkan", data: `k|${c.id}` }],
          [{ label: "🔄 Masalah belum selesai", data: `o|${c.id}` }],
        ]),
      );
    } else {
      items.push(
        this.toUser(c, `c${c.id}:ret:${c.reopened}`, MSGS.returned(c.id), [
          [{ label: type?.returnLabel ?? "▶️ Lanjutkan", data: `k|${c.id}` }],
        ]),
      );
    }
    await this.outbox.enqueue(items, now);
    return action === "claim"
      ? MSGS.youClaimed(c.id)
      : action === "resolve"
        ? MSGS.youResolved(c.id)
        : MSGS.youReturned(c.id);
  }

  /**
   * A message in an HR group: a reply to a case's card or relayed message, or
   * a message in the case's topic, goes to the user. Anything else is ignored.
   */
  async staffMessage(
    group: number,
    staff: Staff,
    message: { replyTo?: number; topic?: number; text?: string; photo?: string; caption?: string },
    now: number,
  ): Promise<Reply | undefined> {
    const caseId =
      (message.replyTo !== undefined ? await this.cases.caseOfMessage(group, message.replyTo) : undefined) ??
      (message.topic !== undefined ? await this.cases.caseOfTopic(group, message.topic) : undefined);
    if (caseId === undefined) return undefined;
    const c = await this.cases.update(caseId, (x) =>
      x.group === group && isOpen(x)
        ? { ...x, messages: x.messages + 1, firstAnswerAt: x.firstAnswerAt ?? now }
        : undefined,
    );
    if (c === undefined) {
      const current = await this.cases.get(caseId);
      return { text: MSGS.notForwarded(caseId, current ? statusLabel(current.status) : "tidak ditemukan") };
    }
    const head = `💬 Petugas${this.config.showStaffName ? ` ${this.staffName(staff)}` : ""} · kasus #${c.id}`;
    const item: OutboxItem =
      message.photo !== undefined
        ? {
            id: `c${c.id}:s:${c.messages}`,
            chatId: c.user,
            method: "sendPhoto",
            payload: {
              chat_id: c.user,
              photo: message.photo,
              caption: truncate(`${head}${message.caption ? `\n${message.caption}` : ""}`, 1000),
            },
          }
        : this.toUser(c, `c${c.id}:s:${c.messages}`, truncate(`${head}\n${message.text ?? ""}`, 4096));
    await this.outbox.enqueue([item], now);
    return undefined;
  }

  /** `/hubungkan <instansi>`: links when the search is unambiguous, otherwise offers the top matches. */
  async link(group: number, meta: GroupMeta, query: string, allowed: boolean): Promise<Reply> {
    if (!allowed) return { text: MSGS.notAllowed };
    await this.cases.setGroup(group, meta);
    const q = truncate(query.trim(), 200);
    if (q.length === 0) return { text: MSGS.linkUsage };
    const hits = this.world.directory?.search(q, 5) ?? [];
    const [top, second] = hits;
    if (top === undefined) return { text: MSGS.linkNone(q) };
    if (top.score >= 0.9 && (second === undefined || top.score - second.score >= 0.1))
      return this.linkTo(group, top.id);
    return {
      text: MSGS.linkPick,
      buttons: hits.map((h) => [{ label: h.name, data: `h|${h.id}|${this.sign("h", h.id, group)}` }]),
    };
  }

  /** A press on one of /hubungkan's choices. */
  async linkPick(group: number, data: string, allowed: boolean): Promise<Reply> {
    const [, instansi = "", sig = ""] = data.split("|");
    if (!this.verify(sig, "h", instansi, group)) return { text: MSGS.forged };
    if (!allowed) return { text: MSGS.notAllowed };
    return this.linkTo(group, instansi);
  }

  private async linkTo(group: number, instansi: string): Promise<Reply> {
    const name = this.world.directory?.get(instansi)?.name ?? instansi;
    const moved = await this.cases.link(group, [instansi]);
    const all = await this.cases.routesOf(group);
    const names = all.map((id) => this.world.directory?.get(id)?.name ?? id).join(", ");
    return {
      text: `${MSGS.linked(name)}${moved[instansi] !== undefined ? `\n${MSGS.movedFrom}` : ""}\nGrup ini sekarang menerima kasus dari: ${names}.`,
    };
  }

  async unlink(group: number, query: string, allowed: boolean): Promise<Reply> {
    if (!allowed) return { text: MSGS.notAllowed };
    const q = truncate(query.trim(), 200);
    const target = q.length > 0 ? this.world.directory?.search(q, 1)[0]?.id : undefined;
    if (q.length > 0 && target === undefined) return { text: MSGS.linkNone(q) };
    const dropped = await this.cases.unlink(group, target === undefined ? undefined : [target]);
    if (dropped.length === 0) return { text: MSGS.nothingLinked };
    return { text: MSGS.unlinked(dropped.map((id) => this.world.directory?.get(id)?.name ?? id).join(", ")) };
  }

  /** `/kasus` in an HR group: its open cases. */
  async groupList(group: number, now: number): Promise<Reply> {
    const open = (await this.cases.openCases())
      .filter((c) => c.group === group)
      .sort((a, b) => a.createdAt - b.createdAt);
    if (open.length === 0) return { text: "Tidak ada kasus terbuka di grup ini. 👍" };
    const lines = open.map(
      (c) =>
        `#${c.id} · ${this.typeOf(c)?.title ?? c.type} · ${this.instansiName(c) ?? "-"} · ${statusLabel(c.status)}${c.claimedBy ? ` (${c.claimedBy.name})` : ""} · ${formatAgo(c.createdAt, now)}`,
    );
    return { text: `Kasus terbuka di grup ini (${open.length}):\n${lines.join("\n")}` };
  }

  /** `/statistik` for admins. */
  async stats(): Promise<string> {
    const all = await this.cases.allCases();
    if (all.length === 0) return "📊 Belum ada kasus.";
    const count = (key: (c: Case) => string) => {
      const m = new Map<string, number>();
      for (const c of all) m.set(key(c), (m.get(key(c)) ?? 0) + 1);
      return [...m.entries()].sort((a, b) => b[1] - a[1]);
    };
    const fmt = (rows: [string, number][], limit = 10) =>
      rows
        .slice(0, limit)
        .map(([k, n]) => `${k} ${n}`)
        .join(" · ");
    const firstAnswer = median(
      all.flatMap((c) => (c.firstAnswerAt !== undefined ? [c.firstAnswerAt - c.createdAt] : [])),
    );
    const toClose = median(
      all.flatMap((c) =>
        c.closedAt !== undefined && c.status !== "cancelled" ? [c.closedAt - c.createdAt] : [],
      ),
    );
    const ratings = all.flatMap((c) => (c.rating !== undefined ? [c.rating] : []));
    const avg =
      ratings.length > 0
        ? (ratings.reduce((a, b) => a + b, 0) / ratings.length).toFixed(1).replace(".", ",")
        : "-";
    return [
      `📊 Statistik kasus (${all.length})`,
      `Status: ${fmt(count((c) => statusLabel(c.status)))}`,
      `Jenis: ${fmt(count((c) => this.typeOf(c)?.title ?? c.type))}`,
      `Instansi: ${fmt(
        count((c) => this.instansiName(c) ?? "-"),
        8,
      )}`,
      `Median sampai jawaban pertama: ${firstAnswer === undefined ? "-" : formatDuration(firstAnswer)}`,
      `Median sampai selesai: ${toClose === undefined ? "-" : formatDuration(toClose)}`,
      `Kepuasan: ${avg} dari 5 (${ratings.length} penilaian)`,
    ].join("\n");
  }

  // --------------------------------------------------------------- background

  /**
   * Periodic work: announce again the cases nobody took, re-enqueue cards of
   * open cases whose card never arrived (a crash between saving and
   * notifying), delete closed cases past retention.
   */
  async tick(now: number): Promise<{ reminded: number; recovered: number; purged: number }> {
    let reminded = 0;
    let recovered = 0;
    for (const c of await this.cases.openCases()) {
      if (c.card === undefined) {
        await this.announce(c, now); // idempotent ids: nothing is shown twice
        recovered++;
      }
      if (c.status === "open" && now - (c.remindedAt ?? c.createdAt) >= this.config.remindAfterMs) {
        const k = Math.floor((now - c.createdAt) / this.config.remindAfterMs);
        await this.groupNote(
          c,
          `c${c.id}:remind:${c.reopened}:${k}`,
          `⏰ Kasus #${c.id} belum diambil sejak ${formatAgo(c.createdAt, now)}. Tekan "✋ Ambil" pada kartunya.`,
          now,
        );
        await this.cases.update(c.id, (x) => ({ ...x, remindedAt: now }));
        reminded++;
      }
    }
    let purged = 0;
    for (const c of await this.cases.allCases()) {
      if (!isOpen(c) && c.closedAt !== undefined && now - c.closedAt > this.config.retentionMs) {
        await this.cases.remove(c.id);
        purged++;
      }
    }
    return { reminded, recovered, purged };
  }

  /** Outbox delivery hook: remembers the card, the topic and relayed messages of each case. */
  async onDelivered(item: OutboxItem, result: unknown, now: number): Promise<void> {
    const [kind, caseId] = (item.tag ?? "").split(":");
    if (caseId === undefined) return;
    const r = (result ?? {}) as { message_id?: number; message_thread_id?: number };
    if (kind === "topic" && typeof r.message_thread_id === "number") {
      const topic = r.message_thread_id;
      const c = await this.cases.update(caseId, (x) => ({ ...x, topic }));
      await this.cases.linkTopic(item.chatId, topic, caseId);
      if (c !== undefined)
        await this.outbox.enqueue([this.cardItem(c, `c${c.id}:card:${c.reopened}`, "sendMessage")], now);
    } else if (kind === "card" && typeof r.message_id === "number") {
      const card = r.message_id;
      await this.cases.update(caseId, (x) => ({ ...x, card }));
      await this.cases.linkMessage(item.chatId, card, caseId);
    } else if (kind === "relay" && typeof r.message_id === "number") {
      await this.cases.linkMessage(item.chatId, r.message_id, caseId);
    }
  }

  // ------------------------------------------------------------------ helpers

  private groupNote(c: Case, id: string, text: string, now: number): Promise<void> {
    const where =
      c.topic !== undefined
        ? { message_thread_id: c.topic }
        : c.card !== undefined
          ? { reply_parameters: { message_id: c.card, allow_sending_without_reply: true } }
          : {};
    return this.outbox.enqueue(
      [{ id, chatId: c.group, method: "sendMessage", payload: { chat_id: c.group, text, ...where } }],
      now,
    );
  }

  private toUser(c: Case, id: string, text: string, buttons?: ButtonView[][]): OutboxItem {
    const payload: Record<string, unknown> = {
      chat_id: c.user,
      text,
      link_preview_options: { is_disabled: true },
    };
    if (buttons !== undefined) payload.reply_markup = { inline_keyboard: toKeyboard(buttons) };
    return { id, chatId: c.user, method: "sendMessage", payload };
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

  private sign(...parts: (string | number)[]): string {
    return createHmac("sha256", this.config.secret).update(parts.join("|")).digest("base64url").slice(0, 10);
  }

  private verify(sig: string, ...parts: (string | number)[]): boolean {
    const want = Buffer.from(this.sign(...parts));
    const got = Buffer.from(sig);
    return want.length === got.length && timingSafeEqual(want, got);
  }
}

function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} menit`;
  const hours = Math.round(minutes / 6) / 10;
  if (hours < 48) return `${String(hours).replace(".", ",")} jam`;
  return `${Math.round(hours / 24)} hari`;
}

function formatAgo(since: number, now: number): string {
  return formatDuration(Math.max(0, now - since));
}

const MSGS = {
  opened: (id: string, instansi: string | undefined) =>
    `📨 Kasus #${id} sudah dikirim ke petugas kepegawaian${instansi ? ` (${instansi})` : ""}. Jawaban petugas akan muncul di chat ini. Ketik /kasus untuk melihat statusnya.`,
  existing: (id: string) =>
    `Anda masih punya kasus #${id} yang terbuka. Data baru ini saya tambahkan ke kasus itu.`,
  existingOnReopen: (id: string) =>
    `Anda masih punya kasus #${id} yang terbuka. Tulis masalah Anda di sana; petugasnya sama.`,
  tooManyOpens:
    "Anda sudah membuka banyak kasus hari ini. Silakan coba lagi besok, atau lanjutkan kasus yang ada.",
  noDesk:
    "Maaf, meja petugas belum tersedia untuk instansi Anda. Silakan hubungi unit kepegawaian Anda langsung:",
  closed: (id: string, label: string) =>
    `Kasus #${id} ${label === "tidak ditemukan" ? "tidak ditemukan" : `sudah ${label}`}. Pesan Anda tidak diteruskan. Ketik /petugas untuk membuka kasus baru.`,
  slowDown: "Pesan Anda banyak sekali dalam semenit ini. Mohon tunggu sebentar sebelum mengirim lagi.",
  relayed: "✓ Diteruskan ke petugas.",
  cancelled: (id: string) => `Kasus #${id} sudah dibatalkan.`,
  reopened: (id: string) =>
    `🔄 Kasus #${id} dibuka lagi dan dikirim ke petugas yang sama. Tulis apa yang masih bermasalah.`,
  noCase: "Anda tidak punya kasus yang terbuka. Ketik /petugas untuk bertanya ke petugas kepegawaian.",
  claimed: (id: string, who: string) =>
    `✋ Kasus #${id} sedang ditangani petugas${who}. Mohon tunggu jawabannya di chat ini.`,
  resolved: (id: string) =>
    `✅ Kasus #${id} sudah diselesaikan petugas. Bagaimana pelayanannya? Pilih bintang 1–5:`,
  returned: (id: string) =>
    `↩️ Petugas mengembalikan kasus #${id} ke panduan bot. Silakan lanjutkan langkahnya:`,
  forged: "Tombol tidak sah.",
  otherGroup: "Kasus ini bukan untuk grup ini.",
  youClaimed: (id: string) => `Kasus #${id} Anda ambil.`,
  youResolved: (id: string) => `Kasus #${id} selesai. Pengguna diminta memberi penilaian.`,
  youReturned: (id: string) => `Kasus #${id} dikembalikan ke bot.`,
  notForwarded: (id: string, label: string) =>
    `Kasus #${id} ${label === "tidak ditemukan" ? "tidak ditemukan" : `sudah ${label}`}; pesan ini tidak diteruskan ke pengguna.`,
  notAllowed: "Hanya admin grup ini atau admin Pandu yang boleh mengatur instansi grup.",
  linkUsage: "Pemakaian: /hubungkan <nama instansi>, mis. /hubungkan kab bogor",
  linkNone: (q: string) => `Instansi "${truncate(q, 100)}" tidak ditemukan di direktori.`,
  linkPick: "Pilih instansi yang dilayani grup ini:",
  linked: (name: string) => `✅ ${name} terhubung ke grup ini. Kasus dari pegawainya akan masuk ke sini.`,
  movedFrom: "(Sebelumnya instansi ini terhubung ke grup lain; sekarang dipindah ke sini.)",
  nothingLinked: "Grup ini belum terhubung ke instansi mana pun.",
  unlinked: (names: string) =>
    `Hubungan dengan ${names} diputus. Kasus baru dari instansi itu masuk ke meja pusat.`,
} as const;
