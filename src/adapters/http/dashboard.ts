/**
 * The dashboard over HTTP, on the public listener under /dasbor (people use it;
 * the reverse proxy forwards /dasbor* as it forwards the webhook path).
 *
 *   GET /dasbor/masuk?t=…      takes a one-time link, sets the session cookie, moves on at once
 *   GET /dasbor/kasus|perjalanan|faq     the pages (?dari=YYYY-MM-DD&sampai=YYYY-MM-DD[&instansi=…])
 *   GET /dasbor/ekspor/<name>.csv        exports;  GET /dasbor/api/<name>.json   the same numbers
 *   GET /dasbor/keluar         ends the session;   GET /dasbor/aset/…   Chart.js, script, styles
 *
 * Only GET and HEAD: no form changes anything, so with a SameSite=Strict cookie
 * there is nothing to forge (no CSRF token needed). Every response carries a CSP
 * without inline scripts, X-Frame-Options DENY and Referrer-Policy no-referrer.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type CaseReport, type Period, parsePeriod, toCsv } from "../../core/desk/report.ts";
import type { Dashboard, Viewer } from "../../desk/dashboard.ts";
import { errorSummary, type Logger } from "../../logger.ts";
import { type Assets, loadAssets } from "./dashboard-assets.ts";
import {
  BASE,
  casesPage,
  faqPage,
  journeysPage,
  messagePage,
  type PageContext,
  SIGN_IN_HELP,
  STATUS_ORDER,
  signedInPage,
} from "./dashboard-pages.ts";

export const COOKIE = "pandu_dasbor";

export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

export interface DashboardHttpOptions {
  dashboard: Dashboard;
  logger: Logger;
  now: () => number;
  /** Secure cookies (DASHBOARD_URL is https). */
  secure: boolean;
}

interface Response {
  status: number;
  body: string | Buffer;
  type: string;
  headers?: Record<string, string>;
}

const html = (status: number, body: string, headers?: Record<string, string>): Response => ({
  status,
  body,
  type: "text/html; charset=utf-8",
  ...(headers !== undefined ? { headers } : {}),
});
const json = (status: number, value: unknown): Response => ({
  status,
  body: JSON.stringify(value),
  type: "application/json; charset=utf-8",
});
const csv = (name: string, body: string): Response => ({
  status: 200,
  body,
  type: "text/csv; charset=utf-8",
  headers: { "content-disposition": `attachment; filename="pandu-${name}"` },
});

/** Reads one cookie from the Cookie header. */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Returns the handler for every path under /dasbor. */
export function createDashboardHandler(options: DashboardHttpOptions) {
  const { dashboard, logger: log } = options;
  const assets: Assets = loadAssets();
  const cookie = (value: string, maxAgeSeconds: number) =>
    `${COOKIE}=${value}; Path=${BASE}; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${options.secure ? "; Secure" : ""}`;

  function send(req: IncomingMessage, res: ServerResponse, r: Response): void {
    if (res.headersSent || res.destroyed) return;
    res.statusCode = r.status;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (options.secure) res.setHeader("strict-transport-security", "max-age=31536000");
    res.setHeader("content-type", r.type);
    res.setHeader("cache-control", "no-store");
    for (const [name, value] of Object.entries(r.headers ?? {})) res.setHeader(name, value);
    res.setHeader("content-length", Buffer.byteLength(r.body));
    res.end(req.method === "HEAD" ? undefined : r.body);
  }

  const signInPage = (status: number, title: string, first?: string) =>
    html(
      status,
      messagePage(assets.urls, title, first === undefined ? SIGN_IN_HELP : [first, ...SIGN_IN_HELP]),
    );

  async function route(req: IncomingMessage): Promise<Response> {
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD")
      return {
        ...html(405, messagePage(assets.urls, "Metode tidak diizinkan", [])),
        headers: { allow: "GET, HEAD" },
      };
    const url = new URL(req.url ?? "/", "http://dasbor.invalid");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const now = options.now();

    if (path.startsWith(`${BASE}/aset/`)) {
      const asset = assets.files.get(path.slice(`${BASE}/aset/`.length));
      if (asset === undefined) return html(404, messagePage(assets.urls, "Tidak ditemukan", []));
      return {
        status: 200,
        body: asset.body,
        type: asset.contentType,
        headers: { "cache-control": "public, max-age=31536000, immutable" },
      };
    }

    if (path === `${BASE}/masuk`) {
      // A HEAD (some link checkers) must not use up the link.
      if (method === "HEAD") return html(200, "");
      const session = await dashboard.signIn(url.searchParams.get("t") ?? "", now);
      if (session === undefined)
        return signInPage(
          401,
          "Tautan tidak berlaku",
          "Tautan ini sudah dipakai atau sudah lebih dari 10 menit.",
        );
      log.info("dashboard sign-in");
      const maxAge = Math.max(0, Math.floor((session.expiresAt - now) / 1000));
      return html(200, signedInPage(assets.urls, `${BASE}/kasus`), {
        "set-cookie": cookie(session.token, maxAge),
      });
    }

    const token = cookieOf(req.headers.cookie, COOKIE);
    if (path === `${BASE}/keluar`) {
      await dashboard.signOut(token);
      return html(
        200,
        messagePage(assets.urls, "Anda sudah keluar", ["Untuk masuk lagi, minta tautan baru lewat /dasbor."]),
        { "set-cookie": cookie("", 0) },
      );
    }

    const api = path.startsWith(`${BASE}/api/`);
    const exporting = path.startsWith(`${BASE}/ekspor/`);
    const who = await dashboard.viewer(token, now);
    if (who.status !== "ok") {
      const revoked = who.status === "revoked";
      const message = revoked
        ? "Grup tempat Anda meminta tautan tidak lagi disetujui untuk instansi mana pun (atau Anda bukan lagi admin Pandu)."
        : "Anda belum masuk, atau sesi Anda sudah berakhir (setelah 9 jam).";
      if (api || exporting)
        return json(revoked ? 403 : 401, { error: revoked ? "forbidden" : "unauthorized", message });
      return signInPage(revoked ? 403 : 401, "Minta tautan lewat /dasbor", message);
    }
    const viewer = who.viewer;
    const { period, notice } = parsePeriod(url.searchParams.get("dari"), url.searchParams.get("sampai"), now);
    const onlyRaw = url.searchParams.get("instansi") ?? "";
    // A viewer narrows within their own scope only; anything else is ignored (never widens it).
    const only = onlyRaw === "" ? undefined : onlyRaw.slice(0, 32);
    const ctx: PageContext = {
      viewer,
      period,
      ...(only !== undefined ? { only } : {}),
      ...(notice !== undefined ? { notice } : {}),
      now,
      assets: assets.urls,
    };

    switch (path) {
      case BASE:
        return { ...html(303, ""), headers: { location: `${BASE}/kasus${url.search}` } };
      case `${BASE}/kasus`:
        return html(200, casesPage(ctx, await casesData(viewer, period, only)));
      case `${BASE}/perjalanan`:
        return html(200, journeysPage(ctx, await dashboard.journeys(period, now)));
      case `${BASE}/faq`:
        return html(200, faqPage(ctx, await dashboard.faq(period)));
      case `${BASE}/api/kasus.json`: {
        const report = await dashboard.cases(viewer, period, only);
        return json(200, {
          period: periodJson(period),
          scope: viewer.label,
          ...(only !== undefined ? { instansi: only } : {}),
          report: named(report),
        });
      }
      case `${BASE}/api/perjalanan.json`:
        return json(200, { period: periodJson(period), ...(await dashboard.journeys(period, now)) });
      case `${BASE}/api/faq.json`:
        return json(200, { period: periodJson(period), ...(await dashboard.faq(period)) });
      case `${BASE}/ekspor/kasus.csv`:
        return csv(
          `kasus-${period.fromDay}-${period.toDay}.csv`,
          await dashboard.caseCsv(viewer, period, only),
        );
      case `${BASE}/ekspor/perjalanan.csv`: {
        const j = await dashboard.journeys(period, now);
        return csv(
          "perjalanan.csv",
          toCsv(
            [
              "alur",
              "langkah",
              "teks",
              "akhir",
              "masuk",
              "lanjut",
              "berhenti",
              "selesai_sukses",
              "jawaban_tidak_sah",
              "di_sini_sekarang",
            ],
            j.flows.flatMap((f) =>
              f.steps.map((s) => [
                f.id,
                s.state,
                s.label,
                s.end,
                s.entered,
                s.wentOn,
                s.stopped,
                s.completed,
                s.invalid,
                s.now,
              ]),
            ),
          ),
        );
      }
      case `${BASE}/ekspor/faq.csv`: {
        const f = await dashboard.faq(period);
        return csv(
          "faq.csv",
          toCsv(
            ["entri", "judul", "dipakai", "ditawarkan_ragu", "suka", "tidak_suka"],
            f.entries.map((e) => [e.id, e.title, e.used, e.unsure, e.up, e.down]),
          ),
        );
      }
      case `${BASE}/ekspor/faq-celah.csv`: {
        const f = await dashboard.faq(period);
        return csv(
          "faq-celah.csv",
          toCsv(
            ["pertanyaan_disamarkan", "ditanyakan", "paling_mirip"],
            f.gaps.map((g) => [g.text, g.count, g.best]),
          ),
        );
      }
      default: {
        const chartCsv = exporting
          ? await chartExport(path.slice(`${BASE}/ekspor/`.length), viewer, period, only)
          : undefined;
        if (chartCsv !== undefined) return chartCsv;
        if (api || exporting) return json(404, { error: "not_found" });
        return html(
          404,
          messagePage(assets.urls, "Halaman tidak ditemukan", [`Kembali ke dasbor: ${BASE}/kasus`]),
        );
      }
    }
  }

  async function casesData(viewer: Viewer, period: Period, only: string | undefined) {
    return {
      report: await dashboard.cases(viewer, period, only),
      instansiName: (id: string) => dashboard.instansiName(id),
      typeTitle: (id: string) => dashboard.caseTypeTitle(id),
    };
  }

  /** The report with names beside ids, for other tools. */
  function named(report: CaseReport) {
    const withName = (rows: CaseReport["byInstansi"]) =>
      rows.map((r) => ({ ...r, name: dashboard.instansiName(r.key) }));
    return { ...report, byInstansi: withName(report.byInstansi) };
  }

  /** The numbers behind each chart and table of the cases page. */
  async function chartExport(file: string, viewer: Viewer, period: Period, only: string | undefined) {
    const names = [
      "mingguan.csv",
      "waktu.csv",
      "kepuasan.csv",
      "instansi.csv",
      "grup.csv",
      "petugas.csv",
      "terbuka.csv",
    ];
    if (!names.includes(file)) return undefined;
    const r = await dashboard.cases(viewer, period, only);
    const minutes = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms / 60_000));
    const breakdown = (
      rows: CaseReport["byInstansi"],
      label: (key: string, l?: string) => string | undefined,
    ) =>
      toCsv(
        [
          "kunci",
          "nama",
          "kasus",
          "terbuka",
          "selesai",
          "median_menit_jawaban_pertama",
          "median_menit_selesai",
          "penilaian",
          "rata_rata_penilaian",
        ],
        rows.map((x) => [
          x.key,
          label(x.key, x.label),
          x.cases,
          x.open,
          x.closed,
          minutes(x.medianFirstAnswerMs),
          minutes(x.medianCloseMs),
          x.ratings,
          x.ratingAverage,
        ]),
      );
    switch (file) {
      case "mingguan.csv": {
        const types = Object.keys(r.byType).sort();
        return csv(
          file,
          toCsv(
            [
              "minggu_mulai",
              "jumlah",
              ...STATUS_ORDER.map((s) => `status_${s}`),
              ...types.map((t) => `jenis_${t}`),
            ],
            r.weeks.map((w) => [
              w.week,
              w.total,
              ...STATUS_ORDER.map((s) => w.byStatus[s] ?? 0),
              ...types.map((t) => w.byType[t] ?? 0),
            ]),
          ),
        );
      }
      case "waktu.csv":
        return csv(
          file,
          toCsv(
            ["ukuran", "kasus", "median_menit", "p90_menit"],
            [
              [
                "jawaban_pertama",
                r.firstAnswer.n,
                minutes(r.firstAnswer.medianMs),
                minutes(r.firstAnswer.p90Ms),
              ],
              ["selesai", r.close.n, minutes(r.close.medianMs), minutes(r.close.p90Ms)],
            ],
          ),
        );
      case "kepuasan.csv":
        return csv(
          file,
          toCsv(
            ["bintang", "jumlah"],
            r.ratings.distribution.map((count, i) => [i + 1, count]),
          ),
        );
      case "instansi.csv":
        return csv(
          file,
          breakdown(r.byInstansi, (key) => dashboard.instansiName(key)),
        );
      case "grup.csv":
        return csv(
          file,
          breakdown(r.byGroup, (_k, l) => l),
        );
      case "petugas.csv":
        return csv(
          file,
          breakdown(r.byStaff, (_k, l) => l),
        );
      default:
        return csv(
          file,
          toCsv(
            ["nomor", "jenis", "status", "instansi", "grup", "dibuat", "petugas"],
            r.oldestOpen.map((c) => [
              c.id,
              c.type,
              c.status,
              c.instansi,
              c.group,
              new Date(c.createdAt).toISOString(),
              c.claimedByName,
            ]),
          ),
        );
    }
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      send(req, res, await route(req));
    } catch (error) {
      log.error({ err: errorSummary(error) }, "dashboard request failed");
      send(req, res, html(500, messagePage(assets.urls, "Terjadi gangguan", ["Coba lagi sebentar lagi."])));
    }
  };
}

const periodJson = (p: Period) => ({ dari: p.fromDay, sampai: p.toDay, from: p.from, to: p.to });
