/**
 * The weekly digest: every Monday from 08:00 WIB each verified HR group gets last
 * week's numbers for its instansi in one message, through the outbox. The item id
 * `digest:<group>:<monday>` makes it idempotent: several instances, or a restart
 * on the same Monday, enqueue it once (the outbox refuses an id it holds or
 * delivered within 7 days). Sent until Tuesday 08:00 WIB, never later.
 */
import {
  type CaseReport,
  DAY_MS,
  formatDay,
  formatDuration,
  formatNumber,
  mondayOf,
  parseDay,
  type ReportScope,
  wibDay,
} from "../core/desk/report.ts";
import type { OutboxItem } from "../core/outbox.ts";
import type { Address } from "../core/protocol.ts";
import type { DeskStore } from "../stores.ts";
import type { Network } from "./network.ts";

/** 08:00 WIB. */
export const DIGEST_HOUR_MS = 8 * 3_600_000;

export class WeeklyDigest {
  /** The Monday whose digests this process has enqueued (a cheap guard: the outbox is the real one). */
  private done: string | undefined;

  constructor(
    private readonly store: DeskStore,
    private readonly network: Network,
  ) {}

  /** From the desk's tick: on Monday 08:00–Tuesday 08:00 WIB, last week's digest to every verified group. */
  async run(now: number): Promise<number> {
    const monday = mondayOf(now);
    const weekStart = parseDay(monday)!;
    const due = weekStart + DIGEST_HOUR_MS;
    if (now < due || now >= due + DAY_MS || this.done === monday) return 0;
    const from = weekStart - 7 * DAY_MS;
    // Every group that serves an instansi, and the central desk.
    const groups = new Set<Address>((await this.store.allRoutes()).map((r) => r.group));
    const central = this.network.config.fallbackGroup;
    if (central !== undefined) groups.add(central);
    let sent = 0;
    for (const group of groups) {
      if ((await this.store.group(group))?.broken !== undefined) continue;
      const { instansi } = await this.network.looksAfter(group);
      const scope: ReportScope = { all: false, instansi, group };
      const report = await this.store.caseReport({ from, to: weekStart, scope });
      if (report.total === 0 && report.oldestOpen.length === 0) continue;
      const item: OutboxItem = {
        id: `digest:${group}:${wibDay(from)}`,
        to: group,
        group: true,
        message: {
          type: "text",
          text: this.text(report, instansi, wibDay(from), wibDay(weekStart - DAY_MS), now),
        },
      };
      await this.store.tx((tx) => tx.enqueue([item], now));
      sent++;
    }
    this.done = monday;
    return sent;
  }

  /** One message: new, closed and open cases, times, satisfaction, the oldest open case, and /dasbor. */
  text(report: CaseReport, instansi: string[], fromDay: string, toDay: string, now: number): string {
    const office = instansi.length === 0 ? "kasus grup ini" : this.network.names(instansi, 3);
    const closed = (report.byStatus.resolved ?? 0) + (report.byStatus.returned ?? 0);
    const open = (report.byStatus.open ?? 0) + (report.byStatus.claimed ?? 0);
    const oldest = report.oldestOpen[0];
    const rating =
      report.ratings.average === undefined
        ? "belum ada penilaian"
        : `${formatNumber(report.ratings.average, 1)} dari 5 (${formatNumber(report.ratings.n)} penilaian)`;
    const lines = [
      `📊 Ringkasan minggu lalu (${formatDay(fromDay, false)} – ${formatDay(toDay)}) · ${office}`,
      `Kasus baru: ${formatNumber(report.total)} · selesai: ${formatNumber(closed)} · masih terbuka: ${formatNumber(open)}`,
      `Sampai jawaban pertama: median ${formatDuration(report.firstAnswer.medianMs)} (90% dalam ${formatDuration(report.firstAnswer.p90Ms)})`,
      `Sampai selesai: median ${formatDuration(report.close.medianMs)} (90% dalam ${formatDuration(report.close.p90Ms)})`,
      `Kepuasan: ${rating}`,
    ];
    if (oldest !== undefined)
      lines.push(`Kasus terbuka tertua: #${oldest.id}, sejak ${formatDuration(now - oldest.createdAt)} lalu`);
    lines.push("", "Dasbor lengkap (grafik, ekspor CSV): admin grup ketik /dasbor");
    return lines.join("\n");
  }
}
