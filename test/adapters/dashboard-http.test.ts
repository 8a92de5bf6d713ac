/**
 * The dashboard over real HTTP, on memory and on PostgreSQL: sign-in with a
 * one-time link (expiry, reuse), the session cookie, security headers, scope (an
 * office never sees another's cases: pages, CSV, JSON, guessed ids and
 * parameters), CSV masking, exports, sign-out and revocation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { type DashboardHarness, startDashboard } from "../helpers/dashboard-harness.ts";
import { BANDUNG, BOGOR, CASE, CENTRAL, KANREG, NOW } from "../helpers/dashboard-seed.ts";
import { freshSchema, PG_SUITE, SKIP_PG, type TestSchema } from "../helpers/postgres.ts";

const NOV = "?dari=2026-11-01&sampai=2026-11-24";
const BANDUNG_SECRETS = [
  "Hadi Bandung",
  "Indah Bandung",
  "Joni Bandung",
  "199001012015052008",
  "hadi.lama",
  "BKPSDM Kota Bandung",
  "Dewi Bandung",
];
const SEMARANG_SECRETS = ["Lina Semarang", "198106062006041012", "Kota Semarang"];

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

interface Got {
  status: number;
  text: string;
  headers: Headers;
}

function client(h: DashboardHarness) {
  let cookie: string | undefined;
  const get = async (path: string, init: RequestInit = {}): Promise<Got> => {
    const res = await fetch(path.startsWith("http") ? path : `${h.base}${path}`, {
      redirect: "manual",
      ...init,
      headers: { ...(cookie !== undefined ? { cookie } : {}), ...(init.headers as Record<string, string>) },
    });
    const setCookie = res.headers.get("set-cookie");
    if (setCookie !== null) cookie = setCookie.split(";")[0];
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  return {
    get,
    get cookie() {
      return cookie;
    },
    set cookie(value: string | undefined) {
      cookie = value;
    },
    async signIn(user: string, name: string, group?: string) {
      const res = await get(await h.link(user, name, group));
      expect(res.status).toBe(200);
      return res;
    },
  };
}

const number = (html: string, id: string) => new RegExp(`id="${id}">([^<]*)<`).exec(html)?.[1];

function dashboardHttpContract(name: string, pool: () => import("pg").Pool | undefined) {
  describe(`dashboard over HTTP: ${name}`, () => {
    let h: DashboardHarness;
    beforeAll(async () => {
      const p = pool();
      h = await startDashboard(world, p !== undefined ? { pool: p } : {});
    });
    afterAll(async () => {
      await h?.close();
    });

    it("without a session: no page, no export, no JSON; the page says how to get a link", async () => {
      const c = client(h);
      const page = await c.get(`/dasbor/kasus${NOV}`);
      expect(page.status).toBe(401);
      expect(page.text).toContain("Minta tautan lewat /dasbor");
      expect(page.text).not.toContain("Budi");
      const root = await c.get("/dasbor");
      expect(root.status).toBe(401);
      for (const path of [
        "/dasbor/api/kasus.json",
        "/dasbor/ekspor/kasus.csv",
        "/dasbor/ekspor/instansi.csv",
        "/dasbor/perjalanan",
        "/dasbor/faq",
      ]) {
        const res = await c.get(path);
        expect(res.status, path).toBe(401);
        expect(res.text).not.toContain("32.01");
      }
      c.cookie = "pandu_dasbor=forged-token-value";
      expect((await c.get("/dasbor/kasus")).status).toBe(401);
    });

    it("signs in with a link: cookie HttpOnly, SameSite=Strict, for /dasbor, a working day; the page moves on at once; security headers", async () => {
      const c = client(h);
      const link = await h.link("tg:900", "Kepala", BOGOR);
      const res = await c.get(link);
      expect(res.status).toBe(200);
      const setCookie = res.headers.get("set-cookie")!;
      expect(setCookie).toMatch(
        /^pandu_dasbor=[A-Za-z0-9_-]{40,}; Path=\/dasbor; HttpOnly; SameSite=Strict; Max-Age=32400$/,
      );
      expect(res.text).toContain('<meta http-equiv="refresh" content="0;url=/dasbor/kasus">');
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(res.headers.get("content-security-policy")).not.toContain("unsafe-inline");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("cache-control")).toBe("no-store");
      const page = await c.get(`/dasbor/kasus${NOV}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("x-frame-options")).toBe("DENY");
      expect(number(page.text, "n-total")).toBe("7");
      expect(page.text).not.toMatch(/<script>|<script\s+(?!src=|type="application\/json")/);
      expect(page.text).not.toMatch(/\sstyle=/);
      // The session token is stored as a hash only, and the link's token never reaches the logs.
      const token = new URL(link).searchParams.get("t")!;
      expect(h.logs.text).not.toContain(token);
      expect(h.logs.text).not.toContain(c.cookie!.split("=")[1]);
    });

    it("a link works once", async () => {
      const link = await h.link("tg:900", "Kepala", BOGOR);
      expect((await client(h).get(link)).status).toBe(200);
      const again = await client(h).get(link);
      expect(again.status).toBe(401);
      expect(again.text).toContain("Tautan tidak berlaku");
      expect(again.headers.get("set-cookie")).toBeNull();
    });

    it("a HEAD (a link checker) does not use the link up", async () => {
      const link = await h.link("tg:900", "Kepala", BOGOR);
      expect((await client(h).get(link, { method: "HEAD" })).status).toBe(200);
      expect((await client(h).get(link)).status).toBe(200);
    });

    it("a link expires after 10 minutes; a session after 9 hours", async () => {
      const late = await h.link("tg:900", "Kepala", BOGOR);
      const inTime = await h.link("tg:900", "Kepala", BOGOR);
      h.clock.now = NOW + 10 * 60_000 - 1;
      const c = client(h);
      expect((await c.get(inTime)).status).toBe(200);
      h.clock.now = NOW + 10 * 60_000;
      expect((await client(h).get(late)).status).toBe(401);
      h.clock.now = NOW + 10 * 60_000 - 1 + 9 * 3_600_000 - 1;
      expect((await c.get("/dasbor/kasus")).status).toBe(200);
      h.clock.now += 1;
      const expired = await c.get("/dasbor/kasus");
      expect(expired.status).toBe(401);
      expect(expired.text).toContain("sesi Anda sudah berakhir");
      h.clock.now = NOW;
    });

    it("an office sees only its cases: pages, JSON, CSV, guessed instansi, ids and parameters", async () => {
      const c = client(h);
      await c.signIn("tg:900", "Kepala", BOGOR);
      const pages = [
        `/dasbor/kasus${NOV}`,
        `/dasbor/kasus${NOV}&instansi=32.73`,
        `/dasbor/kasus?dari=2026-01-01&sampai=2026-12-31&instansi=33.74`,
        `/dasbor/kasus${NOV}&grup=${encodeURIComponent(BANDUNG)}&scope=all&all=true`,
        `/dasbor/api/kasus.json${NOV}`,
        `/dasbor/api/kasus.json${NOV}&instansi=32.73`,
        `/dasbor/ekspor/kasus.csv${NOV}`,
        `/dasbor/ekspor/kasus.csv?dari=2026-01-01&sampai=2026-12-31&instansi=32.73`,
        ...["mingguan", "waktu", "kepuasan", "instansi", "grup", "petugas", "terbuka"].map(
          (f) => `/dasbor/ekspor/${f}.csv${NOV}`,
        ),
      ];
      for (const path of pages) {
        const res = await c.get(path);
        expect(res.status, path).toBe(200);
        for (const secret of [...BANDUNG_SECRETS, ...SEMARANG_SECRETS])
          expect(res.text, `${path}: ${secret}`).not.toContain(secret);
      }
      const json = JSON.parse((await c.get(`/dasbor/api/kasus.json${NOV}`)).text);
      expect(json.report.total).toBe(7);
      expect(json.report.byInstansi.map((r: { key: string }) => r.key)).toEqual(["32.01"]);
      expect(JSON.parse((await c.get(`/dasbor/api/kasus.json${NOV}&instansi=32.73`)).text).report.total).toBe(
        0,
      );
      for (const guess of [
        "/dasbor/kasus/8",
        "/dasbor/api/kasus/9.json",
        "/dasbor/ekspor/kasus-8.csv",
        "/dasbor/api/../api/kasus.json?x",
      ]) {
        const res = await c.get(guess);
        expect([200, 404], guess).toContain(res.status);
        for (const secret of BANDUNG_SECRETS) expect(res.text).not.toContain(secret);
      }
    });

    it("CSV: personal fields in clear only for cases routed to the viewer's own group, masked otherwise", async () => {
      const c = client(h);
      await c.signIn("tg:900", "Kepala", BOGOR);
      const csv = (await c.get(`/dasbor/ekspor/kasus.csv${NOV}`)).text;
      // fetch's text() drops the UTF-8 BOM that Excel needs; the bytes keep it.
      expect(csv.startsWith("nomor,jenis,status,instansi,nama_instansi,grup,")).toBe(true);
      const raw = await fetch(`${h.base}/dasbor/ekspor/kasus.csv${NOV}`, { headers: { cookie: c.cookie! } });
      expect(raw.headers.get("content-disposition")).toBe(
        'attachment; filename="pandu-kasus-2026-11-01-2026-11-24.csv"',
      );
      expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      // The page says how far the export goes.
      expect((await c.get(`/dasbor/kasus${NOV}`)).text).toContain(
        "paling banyak 50.000 kasus pertama dalam periode",
      );
      const rows = csv.trim().split("\r\n");
      expect(rows).toHaveLength(8); // header + 7 cases
      const row = (id: string) => rows.find((r) => r.startsWith(`${id},`))!;
      // Case 1 is in Bogor's group: shown.
      expect(row("1")).toContain("198609262015051001");
      expect(row("1")).toContain("Budi Santoso");
      expect(row("1")).toContain("budi.baru@gmail.com");
      expect(row("1")).toContain("Cepat sekali");
      expect(row("1")).toContain(",terlihat,");
      // Case 11 (Bogor's instansi, but handled by the central desk): masked.
      expect(row("11")).toContain(",disamarkan,");
      expect(row("11")).toContain("1980••••••••••1011");
      expect(row("11")).toContain("K••• P•••");
      expect(row("11")).toContain("k•••@g•••.com");
      expect(csv).not.toContain(CASE(11).fields.nip!);
      expect(csv).not.toContain("Kiki Pusat");
    });

    it("a bot admin counts every office but sees no personal field; a regional manager sees its set, masked", async () => {
      const admin = client(h);
      await admin.signIn("tg:1", "Admin");
      const page = await admin.get(`/dasbor/kasus${NOV}`);
      expect(number(page.text, "n-total")).toBe("11");
      expect(page.text).toContain("Semua instansi (admin Pandu)");
      const all = (await admin.get(`/dasbor/ekspor/kasus.csv${NOV}`)).text;
      expect(all.trim().split("\r\n")).toHaveLength(12);
      for (const c of [1, 8, 11, 12]) {
        expect(all).not.toContain(CASE(c).fields.nip!);
        expect(all).not.toContain(CASE(c).fields.nama!);
      }
      const manager = client(h);
      await manager.signIn("tg:800", "Kakanreg", KANREG);
      const m = await manager.get(`/dasbor/kasus${NOV}`);
      expect(number(m.text, "n-total")).toBe("10");
      expect(m.text).toContain("Pengelola wilayah");
      expect(m.text).not.toContain("Kota Semarang");
      const mcsv = (await manager.get(`/dasbor/ekspor/kasus.csv${NOV}`)).text;
      expect(mcsv).not.toContain("198609262015051001");
      expect(mcsv).not.toContain("Lina Semarang");
      // Narrowed to one instansi of its set.
      expect(number((await manager.get(`/dasbor/kasus${NOV}&instansi=32.73`)).text, "n-total")).toBe("3");
      const central = client(h);
      await central.signIn("tg:950", "Pusat", CENTRAL);
      expect(number((await central.get(`/dasbor/kasus${NOV}`)).text, "n-total")).toBe("2");
    });

    it("the period filter: days included, bad dates fall back with a notice", async () => {
      const c = client(h);
      await c.signIn("tg:900", "Kepala", BOGOR);
      expect(number((await c.get("/dasbor/kasus?dari=2026-11-16&sampai=2026-11-22")).text, "n-total")).toBe(
        "3",
      );
      expect(number((await c.get("/dasbor/kasus?dari=2026-11-03&sampai=2026-11-03")).text, "n-total")).toBe(
        "1",
      );
      const bad = await c.get("/dasbor/kasus?dari=2026-13-45&sampai=kemarin");
      expect(bad.status).toBe(200);
      expect(bad.text).toContain("Tanggal tidak dikenali");
      expect(number(bad.text, "n-total")).toBe("7");
      const json = JSON.parse((await c.get("/dasbor/api/kasus.json?dari=2026-11-16&sampai=2026-11-22")).text);
      expect(json.period).toMatchObject({ dari: "2026-11-16", sampai: "2026-11-22" });
    });

    it("chart exports hold the numbers of the page", async () => {
      const c = client(h);
      await c.signIn("tg:900", "Kepala", BOGOR);
      const weekly = (await c.get(`/dasbor/ekspor/mingguan.csv${NOV}`)).text.trim().split("\r\n");
      expect(weekly[0]).toContain("minggu_mulai,jumlah,status_open");
      expect(weekly.slice(1).map((r) => r.split(",").slice(0, 2).join(","))).toEqual([
        "2026-11-02,2",
        "2026-11-09,2",
        "2026-11-16,3",
      ]);
      expect((await c.get(`/dasbor/ekspor/kepuasan.csv${NOV}`)).text).toContain("3,1\r\n4,2\r\n5,1");
      expect((await c.get(`/dasbor/ekspor/waktu.csv${NOV}`)).text).toContain("jawaban_pertama,5,60,192");
      expect(
        (await c.get(`/dasbor/ekspor/terbuka.csv${NOV}`)).text
          .trim()
          .split("\r\n")
          .map((r) => r.split(",")[0]),
      ).toEqual(["nomor", "6", "4", "5"]);
      expect((await c.get("/dasbor/ekspor/tidak-ada.csv")).status).toBe(404);
    });

    it("journeys and FAQ pages show the aggregates, the votes, the gaps (masked) and the entries never used", async () => {
      await h.dashboardStore.addJourneys({
        days: [
          {
            day: "2026-11-20",
            flow: "aktivasi",
            state: "mulai",
            entered: 40,
            wentOn: 30,
            completed: 0,
            invalid: 7,
          },
          {
            day: "2026-11-20",
            flow: "aktivasi",
            state: "selesai",
            entered: 12,
            wentOn: 3,
            completed: 12,
            invalid: 0,
          },
        ],
        hours: [
          {
            hour: NOW - 2 * 3_600_000,
            flow: "aktivasi",
            state: "mulai",
            entered: 5,
            wentOn: 2,
            completed: 0,
            invalid: 0,
          },
        ],
        faq: [{ day: "2026-11-20", entry: "token-tidak-masuk", used: 9, unsure: 2 }],
      });
      await h.faqLog.gap("nip saya 1986•••••••••••1001 tidak ditemukan", undefined, NOW);
      await h.faqLog.feedback("token-tidak-masuk", true);
      await h.faqLog.feedback("token-tidak-masuk", false);
      await h.faqLog.feedback("token-tidak-masuk", true);
      const c = client(h);
      await c.signIn("tg:900", "Kepala", BOGOR);
      const j = await c.get(`/dasbor/perjalanan${NOV}`);
      expect(j.status).toBe(200);
      expect(number(j.text, "n-success")).toBe("12");
      expect(number(j.text, "n-now")).toBe("3");
      expect(j.text).toMatch(
        /mulai · Aktivasi akun pertama kali[^<]*<\/th><td class="num">40<\/td><td class="num">30<\/td><td class="num">10<\/td><td class="num">75%<\/td><td class="num">7<\/td><td class="num">3<\/td>/,
      );
      // A step's label is its first line without emoji, and an emoji between sentences keeps them apart.
      expect(j.text).toContain("kasus/selesai · Terima kasih. Silakan lanjutkan.");
      const jj = JSON.parse((await c.get(`/dasbor/api/perjalanan.json${NOV}`)).text);
      expect(jj.successTotal).toBe(12);
      const f = await c.get(`/dasbor/faq${NOV}`);
      expect(number(f.text, "n-faq-used")).toBe("9");
      expect(f.text).toContain("nip saya 1986•••••••••••1001 tidak ditemukan");
      expect(f.text).toMatch(
        /<th scope="row">[^<]*<\/th><td class="num">9<\/td><td class="num">2<\/td><td class="num">2<\/td><td class="num">1<\/td>/,
      );
      const unused = /<ul class="cols" id="l-tak-terpakai">(.*?)<\/ul>/s.exec(f.text)?.[1] ?? "";
      expect(unused).not.toContain("(token-tidak-masuk)");
      expect(unused).toContain("(cara-aktivasi)");
      const fj = JSON.parse((await c.get(`/dasbor/api/faq.json${NOV}`)).text);
      expect(fj.unused.length).toBe(fj.entries.length - 1);
      expect((await c.get(`/dasbor/ekspor/faq.csv${NOV}`)).text).toContain("token-tidak-masuk,");
      expect((await c.get(`/dasbor/ekspor/perjalanan.csv${NOV}`)).text).toContain("aktivasi,selesai,");
    });

    it("only GET and HEAD; unknown paths 404; assets public and cacheable", async () => {
      const c = client(h);
      await c.signIn("tg:900", "Kepala", BOGOR);
      const post = await c.get("/dasbor/kasus", { method: "POST", body: "x" });
      expect(post.status).toBe(405);
      expect(post.headers.get("allow")).toBe("GET, HEAD");
      expect((await c.get("/dasbor/tidak-ada")).status).toBe(404);
      const page = await c.get(`/dasbor/kasus${NOV}`);
      const chartUrl = /<script src="([^"]+chart\.umd\.min\.js[^"]*)"/.exec(page.text)![1]!;
      const chart = await client(h).get(chartUrl);
      expect(chart.status).toBe(200);
      expect(chart.headers.get("content-type")).toContain("javascript");
      expect(chart.headers.get("cache-control")).toContain("immutable");
      expect(chart.text).toContain("Chart");
      const root = await c.get(`/dasbor${NOV}`);
      expect(root.status).toBe(303);
      expect(root.headers.get("location")).toBe(`/dasbor/kasus${NOV}`);
    });

    it("signing out ends the session; a group that loses its routes loses its dashboard", async () => {
      const c = client(h);
      await c.signIn("tg:900", "Kepala", BOGOR);
      const out = await c.get("/dasbor/keluar");
      expect(out.headers.get("set-cookie")).toMatch(
        /^pandu_dasbor=; Path=\/dasbor; HttpOnly; SameSite=Strict; Max-Age=0$/,
      );
      c.cookie = undefined;
      const before = client(h);
      await before.signIn("tg:900", "Kepala", BOGOR);
      const kept = before.cookie;
      await c.get("/dasbor/keluar", { headers: { cookie: kept! } });
      expect((await before.get("/dasbor/kasus")).status).toBe(401);
      const b = client(h);
      await b.signIn("tg:905", "Admin Bandung", BANDUNG);
      await h.deskStore.tx((tx) => tx.dropRoute("32.73"));
      const revoked = await b.get("/dasbor/kasus");
      expect(revoked.status).toBe(403);
      expect(revoked.text).toContain("tidak lagi disetujui");
      expect((await b.get("/dasbor/api/kasus.json")).status).toBe(403);
      await h.deskStore.tx((tx) => tx.setRoute("32.73", BANDUNG, NOW));
    });
  });
}

dashboardHttpContract("memory", () => undefined);

describe.skipIf(SKIP_PG)(PG_SUITE, () => {
  let db: TestSchema | undefined;
  beforeAll(async () => {
    db = await freshSchema();
  });
  afterAll(async () => {
    await db?.drop();
  });
  dashboardHttpContract("PostgreSQL", () => db!.pool);
});
