/**
 * The supervisor's numbers: what a dashboard report holds, the scope rule (which
 * cases a viewer may count), and the reference computation over a list of cases
 * that the in-memory store uses and the PostgreSQL store's SQL must equal (the
 * DeskStore contract checks both). Days and weeks are WIB (UTC+7, no DST). Pure.
 */
import { maskDigits, maskEmail, maskName } from "../mask.ts";
import { type Case, type CaseStatus, isOpen } from "./case.ts";

export const WIB_OFFSET_MS = 7 * 3_600_000;
export const DAY_MS = 24 * 3_600_000;

/**
 * Which cases a viewer may count: every case (a bot admin), or those of a set of
 * instansi plus those routed to the viewer's own group (a group's or a regional
 * manager group's admins). `only` narrows to one instansi inside the scope.
 */
export type ReportScope = { all: true } | { all: false; instansi: string[]; group?: string };

export interface ReportFilter {
  /** Cases created in [from, to), ms since epoch. */
  from: number;
  to: number;
  scope: ReportScope;
  only?: string;
}

export interface Durations {
  /** Cases that have this duration. */
  n: number;
  medianMs?: number;
  p90Ms?: number;
}

/** One line of a breakdown (by instansi, group or staff member). */
export interface BreakdownRow {
  /** Instansi id ("-" when none), group address or staff address. */
  key: string;
  /** Group title or staff name, when known. */
  label?: string;
  cases: number;
  open: number;
  /** Resolved or returned to the bot. */
  closed: number;
  medianFirstAnswerMs?: number;
  medianCloseMs?: number;
  ratings: number;
  ratingAverage?: number;
}

export interface WeekRow {
  /** Monday of the week (WIB), YYYY-MM-DD. */
  week: string;
  total: number;
  byStatus: Record<string, number>;
  byType: Record<string, number>;
}

/** An open case as the dashboard lists it: no personal field. */
export interface OpenCaseRow {
  id: string;
  type: string;
  status: CaseStatus;
  instansi?: string;
  group: string;
  createdAt: number;
  claimedByName?: string;
}

export interface CaseReport {
  total: number;
  byStatus: Record<string, number>;
  byType: Record<string, number>;
  /** Weeks that have cases, oldest first. */
  weeks: WeekRow[];
  firstAnswer: Durations;
  /** Created → resolved or returned (cancelled cases are not counted). */
  close: Durations;
  /** `distribution[i]` is the number of ratings of i + 1 stars. */
  ratings: { n: number; average?: number; distribution: number[] };
  byInstansi: BreakdownRow[];
  byGroup: BreakdownRow[];
  byStaff: BreakdownRow[];
  /** The oldest open cases of the scope, whenever created (not limited to the period). */
  oldestOpen: OpenCaseRow[];
}

/** Rows per breakdown and open cases listed. */
export const BREAKDOWN_LIMIT = 50;
export const OLDEST_OPEN_LIMIT = 10;

/** Whether a viewer's scope (and its `only` narrowing) counts this case. Pure. */
export function inScope(c: Pick<Case, "instansi" | "group">, scope: ReportScope, only?: string): boolean {
  if (only !== undefined && c.instansi !== only) return false;
  if (scope.all) return true;
  return (c.instansi !== undefined && scope.instansi.includes(c.instansi)) || c.group === scope.group;
}

/** Whether the viewer's own group holds the case (then its personal fields may be shown). Pure. */
export function ownsCase(c: Pick<Case, "group">, scope: ReportScope): boolean {
  return !scope.all && scope.group !== undefined && c.group === scope.group;
}

/** Linear interpolation between closest ranks, as PostgreSQL's percentile_cont. Pure. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Rounding shared by both stores, so float noise of SQL and JS never differs. */
export const roundMs = (v: number | null | undefined): number | undefined =>
  v === null || v === undefined ? undefined : Math.round(v);
export const roundAvg = (v: number | null | undefined): number | undefined =>
  v === null || v === undefined ? undefined : Math.round(v * 1e6) / 1e6;

/** "2026-11-24" for a moment, in WIB. Pure. */
export function wibDay(ms: number): string {
  return new Date(ms + WIB_OFFSET_MS).toISOString().slice(0, 10);
}

/** WIB midnight of a "YYYY-MM-DD" day (ms since epoch); undefined for anything else. Pure. */
export function parseDay(text: string | undefined | null): number | undefined {
  if (text === undefined || text === null || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) return undefined;
  return ms - WIB_OFFSET_MS;
}

/** The Monday (WIB) of the week holding `ms`, "YYYY-MM-DD". Pure. */
export function mondayOf(ms: number): string {
  const local = new Date(ms + WIB_OFFSET_MS);
  const back = (local.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - back * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

/** Every Monday from the week of `from` to the week of `to - 1`, for charts without gaps. Pure. */
export function weeksBetween(from: number, to: number): string[] {
  const weeks: string[] = [];
  let day = parseDay(mondayOf(from))!;
  const last = to - 1;
  for (let i = 0; day <= last && i < 600; i++, day += 7 * DAY_MS) weeks.push(mondayOf(day));
  return weeks;
}

const byCount = (a: BreakdownRow, b: BreakdownRow) =>
  b.cases - a.cases || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The items by key, in their order (an undefined key leaves the item out). Pure. */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K | undefined): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [item]);
    else list.push(item);
  }
  return groups;
}

/** Time to the first staff answer, if there was one. */
export function firstAnswerMs(c: Case): number | undefined {
  return c.firstAnswerAt === undefined ? undefined : c.firstAnswerAt - c.createdAt;
}

/** Time to closing, for cases closed other than by cancelling. */
export function closeMs(c: Case): number | undefined {
  return c.closedAt === undefined || c.status === "cancelled" ? undefined : c.closedAt - c.createdAt;
}

function breakdown(
  cases: Case[],
  keyOf: (c: Case) => string | undefined,
  labelOf?: (c: Case) => string | undefined,
): BreakdownRow[] {
  const groups = groupBy(cases, keyOf);
  const rows = [...groups].map(([key, list]): BreakdownRow => {
    const fa = list.flatMap((c) => firstAnswerMs(c) ?? []);
    const cl = list.flatMap((c) => closeMs(c) ?? []);
    const ratings = list.flatMap((c) => c.rating ?? []);
    const label =
      labelOf === undefined
        ? undefined
        : list
            .map(labelOf)
            .filter((l) => l !== undefined)
            .sort()
            .at(-1);
    const medianFirstAnswerMs = roundMs(percentile(fa, 0.5));
    const medianCloseMs = roundMs(percentile(cl, 0.5));
    const ratingAverage = roundAvg(
      ratings.length === 0 ? undefined : ratings.reduce((a, b) => a + b, 0) / ratings.length,
    );
    return {
      key,
      ...(label !== undefined ? { label } : {}),
      cases: list.length,
      open: list.filter(isOpen).length,
      closed: list.filter((c) => c.status === "resolved" || c.status === "returned").length,
      ...(medianFirstAnswerMs !== undefined ? { medianFirstAnswerMs } : {}),
      ...(medianCloseMs !== undefined ? { medianCloseMs } : {}),
      ratings: ratings.length,
      ...(ratingAverage !== undefined ? { ratingAverage } : {}),
    };
  });
  return rows.sort(byCount).slice(0, BREAKDOWN_LIMIT);
}

function durations(values: number[]): Durations {
  const medianMs = roundMs(percentile(values, 0.5));
  const p90Ms = roundMs(percentile(values, 0.9));
  return {
    n: values.length,
    ...(medianMs !== undefined ? { medianMs } : {}),
    ...(p90Ms !== undefined ? { p90Ms } : {}),
  };
}

export function countBy(cases: Case[], key: (c: Case) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of cases) out[key(c)] = (out[key(c)] ?? 0) + 1;
  return out;
}

/**
 * The report over every stored case (the in-memory store's implementation, and
 * the reference the SQL must equal). `groupTitle` names a group address. Pure.
 */
export function computeReport(
  all: readonly Case[],
  filter: ReportFilter,
  groupTitle: (address: string) => string | undefined = () => undefined,
): CaseReport {
  const scoped = all.filter((c) => inScope(c, filter.scope, filter.only));
  const cases = scoped
    .filter((c) => c.createdAt >= filter.from && c.createdAt < filter.to)
    .sort((a, b) => a.createdAt - b.createdAt || Number(a.id) - Number(b.id));
  const weeks = groupBy(cases, (c) => mondayOf(c.createdAt));
  const ratings = cases.flatMap((c) => c.rating ?? []);
  const average = roundAvg(
    ratings.length === 0 ? undefined : ratings.reduce((a, b) => a + b, 0) / ratings.length,
  );
  return {
    total: cases.length,
    byStatus: countBy(cases, (c) => c.status),
    byType: countBy(cases, (c) => c.type),
    weeks: [...weeks]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([week, list]) => ({
        week,
        total: list.length,
        byStatus: countBy(list, (c) => c.status),
        byType: countBy(list, (c) => c.type),
      })),
    firstAnswer: durations(cases.flatMap((c) => firstAnswerMs(c) ?? [])),
    close: durations(cases.flatMap((c) => closeMs(c) ?? [])),
    ratings: {
      n: ratings.length,
      ...(average !== undefined ? { average } : {}),
      distribution: [1, 2, 3, 4, 5].map((stars) => ratings.filter((r) => r === stars).length),
    },
    byInstansi: breakdown(cases, (c) => c.instansi ?? "-"),
    byGroup: breakdown(
      cases,
      (c) => c.group,
      (c) => groupTitle(c.group),
    ),
    byStaff: breakdown(
      cases,
      (c) => c.claimedBy?.id,
      (c) => c.claimedBy?.name,
    ),
    oldestOpen: scoped
      .filter(isOpen)
      .sort((a, b) => a.createdAt - b.createdAt || Number(a.id) - Number(b.id))
      .slice(0, OLDEST_OPEN_LIMIT)
      .map((c) => ({
        id: c.id,
        type: c.type,
        status: c.status,
        ...(c.instansi !== undefined ? { instansi: c.instansi } : {}),
        group: c.group,
        createdAt: c.createdAt,
        ...(c.claimedBy !== undefined ? { claimedByName: c.claimedBy.name } : {}),
      })),
  };
}

/** The cases of a report for export, oldest first. Pure. */
export function reportCases(all: readonly Case[], filter: ReportFilter, limit: number): Case[] {
  return all
    .filter(
      (c) => inScope(c, filter.scope, filter.only) && c.createdAt >= filter.from && c.createdAt < filter.to,
    )
    .sort((a, b) => a.createdAt - b.createdAt || Number(a.id) - Number(b.id))
    .slice(0, Math.max(0, limit));
}

// ------------------------------------------------------------ Indonesian formatting

/** 1234567 → "1.234.567"; 4.25 → "4,3" (one decimal). Pure. */
export function formatNumber(n: number, decimals = 0): string {
  const fixed = n.toFixed(decimals);
  const [whole = "0", frac] = fixed.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${sign}${grouped}${frac !== undefined ? `,${frac}` : ""}`;
}

/** "45 menit", "3,5 jam", "4 hari"; "-" when unknown. Pure. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return "-";
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} menit`;
  const hours = Math.round(minutes / 6) / 10;
  if (hours < 48) return `${formatNumber(hours, Number.isInteger(hours) ? 0 : 1)} jam`;
  return `${Math.round(hours / 24)} hari`;
}

/** "24-11-2026 10.05" (or "24-11 10.05" without the year) in WIB. Pure. */
export function formatTime(ms: number, withYear = true): string {
  const d = new Date(ms + WIB_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, "0");
  const date = `${p(d.getUTCDate())}-${p(d.getUTCMonth() + 1)}${withYear ? `-${d.getUTCFullYear()}` : ""}`;
  return `${date} ${p(d.getUTCHours())}.${p(d.getUTCMinutes())}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"];

/** "2026-11-23" → "23 Nov 2026" (or "23 Nov" without the year). Pure. */
export function formatDay(day: string, withYear = true): string {
  const [y, m, d] = day.split("-");
  return `${Number(d)} ${MONTHS[Number(m) - 1] ?? m}${withYear ? ` ${y}` : ""}`;
}

// --------------------------------------------------------------------------- CSV

/**
 * RFC 4180 CSV with a UTF-8 BOM (Excel opens it as UTF-8). A cell that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading ' so it
 * stays text. Pure.
 */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | undefined)[])[],
): string {
  const cell = (v: string | number | undefined): string => {
    if (v === undefined) return "";
    if (typeof v === "number") return String(v);
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}

// ------------------------------------------------------------------------ masking

/** Case fields that a button sets (never typed by the user): shown to every viewer. */
const PUBLIC_FIELDS = new Set(["instansi", "jalur", "masalah"]);
export const HIDDEN = "[disamarkan]";

/**
 * A case's fields for a viewer whose group does not hold the case: NIP, names and
 * emails masked by their shape, anything else a user may have typed hidden. Pure.
 */
export function maskFields(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (PUBLIC_FIELDS.has(key)) out[key] = value;
    else if (key === "nip" || key === "nik") out[key] = maskDigits(value);
    else if (key === "nama") out[key] = maskName(value);
    else if (key.startsWith("email")) {
      const masked = maskEmail(value);
      out[key] = masked === value ? HIDDEN : masked;
    } else out[key] = HIDDEN;
  }
  return out;
}

// ------------------------------------------------------------------------- period

/** A report period: [from, to) in ms, and the same as WIB days (both inclusive). */
export interface Period {
  from: number;
  to: number;
  fromDay: string;
  toDay: string;
}

/** The longest period a report covers (bounds every query). */
export const MAX_PERIOD_DAYS = 366;

/**
 * `?dari=YYYY-MM-DD&sampai=YYYY-MM-DD` (both days included, WIB); the current month
 * so far when absent; a notice when a value was unusable and the default taken. Pure.
 */
export function parsePeriod(
  dari: string | undefined | null,
  sampai: string | undefined | null,
  now: number,
): { period: Period; notice?: string } {
  const today = wibDay(now);
  const monthStart = `${today.slice(0, 8)}01`;
  let notice: string | undefined;
  let from = parseDay(dari ?? monthStart);
  let last = parseDay(sampai ?? today);
  if (from === undefined || last === undefined) {
    notice = "Tanggal tidak dikenali (bentuk: 2026-11-01); periode bulan ini dipakai.";
    from = parseDay(monthStart)!;
    last = parseDay(today)!;
  }
  if (last < from) {
    notice = "Tanggal 'sampai' sebelum 'dari'; keduanya ditukar.";
    [from, last] = [last, from];
  }
  if ((last - from) / DAY_MS + 1 > MAX_PERIOD_DAYS) {
    notice = `Periode paling lama ${MAX_PERIOD_DAYS} hari; dipotong.`;
    from = last - (MAX_PERIOD_DAYS - 1) * DAY_MS;
  }
  return {
    period: { from, to: last + DAY_MS, fromDay: wibDay(from), toDay: wibDay(last) },
    ...(notice !== undefined ? { notice } : {}),
  };
}
