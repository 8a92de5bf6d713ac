/**
 * The supervisor's dashboard, without HTTP: who may ask for a sign-in link
 * (/dasbor), one-time links and the sessions they open (tokens random, stored
 * only as SHA-256 hashes), each viewer's scope worked out again at every request
 * from the HR network, and the numbers of each page within that scope.
 *
 * Scope: a bot admin (signed in from a private chat) sees every case; an admin of
 * a verified group sees the cases of the instansi the group serves or, for a
 * regional manager group, manages, and the cases routed to the group. Personal
 * fields are shown only for cases routed to the viewer's own group.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Case } from "../core/desk/case.ts";
import {
  type CaseReport,
  formatDay,
  HIDDEN,
  maskFields,
  ownsCase,
  type Period,
  type ReportFilter,
  type ReportScope,
  toCsv,
} from "../core/desk/report.ts";
import { textOf } from "../core/flow/graph.ts";
import type { Text } from "../core/flow/schema.ts";
import type { World } from "../core/flow/transition.ts";
import type { Address } from "../core/protocol.ts";
import { truncate } from "../core/text/text.ts";
import type { DashboardPrincipal, DeskStore, FaqGap, FaqLog, JourneyLog, SignInStore } from "../stores.ts";
import type { Network } from "./network.ts";

export const LINK_TTL_MS = 10 * 60_000;
/** A working day. */
export const SESSION_TTL_MS = 9 * 3_600_000;
/** Rows in one CSV export of cases. */
export const EXPORT_LIMIT = 50_000;
/** "Who is at which step now": entries minus moves on over this window. */
export const NOW_WINDOW_MS = 24 * 3_600_000;

export interface DashboardOptions {
  /** DASHBOARD_URL without a trailing slash (…/dasbor); absent: the dashboard is off. */
  url?: string;
  linkTtlMs?: number;
  sessionTtlMs?: number;
  /** Every FAQ entry (the FAQ page lists those never used). */
  faqEntries?: readonly { id: string; title: string }[];
  /** A fresh random token (default 32 random bytes, base64url). */
  random?: () => string;
}

/** Who asks for a link, and where: in a group (`group` set; `isChatAdmin` asks Telegram) or in private. */
export interface LinkAsk {
  user: Address;
  name: string;
  group?: Address;
  isChatAdmin: () => Promise<boolean>;
}

export type LinkOutcome =
  | { status: "ok"; url: string; scope: string; expiresAt: number }
  | { status: "refused"; text: string };

export interface Viewer {
  principal: DashboardPrincipal;
  scope: ReportScope;
  /** "Kabupaten Bogor", "Semua instansi (admin Pandu)", … */
  label: string;
  /** The instansi a viewer may pick (empty for a bot admin: any). */
  instansi: { id: string; name: string }[];
}

export type ViewerOutcome =
  | { status: "ok"; viewer: Viewer }
  /** No session, or it expired. */
  | { status: "none" }
  /** Signed in, but the group is no longer verified (or the bot admin no longer one). */
  | { status: "revoked" };

export interface StepRow {
  state: string;
  label: string;
  end?: "success" | "handoff";
  entered: number;
  wentOn: number;
  /** Entered and did not move on (in the period): where people stopped. */
  stopped: number;
  completed: number;
  invalid: number;
  /** At this step now (estimate: entered − went on over the last 24 hours). */
  now: number;
}

export interface FlowFunnel {
  id: string;
  title: string;
  steps: StepRow[];
  /** Entries into the flow's first step. */
  started: number;
  completed: number;
}

export interface JourneyReport {
  flows: FlowFunnel[];
  /** Reached a step that ends a journey with success (flows' `end: success`). */
  success: { flow: string; state: string; label: string; completed: number }[];
  successTotal: number;
  nowTotal: number;
}

export interface FaqReport {
  gaps: FaqGap[];
  entries: { id: string; title: string; used: number; unsure: number; up: number; down: number }[];
  unused: { id: string; title: string }[];
}

export const sha256 = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

const MSG = {
  off: "Dasbor belum diaktifkan: pengelola Pandu perlu mengisi DASHBOARD_URL.",
  privateOnlyAdmins:
    "Di chat pribadi, /dasbor hanya untuk admin Pandu. Admin grup HR: ketik /dasbor di grup kantor Anda.",
  notVerified:
    "Grup ini belum disetujui untuk instansi mana pun, jadi belum punya dasbor. Admin grup bisa mengajukannya dengan /hubungkan <nama instansi>.",
  onlyAdmins: "Dasbor hanya untuk admin grup ini.",
} as const;

export class Dashboard {
  private readonly random: () => string;

  constructor(
    private readonly signIns: SignInStore,
    private readonly journeyLog: JourneyLog,
    private readonly faqLog: FaqLog,
    private readonly store: DeskStore,
    private readonly network: Network,
    private readonly world: World,
    readonly options: DashboardOptions,
  ) {
    this.random = options.random ?? (() => randomBytes(32).toString("base64url"));
  }

  // ---------------------------------------------------------------- sign-in

  /** `/dasbor`: a one-time link for a group's admin (their group's scope) or a bot admin in private (everything). */
  async requestLink(ask: LinkAsk, now: number): Promise<LinkOutcome> {
    if (this.options.url === undefined) return { status: "refused", text: MSG.off };
    const principal: DashboardPrincipal = {
      user: ask.user,
      name: ask.name.slice(0, 128),
      ...(ask.group !== undefined ? { group: ask.group } : {}),
    };
    if (ask.group === undefined && !this.network.isBotAdmin(ask.user))
      return { status: "refused", text: MSG.privateOnlyAdmins };
    const access = await this.access(principal);
    if (access === undefined) return { status: "refused", text: MSG.notVerified };
    if (ask.group !== undefined && !this.network.isBotAdmin(ask.user) && !(await ask.isChatAdmin()))
      return { status: "refused", text: MSG.onlyAdmins };
    const token = this.random();
    const expiresAt = now + (this.options.linkTtlMs ?? LINK_TTL_MS);
    await this.signIns.saveLink(sha256(token), principal, expiresAt);
    return {
      status: "ok",
      url: `${this.options.url}/masuk?t=${encodeURIComponent(token)}`,
      scope: access.label,
      expiresAt,
    };
  }

  /** Takes a link (once) and opens a session; the session's token goes into the cookie. */
  async signIn(linkToken: string, now: number): Promise<{ token: string; expiresAt: number } | undefined> {
    if (linkToken.length === 0 || linkToken.length > 200) return undefined;
    const principal = await this.signIns.takeLink(sha256(linkToken), now);
    if (principal === undefined) return undefined;
    const token = this.random();
    const expiresAt = now + (this.options.sessionTtlMs ?? SESSION_TTL_MS);
    await this.signIns.saveSession(sha256(token), principal, expiresAt);
    return { token, expiresAt };
  }

  async viewer(sessionToken: string | undefined, now: number): Promise<ViewerOutcome> {
    if (sessionToken === undefined || sessionToken.length === 0 || sessionToken.length > 200)
      return { status: "none" };
    const principal = await this.signIns.session(sha256(sessionToken), now);
    if (principal === undefined) return { status: "none" };
    const access = await this.access(principal);
    if (access === undefined) return { status: "revoked" };
    const { scope, label } = access;
    const instansi = scope.all
      ? []
      : scope.instansi
          .map((id) => ({ id, name: this.instansiName(id) }))
          .sort((a, b) => a.name.localeCompare(b.name, "id"));
    return {
      status: "ok",
      viewer: { principal, scope, label, instansi },
    };
  }

  async signOut(sessionToken: string | undefined): Promise<void> {
    if (sessionToken !== undefined && sessionToken.length > 0 && sessionToken.length <= 200)
      await this.signIns.endSession(sha256(sessionToken));
  }

  purge(now: number): Promise<number> {
    return this.signIns.purgeSignIns(now);
  }

  /** What a principal may see now: undefined when its group is no longer verified (or the admin no longer one). */
  async scopeOf(p: DashboardPrincipal): Promise<ReportScope | undefined> {
    return (await this.access(p))?.scope;
  }

  /** The scope and its label, from one read of what the group looks after. */
  private async access(p: DashboardPrincipal): Promise<{ scope: ReportScope; label: string } | undefined> {
    if (p.group === undefined)
      return this.network.isBotAdmin(p.user)
        ? { scope: { all: true }, label: "Semua instansi (admin Pandu)" }
        : undefined;
    const { instansi, managed } = await this.network.looksAfter(p.group);
    if (instansi.length === 0 && p.group !== this.network.config.fallbackGroup) return undefined;
    const list = this.network.names(instansi, 3);
    const label =
      instansi.length === 0
        ? "Meja pusat (kasus yang masuk ke grup ini)"
        : managed > 0
          ? `Pengelola wilayah: ${list}`
          : list;
    return { scope: { all: false, instansi, group: p.group }, label };
  }

  // ---------------------------------------------------------------- numbers

  instansiName(id: string): string {
    if (id === "-") return "(tanpa instansi)";
    return this.world.directory?.get(id)?.name ?? id;
  }

  caseTypeTitle(id: string): string {
    return this.world.flows.cases.get(id)?.title ?? id;
  }

  filter(viewer: Viewer, period: Period, only?: string): ReportFilter {
    return { from: period.from, to: period.to, scope: viewer.scope, ...(only !== undefined ? { only } : {}) };
  }

  cases(viewer: Viewer, period: Period, only?: string): Promise<CaseReport> {
    return this.store.caseReport(this.filter(viewer, period, only));
  }

  /** Every case of the period and scope as CSV; personal fields masked unless the viewer's group holds the case. */
  async caseCsv(viewer: Viewer, period: Period, only?: string): Promise<string> {
    const cases = await this.store.reportCases(this.filter(viewer, period, only), EXPORT_LIMIT);
    const fieldKeys = [
      ...new Set([...this.world.flows.cases.values()].flatMap((t) => Object.keys(t.fields))),
    ];
    for (const c of cases)
      for (const key of Object.keys(c.fields)) if (!fieldKeys.includes(key)) fieldKeys.push(key);
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
    const minutes = (a: number | undefined, b: number) =>
      a === undefined ? undefined : Math.round((a - b) / 60_000);
    const header = [
      "nomor",
      "jenis",
      "status",
      "instansi",
      "nama_instansi",
      "grup",
      "dibuat",
      "diambil",
      "jawaban_pertama",
      "ditutup",
      "menit_sampai_jawaban_pertama",
      "menit_sampai_ditutup",
      "petugas",
      "penilaian",
      "dibuka_ulang",
      "pesan",
      "data_pribadi",
      ...fieldKeys.map((k) => k.replace(/-/g, "_")),
      "komentar",
    ];
    const rows = cases.map((c: Case) => {
      const owned = ownsCase(c, viewer.scope);
      const fields = owned ? c.fields : maskFields(c.fields);
      return [
        c.id,
        c.type,
        c.status,
        c.instansi,
        c.instansi === undefined ? undefined : this.instansiName(c.instansi),
        c.group,
        iso(c.createdAt),
        iso(c.claimedAt),
        iso(c.firstAnswerAt),
        iso(c.closedAt),
        minutes(c.firstAnswerAt, c.createdAt),
        c.status === "cancelled" ? undefined : minutes(c.closedAt, c.createdAt),
        c.claimedBy?.name,
        c.rating,
        c.reopened,
        c.messages,
        c.redacted ? "dihapus pengguna" : owned ? "terlihat" : "disamarkan",
        ...fieldKeys.map((k) => fields[k]),
        c.comment === undefined ? undefined : owned ? c.comment : HIDDEN,
      ];
    });
    return toCsv(header, rows);
  }

  /** Each flow's steps in file order: entered, went on, stopped, completed, at the step now. */
  async journeys(period: Period, now: number): Promise<JourneyReport> {
    const [steps, recent] = await Promise.all([
      this.journeyLog.steps(period.fromDay, period.toDay),
      this.journeyLog.recentSteps(now - NOW_WINDOW_MS),
    ]);
    const key = (flow: string, state: string) => `${flow}/${state}`;
    const counted = new Map(steps.map((s) => [key(s.flow, s.state), s]));
    const current = new Map(recent.map((s) => [key(s.flow, s.state), Math.max(0, s.entered - s.wentOn)]));
    const flows: FlowFunnel[] = [];
    const success: JourneyReport["success"] = [];
    for (const flow of this.world.flows.flows.values()) {
      const rows: StepRow[] = [];
      for (const state of flow.states.values()) {
        const s = counted.get(state.key);
        const row: StepRow = {
          state: state.id,
          label: labelOf(state.say),
          ...(state.end !== undefined ? { end: state.end } : {}),
          entered: s?.entered ?? 0,
          wentOn: s?.wentOn ?? 0,
          stopped: Math.max(0, (s?.entered ?? 0) - (s?.wentOn ?? 0)),
          completed: s?.completed ?? 0,
          invalid: s?.invalid ?? 0,
          now: current.get(state.key) ?? 0,
        };
        rows.push(row);
        if (state.end === "success")
          success.push({ flow: flow.id, state: state.id, label: row.label, completed: row.completed });
      }
      flows.push({
        id: flow.id,
        title: textOf(flow.title),
        steps: rows,
        started: rows.find((r) => r.state === flow.start)?.entered ?? 0,
        completed: rows.reduce((n, r) => n + r.completed, 0),
      });
    }
    return {
      flows,
      success,
      successTotal: success.reduce((n, s) => n + s.completed, 0),
      nowTotal: [...current.values()].reduce((a, b) => a + b, 0),
    };
  }

  async faq(period: Period): Promise<FaqReport> {
    const [gaps, votes, uses] = await Promise.all([
      this.faqLog.gaps(50),
      this.faqLog.votes(),
      this.journeyLog.faqUses(period.fromDay, period.toDay),
    ]);
    const used = new Map(uses.map((u) => [u.entry, u]));
    const entries = (this.options.faqEntries ?? []).map((e) => ({
      id: e.id,
      title: e.title,
      used: used.get(e.id)?.used ?? 0,
      unsure: used.get(e.id)?.unsure ?? 0,
      up: votes[e.id]?.up ?? 0,
      down: votes[e.id]?.down ?? 0,
    }));
    return {
      gaps,
      entries: entries.sort((a, b) => b.used - a.used || a.id.localeCompare(b.id)),
      unused: entries.filter((e) => e.used === 0 && e.unsure === 0).map(({ id, title }) => ({ id, title })),
    };
  }

  /** "1–23 Nov 2026" for a period. */
  static periodLabel(period: Period): string {
    return `${formatDay(period.fromDay)} – ${formatDay(period.toDay)}`;
  }
}

/** The first line of a step's text, placeholders shown as "…", emoji left out, at most 60 characters. */
function labelOf(say: Text): string {
  const line = (textOf(say).trim().split("\n")[0] ?? "")
    .replace(/\{[^}]*\}/g, "…")
    // "Terima kasih 🙏 Silakan …": the emoji ended a sentence; a full stop takes its place.
    .replace(/(\p{L})\s*(?:\p{Extended_Pictographic}|\u{FE0F}|\u{200D})+\s+(?=\p{Lu})/gu, "$1. ")
    .replace(/\p{Extended_Pictographic}|\u{FE0F}|\u{200D}/gu, "")
    .replace(/\s+/g, " ")
    .trim();
  return truncate(line, 60);
}
