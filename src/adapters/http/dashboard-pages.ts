/**
 * The dashboard's pages: server-rendered Indonesian HTML, readable without
 * JavaScript (every number is in the page, charts repeat tables), no inline
 * script or style (the CSP allows neither). A chart is a <canvas data-chart> with
 * its numbers in a JSON block that /dasbor/aset/dasbor.js hands to Chart.js.
 */
import type { CaseStatus } from "../../core/desk/case.ts";
import {
  type BreakdownRow,
  type CaseReport,
  DAY_MS,
  formatDay,
  formatDuration,
  formatNumber,
  type Period,
  parseDay,
  weeksBetween,
  wibDay,
} from "../../core/desk/report.ts";
import { escapeMarkup, truncate } from "../../core/text/text.ts";
import {
  Dashboard,
  EXPORT_LIMIT,
  type FaqReport,
  type JourneyReport,
  type StepRow,
  type Viewer,
} from "../../desk/dashboard.ts";

export const BASE = "/dasbor";

/** Asset URLs carry a hash of their content, so they can be cached for a year. */
export interface AssetUrls {
  css: string;
  chart: string;
  script: string;
}

const esc = escapeMarkup;

const n = (v: number) => formatNumber(v);

export const STATUS_ORDER: CaseStatus[] = ["open", "claimed", "resolved", "returned", "cancelled"];
/** Short status names for charts and narrow tables. */
const STATUS_SHORT: Record<CaseStatus, string> = {
  open: "Menunggu",
  claimed: "Ditangani",
  resolved: "Selesai",
  returned: "Kembali ke bot",
  cancelled: "Dibatalkan",
};
const STATUS_COLOR: Record<CaseStatus, string> = {
  open: "#f59e0b",
  claimed: "#2563eb",
  resolved: "#16a34a",
  returned: "#0d9488",
  cancelled: "#94a3b8",
};

export interface ChartSpec {
  labels: string[];
  datasets: { label: string; data: number[]; color?: string }[];
  stacked?: boolean;
  horizontal?: boolean;
  /** Canvas height in CSS pixels. */
  height?: number;
}

/** A chart and its data; the table that follows it holds the same numbers (and the full names). */
export function chart(id: string, title: string, spec: ChartSpec): string {
  // Labels beside horizontal bars are cut short: a phone has no room for them.
  const labels = spec.horizontal ? spec.labels.map((l) => truncate(l, 24)) : spec.labels;
  const json = JSON.stringify({ ...spec, labels }).replace(/</g, "\\u003c");
  const size =
    spec.height !== undefined ? ` chart-h${Math.min(12, Math.max(2, Math.round(spec.height / 60)))}` : "";
  return `<figure class="chart${size}"><canvas id="c-${esc(id)}" data-chart="${esc(id)}" role="img" aria-label="${esc(title)}"></canvas><script type="application/json" id="d-${esc(id)}">${json}</script><figcaption>${esc(title)}</figcaption></figure>`;
}

/**
 * A table whose first column names the row; `numeric` columns are right-aligned (default: all but the
 * first). The caption stands above the scrolling box, so on a phone it wraps instead of scrolling away.
 */
function table(
  caption: string,
  head: string[],
  rows: (string | number)[][],
  options: { id?: string; numeric?: number[] } = {},
): string {
  const numeric = (i: number) => (options.numeric === undefined ? i > 0 : options.numeric.includes(i));
  const cls = (i: number) => (numeric(i) ? ' class="num"' : "");
  const th = head.map((h, i) => `<th scope="col"${cls(i)}>${esc(h)}</th>`).join("");
  const cell = (c: string | number, i: number) =>
    i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td${cls(i)}>${esc(c)}</td>`;
  const body =
    rows.length === 0
      ? `<tr><td colspan="${head.length}" class="empty">Belum ada data.</td></tr>`
      : rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("");
  const id = options.id !== undefined ? ` id="${esc(options.id)}"` : "";
  return `<p class="cap">${esc(caption)}</p><div class="scroll"><table${id} aria-label="${esc(caption)}"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function tile(id: string, label: string, value: string, note?: string): string {
  return `<div class="tile"><dt>${esc(label)}</dt><dd id="${esc(id)}">${esc(value)}</dd>${note !== undefined ? `<dd class="note">${esc(note)}</dd>` : ""}</div>`;
}

export type PageName = "kasus" | "perjalanan" | "faq";

export interface PageContext {
  viewer: Viewer;
  period: Period;
  only?: string;
  notice?: string;
  now: number;
  assets: AssetUrls;
}

/** The query string that keeps the period (and the instansi filter) across pages and exports. */
export function queryOf(ctx: Pick<PageContext, "period" | "only">): string {
  const q = new URLSearchParams({ dari: ctx.period.fromDay, sampai: ctx.period.toDay });
  if (ctx.only !== undefined) q.set("instansi", ctx.only);
  return `?${q.toString()}`;
}

function layout(title: string, assets: AssetUrls, body: string, charts = false): string {
  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${esc(title)} · Dasbor Pandu</title>
<link rel="stylesheet" href="${esc(assets.css)}">
${charts ? `<script src="${esc(assets.chart)}" defer></script>\n<script src="${esc(assets.script)}" defer></script>\n` : ""}</head>
<body>
${body}
</body>
</html>
`;
}

function frame(page: PageName, title: string, ctx: PageContext, content: string): string {
  const q = queryOf(ctx);
  const tab = (name: PageName, label: string) =>
    `<a href="${BASE}/${name}${esc(q)}"${name === page ? ' aria-current="page"' : ""}>${label}</a>`;
  const v = ctx.viewer;
  const header = `<header>
<div class="top"><span class="brand">Pandu · Dasbor</span><span class="who">${esc(v.principal.name)} · ${esc(v.label)}</span></div>
<nav>${tab("kasus", "Kasus")}${tab("perjalanan", "Perjalanan")}${tab("faq", "FAQ")}<a href="${BASE}/keluar" class="out">Keluar</a></nav>
</header>`;
  return layout(
    title,
    ctx.assets,
    `${header}\n<main>\n<h1>${esc(title)}</h1>\n${periodForm(page, ctx)}\n${ctx.notice !== undefined ? `<p class="notice" role="status">${esc(ctx.notice)}</p>\n` : ""}${content}\n</main>\n<footer><p>Data pribadi pengguna hanya ditampilkan untuk kasus yang masuk ke grup Anda sendiri. Sesi berakhir setelah 9 jam.</p></footer>`,
    true,
  );
}

function periodForm(page: PageName, ctx: PageContext): string {
  const today = wibDay(ctx.now);
  const todayMs = parseDay(today)!;
  const monthStart = `${today.slice(0, 8)}01`;
  const prevMonthEnd = wibDay(parseDay(monthStart)! - DAY_MS);
  const quick: [string, string, string][] = [
    ["Bulan ini", monthStart, today],
    ["Bulan lalu", `${prevMonthEnd.slice(0, 8)}01`, prevMonthEnd],
    ["7 hari", wibDay(todayMs - 6 * DAY_MS), today],
    ["30 hari", wibDay(todayMs - 29 * DAY_MS), today],
    ["90 hari", wibDay(todayMs - 89 * DAY_MS), today],
  ];
  const only = ctx.only;
  const links = quick
    .map(([label, dari, sampai]) => {
      const q = new URLSearchParams({ dari, sampai });
      if (only !== undefined) q.set("instansi", only);
      return `<a href="${BASE}/${page}?${esc(q.toString())}">${label}</a>`;
    })
    .join(" ");
  const picker =
    page === "kasus" && ctx.viewer.instansi.length > 1
      ? `<label>Instansi <select name="instansi"><option value="">Semua</option>${ctx.viewer.instansi
          .map(
            (i) => `<option value="${esc(i.id)}"${i.id === only ? " selected" : ""}>${esc(i.name)}</option>`,
          )
          .join("")}</select></label>`
      : "";
  return `<form class="period" method="get" action="${BASE}/${page}">
<label>Dari <input type="date" name="dari" value="${esc(ctx.period.fromDay)}" required></label>
<label>Sampai <input type="date" name="sampai" value="${esc(ctx.period.toDay)}" required></label>
${picker}<button type="submit">Terapkan</button>
</form>
<p class="quick">Periode: <strong id="period">${esc(Dashboard.periodLabel(ctx.period))}</strong> · ${links}</p>`;
}

function breakdownTable(
  caption: string,
  first: string,
  rows: BreakdownRow[],
  name: (r: BreakdownRow) => string,
  id: string,
): string {
  return table(
    caption,
    [first, "Kasus", "Terbuka", "Selesai", "Jawab pertama*", "Sampai selesai*", "Kepuasan"],
    rows.map((r) => [
      name(r),
      n(r.cases),
      n(r.open),
      n(r.closed),
      formatDuration(r.medianFirstAnswerMs),
      formatDuration(r.medianCloseMs),
      r.ratingAverage === undefined ? "-" : `${formatNumber(r.ratingAverage, 1)} (${n(r.ratings)})`,
    ]),
    { id },
  );
}

export interface CasesPageData {
  report: CaseReport;
  instansiName: (id: string) => string;
  typeTitle: (id: string) => string;
}

export function casesPage(ctx: PageContext, data: CasesPageData): string {
  const r = data.report;
  const closed = (r.byStatus.resolved ?? 0) + (r.byStatus.returned ?? 0);
  const open = (r.byStatus.open ?? 0) + (r.byStatus.claimed ?? 0);
  const weeks = weeksBetween(ctx.period.from, ctx.period.to);
  const byWeek = new Map(r.weeks.map((w) => [w.week, w]));
  const weekLabels = weeks.map((w) => formatDay(w, false));
  const types = Object.keys(r.byType).sort(
    (a, b) => (r.byType[b] ?? 0) - (r.byType[a] ?? 0) || a.localeCompare(b),
  );
  const q = queryOf(ctx);
  const ex = (file: string, label: string) =>
    `<a href="${BASE}/ekspor/${file}${esc(q)}" download>${label}</a>`;
  const first = r.firstAnswer;
  const close = r.close;
  const tiles = `<dl class="tiles">
${tile("n-total", "Kasus baru", n(r.total))}
${tile("n-closed", "Selesai", n(closed))}
${tile("n-open", "Masih terbuka", n(open))}
${tile("n-first-median", "Median sampai jawaban pertama", formatDuration(first.medianMs), `90% dalam ${formatDuration(first.p90Ms)} · ${n(first.n)} kasus`)}
${tile("n-close-median", "Median sampai selesai", formatDuration(close.medianMs), `90% dalam ${formatDuration(close.p90Ms)} · ${n(close.n)} kasus`)}
${tile("n-csat", "Kepuasan", r.ratings.average === undefined ? "-" : `${formatNumber(r.ratings.average, 1)} / 5`, `${n(r.ratings.n)} penilaian`)}
</dl>`;
  const statusChart = chart("minggu-status", "Kasus baru per minggu menurut status", {
    labels: weekLabels,
    stacked: true,
    datasets: STATUS_ORDER.filter((s) => (r.byStatus[s] ?? 0) > 0).map((s) => ({
      label: STATUS_SHORT[s],
      data: weeks.map((w) => byWeek.get(w)?.byStatus[s] ?? 0),
      color: STATUS_COLOR[s],
    })),
  });
  const statusTable = table(
    "Kasus baru per minggu (minggu mulai Senin) menurut status saat ini",
    ["Minggu", "Jumlah", ...STATUS_ORDER.map((s) => STATUS_SHORT[s])],
    weeks.map((w) => {
      const row = byWeek.get(w);
      return [formatDay(w, false), n(row?.total ?? 0), ...STATUS_ORDER.map((s) => n(row?.byStatus[s] ?? 0))];
    }),
    { id: "t-minggu-status" },
  );
  const typeChart = chart("minggu-jenis", "Kasus baru per minggu menurut jenis", {
    labels: weekLabels,
    stacked: true,
    datasets: types.map((t) => ({
      label: data.typeTitle(t),
      data: weeks.map((w) => byWeek.get(w)?.byType[t] ?? 0),
    })),
  });
  const typeTable = table(
    "Kasus menurut jenis",
    ["Jenis", "Kasus"],
    types.map((t) => [data.typeTitle(t), n(r.byType[t] ?? 0)]),
    { id: "t-jenis" },
  );
  const timesTable = table(
    "Waktu penanganan kasus yang dibuat dalam periode",
    ["Ukuran", "Median", "90% dalam", "Kasus"],
    [
      [
        "Sampai jawaban pertama petugas",
        formatDuration(first.medianMs),
        formatDuration(first.p90Ms),
        n(first.n),
      ],
      ["Sampai selesai", formatDuration(close.medianMs), formatDuration(close.p90Ms), n(close.n)],
    ],
    { id: "t-waktu" },
  );
  const csatChart = chart("kepuasan", "Sebaran penilaian (1–5 bintang)", {
    labels: ["1 ★", "2 ★", "3 ★", "4 ★", "5 ★"],
    datasets: [{ label: "Penilaian", data: r.ratings.distribution, color: "#f59e0b" }],
  });
  const csatTable = table(
    "Penilaian pengguna",
    ["Bintang", "Jumlah"],
    r.ratings.distribution.map((count, i) => [`${i + 1} ★`, n(count)]),
    { id: "t-kepuasan" },
  );
  const topInstansi = r.byInstansi.slice(0, 10);
  const instansiChart =
    topInstansi.length > 1
      ? chart("instansi", "Kasus per instansi (10 terbanyak)", {
          labels: topInstansi.map((row) => data.instansiName(row.key)),
          horizontal: true,
          height: 60 + topInstansi.length * 28,
          datasets: [{ label: "Kasus", data: topInstansi.map((row) => row.cases), color: "#2563eb" }],
        })
      : "";
  const oldest = table(
    "Kasus terbuka tertua, kapan pun dibuat",
    ["Kasus", "Sejak", "Status", "Jenis", "Instansi", "Petugas"],
    r.oldestOpen.map((c) => [
      `#${c.id}`,
      formatDuration(ctx.now - c.createdAt),
      STATUS_SHORT[c.status],
      data.typeTitle(c.type),
      c.instansi === undefined ? "-" : data.instansiName(c.instansi),
      c.claimedByName ?? "-",
    ]),
    { id: "t-terbuka", numeric: [1] },
  );
  const content = `${tiles}
<section><h2>Per minggu</h2>${statusChart}${statusTable}${typeChart}${typeTable}</section>
<section><h2>Waktu penanganan</h2>${timesTable}</section>
<section><h2>Kepuasan pengguna</h2>${csatChart}${csatTable}</section>
<section><h2>Per instansi, grup, dan petugas</h2>${instansiChart}
${breakdownTable("Per instansi (* median)", "Instansi", r.byInstansi, (row) => data.instansiName(row.key), "t-instansi")}
${breakdownTable("Per grup HR (* median)", "Grup", r.byGroup, (row) => row.label ?? row.key, "t-grup")}
${breakdownTable("Per petugas, kasus yang diambil (* median)", "Petugas", r.byStaff, (row) => row.label ?? "-", "t-petugas")}
</section>
<section><h2>Kasus terbuka tertua</h2>${oldest}</section>
<section class="exports"><h2>Ekspor</h2>
<p>${ex("kasus.csv", "Semua kasus (CSV)")} · ${ex("mingguan.csv", "Per minggu (CSV)")} · ${ex("waktu.csv", "Waktu (CSV)")} · ${ex("kepuasan.csv", "Kepuasan (CSV)")} · ${ex("instansi.csv", "Per instansi (CSV)")} · ${ex("grup.csv", "Per grup (CSV)")} · ${ex("petugas.csv", "Per petugas (CSV)")} · ${ex("terbuka.csv", "Kasus terbuka (CSV)")} · <a href="${BASE}/api/kasus.json${esc(q)}">JSON</a></p>
<p class="note">Di CSV kasus, NIP, nama, dan email disamarkan kecuali untuk kasus yang masuk ke grup Anda sendiri. CSV kasus memuat paling banyak ${EXPORT_LIMIT.toLocaleString("id-ID")} kasus pertama dalam periode; untuk lebih, persempit periodenya.</p>
</section>`;
  return frame("kasus", "Kasus", ctx, content);
}

const isActive = (s: StepRow) =>
  s.entered > 0 || s.wentOn > 0 || s.now > 0 || s.completed > 0 || s.invalid > 0;
const endMark = (s: StepRow) =>
  s.end === "success" ? " (akhir sukses)" : s.end === "handoff" ? " (ke petugas)" : "";

export function journeysPage(ctx: PageContext, data: JourneyReport): string {
  const q = queryOf(ctx);
  const tiles = `<dl class="tiles">
${tile("n-success", "Sampai akhir sukses (akun aktif, data diperbarui, kasus dinilai)", n(data.successTotal))}
${tile("n-now", "Sedang di tengah perjalanan (24 jam terakhir)", n(data.nowTotal), "perkiraan")}
</dl>`;
  const success = table(
    "Langkah yang mengakhiri perjalanan dengan sukses",
    ["Langkah", "Sampai di sini"],
    data.success.map((s) => [`${s.flow}/${s.state} · ${s.label}`, n(s.completed)]),
    { id: "t-sukses" },
  );
  const stops = data.flows
    .flatMap((f) => f.steps.filter((s) => s.stopped > 0 && s.end === undefined).map((s) => ({ f, s })))
    .sort((a, b) => b.s.stopped - a.s.stopped)
    .slice(0, 10);
  const stopTable = table(
    "Langkah tempat paling banyak orang berhenti (bukan langkah akhir)",
    ["Langkah", "Berhenti", "dari yang masuk"],
    stops.map(({ f, s }) => [`${f.id}/${s.state} · ${s.label}`, n(s.stopped), n(s.entered)]),
    { id: "t-berhenti" },
  );
  const active = data.flows.filter((f) => f.steps.some(isActive));
  const quiet = data.flows.filter((f) => !f.steps.some(isActive));
  const flows = active
    .map((f) => {
      const steps = f.steps.filter(isActive);
      const graph = chart(`alur-${f.id}`, `${f.title}: masuk dan lanjut per langkah`, {
        labels: steps.map((s) => s.state),
        horizontal: true,
        height: 70 + steps.length * 34,
        datasets: [
          { label: "Masuk", data: steps.map((s) => s.entered), color: "#2563eb" },
          { label: "Lanjut", data: steps.map((s) => s.wentOn), color: "#16a34a" },
        ],
      });
      const rows = steps.map((s) => [
        `${s.state}${endMark(s)} · ${s.label}`,
        n(s.entered),
        n(s.wentOn),
        n(s.stopped),
        s.entered === 0 ? "-" : `${formatNumber((100 * Math.min(s.wentOn, s.entered)) / s.entered)}%`,
        n(s.invalid),
        n(s.now),
      ]);
      const others = f.steps.length - steps.length;
      return `<section class="flow" id="alur-${esc(f.id)}"><h2>${esc(f.title)} <small>(${esc(f.id)})</small></h2>
<p>Mulai: <strong>${n(f.started)}</strong> · sampai akhir sukses: <strong>${n(f.completed)}</strong></p>
${graph}
${table(`Langkah alur ${f.title}`, ["Langkah", "Masuk", "Lanjut", "Berhenti", "% lanjut", "Tidak sah", "Di sini kini"], rows, { id: `t-alur-${f.id}` })}
${others > 0 ? `<p class="note">${n(others)} langkah lain tidak dilewati dalam periode ini.</p>` : ""}
</section>`;
    })
    .join("\n");
  const quietList =
    quiet.length === 0
      ? ""
      : `<section><h2>Alur tanpa kegiatan dalam periode ini</h2><p id="l-alur-sepi">${quiet.map((f) => `${esc(f.title)} <small>(${esc(f.id)})</small>`).join(" · ")}</p></section>`;
  const content = `${tiles}
<p class="note">Masuk: pindah ke langkah ini dari langkah lain. Lanjut: pindah dari langkah ini ke langkah lain (termasuk kembali ke menu). Berhenti: masuk dikurangi lanjut dalam periode. Di sini kini: masuk dikurangi lanjut dalam 24 jam terakhir (perkiraan; yang diam lebih dari sehari tidak terhitung). Angka untuk semua pengguna Pandu, tidak per instansi.</p>
<section><h2>Akhir sukses</h2>${success}</section>
<section><h2>Tempat orang berhenti</h2>${stopTable}</section>
${flows}
${quietList}
<section class="exports"><h2>Ekspor</h2><p><a href="${BASE}/ekspor/perjalanan.csv${esc(q)}" download>Perjalanan (CSV)</a> · <a href="${BASE}/api/perjalanan.json${esc(q)}">JSON</a></p></section>`;
  return frame("perjalanan", "Perjalanan pengguna", ctx, content);
}

export function faqPage(ctx: PageContext, data: FaqReport): string {
  const q = queryOf(ctx);
  const top = data.entries.filter((e) => e.used > 0).slice(0, 15);
  const used = data.entries.reduce((a, e) => a + e.used, 0);
  const titles = new Map(data.entries.map((e) => [e.id, e.title]));
  const tiles = `<dl class="tiles">
${tile("n-faq-used", "Jawaban FAQ diberikan", n(used))}
${tile("n-faq-gaps", "Pertanyaan tanpa jawaban yang baik", n(data.gaps.length), "50 yang paling sering")}
${tile("n-faq-unused", "Entri FAQ tidak terpakai", n(data.unused.length), `dari ${n(data.entries.length)}`)}
</dl>`;
  const graph =
    top.length > 0
      ? chart("faq", "Entri FAQ yang paling sering dipakai", {
          labels: top.map((e) => e.title),
          horizontal: true,
          height: 60 + top.length * 28,
          datasets: [{ label: "Dipakai", data: top.map((e) => e.used), color: "#7c3aed" }],
        })
      : "";
  const gaps = table(
    "Pertanyaan yang belum terjawab dengan baik: data pribadi disamarkan; semua pengguna, sampai 90 hari sejak terakhir ditanyakan",
    ["Pertanyaan", "Ditanyakan", "Paling mirip"],
    data.gaps.map((g) => [g.text, n(g.count), g.best === undefined ? "-" : (titles.get(g.best) ?? g.best)]),
    { id: "t-celah", numeric: [1] },
  );
  const entries = table(
    'Entri FAQ yang dipakai atau dinilai: dipakai dalam periode (* ditawarkan sebagai "Apakah maksud Anda…"); suka dan tidak suka sepanjang waktu',
    ["Entri", "Dipakai", "Ragu*", "Suka", "Tidak suka"],
    // Entries with neither use nor vote are in the list below.
    data.entries
      .filter((e) => e.used + e.unsure + e.up + e.down > 0)
      .map((e) => [e.title, n(e.used), n(e.unsure), n(e.up), n(e.down)]),
    { id: "t-entri" },
  );
  const unused =
    data.unused.length === 0
      ? '<p class="empty">Semua entri terpakai dalam periode ini.</p>'
      : `<ul class="cols" id="l-tak-terpakai">${data.unused.map((e) => `<li>${esc(e.title)} <small>(${esc(e.id)})</small></li>`).join("")}</ul>`;
  const content = `${tiles}
<section><h2>Pertanyaan tanpa jawaban</h2>${gaps}</section>
<section><h2>Pemakaian dan penilaian</h2>${graph}${entries}</section>
<section><h2>Tidak pernah dipakai dalam periode ini</h2>${unused}</section>
<section class="exports"><h2>Ekspor</h2><p><a href="${BASE}/ekspor/faq.csv${esc(q)}" download>Entri FAQ (CSV)</a> · <a href="${BASE}/ekspor/faq-celah.csv${esc(q)}" download>Pertanyaan tanpa jawaban (CSV)</a> · <a href="${BASE}/api/faq.json${esc(q)}">JSON</a></p></section>`;
  return frame("faq", "FAQ", ctx, content);
}

/** A page for someone without a session (or a used or expired link): how to get in. */
export function messagePage(assets: AssetUrls, title: string, lines: string[]): string {
  return layout(
    title,
    assets,
    `<header><div class="top"><span class="brand">Pandu · Dasbor</span></div></header>
<main class="message"><h1>${esc(title)}</h1>${lines.map((l) => `<p>${esc(l)}</p>`).join("\n")}</main>`,
  );
}

export const SIGN_IN_HELP = [
  "Minta tautan masuk lewat /dasbor: admin grup HR mengetik /dasbor di grup kantornya; admin Pandu boleh juga di chat pribadi dengan bot.",
  "Pandu mengirim tautan lewat chat pribadi. Tautan berlaku 10 menit dan hanya bisa dipakai sekali.",
];

/** After a link was taken: the cookie is set, and the page moves on at once (the link leaves the address bar). */
export function signedInPage(assets: AssetUrls, next: string): string {
  return layout(
    "Masuk",
    assets,
    `<main class="message"><h1>Berhasil masuk</h1><p><a href="${esc(next)}">Lanjut ke dasbor</a></p></main>`,
  ).replace("<head>\n", `<head>\n<meta http-equiv="refresh" content="0;url=${esc(next)}">\n`);
}
