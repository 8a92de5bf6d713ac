/**
 * The dashboard in a real browser: Playwright driving Debian's Chromium signs in
 * with a link from /dasbor, loads each page on a desktop and a phone viewport,
 * checks the numbers against the seeded database and that every chart drew
 * pixels, and saves screenshots under test-artifacts/dashboard/ (git-ignored).
 * Skipped with the reason when Chromium is missing here; in CI (CI set) it runs.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorld } from "../../src/app/world.ts";
import { type DashboardHarness, startDashboard } from "../helpers/dashboard-harness.ts";
import { BOGOR, NOW } from "../helpers/dashboard-seed.ts";
import { freshSchema, HAVE_POSTGRES, type TestSchema } from "../helpers/postgres.ts";

// What the code run inside the page uses (the project's TypeScript has no DOM library).
declare const document: { documentElement: { scrollWidth: number; scrollHeight: number } };
declare const window: { innerWidth: number; scrollTo(x: number, y: number): void };
interface HTMLCanvasElement {
  width: number;
  height: number;
  dataset: Record<string, string | undefined>;
  getContext(
    kind: "2d",
  ): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SUITE =
  HAVE_CHROMIUM || process.env.CI
    ? `dashboard in Chromium (${CHROMIUM})`
    : `SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
const ARTIFACTS = join("test-artifacts", "dashboard");
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, isMobile: false },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
} as const;

describe.skipIf(!HAVE_CHROMIUM && !process.env.CI)(SUITE, () => {
  let db: TestSchema | undefined;
  let h: DashboardHarness;
  const contexts: { context: BrowserContext; dir: string }[] = [];

  beforeAll(async () => {
    const world = await loadWorld();
    if (HAVE_POSTGRES) db = await freshSchema();
    h = await startDashboard(world, db !== undefined ? { pool: db.pool } : {});
    await h.dashboardStore.addJourneys({
      days: [
        {
          day: "2026-11-10",
          flow: "aktivasi",
          state: "mulai",
          entered: 120,
          wentOn: 96,
          completed: 0,
          invalid: 14,
        },
        {
          day: "2026-11-10",
          flow: "aktivasi",
          state: "nip-cek",
          entered: 96,
          wentOn: 90,
          completed: 0,
          invalid: 0,
        },
        {
          day: "2026-11-10",
          flow: "aktivasi",
          state: "pilih-jalur",
          entered: 90,
          wentOn: 71,
          completed: 0,
          invalid: 0,
        },
        {
          day: "2026-11-12",
          flow: "aktivasi",
          state: "selesai",
          entered: 41,
          wentOn: 5,
          completed: 41,
          invalid: 0,
        },
        {
          day: "2026-11-12",
          flow: "token",
          state: "mulai",
          entered: 33,
          wentOn: 20,
          completed: 0,
          invalid: 0,
        },
        { day: "2026-11-12", flow: "mfa", state: "selesai", entered: 6, wentOn: 1, completed: 6, invalid: 0 },
      ],
      hours: [
        {
          hour: NOW - 3_600_000,
          flow: "aktivasi",
          state: "pilih-jalur",
          entered: 9,
          wentOn: 4,
          completed: 0,
          invalid: 0,
        },
      ],
      faq: [
        { day: "2026-11-12", entry: "token-tidak-masuk", used: 25, unsure: 3 },
        { day: "2026-11-12", entry: "cara-aktivasi", used: 18, unsure: 0 },
        { day: "2026-11-13", entry: "syarat-password", used: 7, unsure: 1 },
      ],
    });
    await h.faqLog.gap("nip saya 1986•••••••••••1001 belum terdaftar di mola", "mola", NOW);
    await h.faqLog.feedback("token-tidak-masuk", true);
    await h.faqLog.feedback("token-tidak-masuk", false);
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    for (const { context, dir } of contexts) {
      await context.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
    await h?.close();
    await db?.drop();
  });

  async function open(kind: keyof typeof VIEWPORTS) {
    const dir = mkdtempSync(join(tmpdir(), "pandu-chromium-"));
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      locale: "id-ID",
      timezoneId: "Asia/Jakarta",
      ...VIEWPORTS[kind],
    });
    contexts.push({ context, dir });
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    return { context, page, problems };
  }

  /** Every chart drew: marked by the script, and its canvas has painted pixels. */
  async function chartsDrawn(page: Page) {
    return page.$$eval("canvas[data-chart]", (canvases) =>
      canvases.map((c) => {
        const canvas = c as HTMLCanvasElement;
        const ctx = canvas.getContext("2d");
        const data = ctx?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
        return {
          id: canvas.dataset.chart,
          rendered: canvas.dataset.rendered === "1",
          painted,
          width: canvas.width,
        };
      }),
    );
  }

  const text = async (page: Page, id: string) => (await page.locator(`#${id}`).textContent())?.trim();

  /** The whole page, and on a phone each screenful too (what a person sees, at readable size). */
  async function shots(page: Page, kind: keyof typeof VIEWPORTS, name: string) {
    await page.screenshot({ path: join(ARTIFACTS, `${kind}-${name}.png`), fullPage: true });
    if (kind !== "phone") return;
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const screen = VIEWPORTS.phone.viewport.height;
    for (let i = 0; i * screen < height && i < 10; i++) {
      await page.evaluate((y) => window.scrollTo(0, y), i * screen);
      await page.screenshot({ path: join(ARTIFACTS, `${kind}-${name}-${i + 1}.png`) });
    }
    await page.evaluate(() => window.scrollTo(0, 0));
  }

  async function expectedBogor() {
    // From the database itself (or the memory store's records), not from the dashboard's code.
    const from = Date.UTC(2026, 9, 31, 17);
    const to = Date.UTC(2026, 10, 24, 17);
    if (db !== undefined) {
      const { rows } = await db.pool.query<{ total: string; open: string; rated: string }>(
        `select count(*) as total, count(*) filter (where status in ('open', 'claimed')) as open,
           count(rating) as rated from cases
         where (instansi = '32.01' or group_addr = $1) and created_at >= $2 and created_at < $3`,
        [BOGOR, new Date(from), new Date(to)],
      );
      return { total: Number(rows[0]!.total), open: Number(rows[0]!.open), rated: Number(rows[0]!.rated) };
    }
    const cases = await h.deskStore.reportCases(
      { from, to, scope: { all: false, instansi: ["32.01"], group: BOGOR } },
      1000,
    );
    return {
      total: cases.length,
      open: cases.filter((c) => c.status === "open" || c.status === "claimed").length,
      rated: cases.filter((c) => c.rating !== undefined).length,
    };
  }

  for (const kind of ["desktop", "phone"] as const) {
    it(`${kind}: signs in with a link, every page shows the seeded numbers, every chart is drawn`, {
      timeout: 90_000,
    }, async () => {
      const { context, page, problems } = await open(kind);
      const link = await h.link("tg:900", "Kepala BKPSDM", BOGOR);
      await page.goto(link);
      await page.waitForURL(/\/dasbor\/kasus$/);
      // The link left the address bar; the cookie is HttpOnly and SameSite=Strict.
      expect(page.url()).not.toContain("t=");
      const cookies = await context.cookies();
      expect(cookies).toEqual([
        expect.objectContaining({
          name: "pandu_dasbor",
          path: "/dasbor",
          httpOnly: true,
          sameSite: "Strict",
        }),
      ]);
      await page.waitForSelector("canvas[data-rendered='1']");
      const expected = await expectedBogor();
      expect(await text(page, "n-total")).toBe(String(expected.total));
      expect(await text(page, "n-open")).toBe(String(expected.open));
      expect(await text(page, "n-csat")).toBe("4,0 / 5");
      expect((await page.locator("#n-csat + dd.note").textContent())?.trim()).toBe(
        `${expected.rated} penilaian`,
      );
      expect(await text(page, "n-first-median")).toBe("1 jam");
      expect(await page.locator("#t-terbuka tbody tr").count()).toBe(3);
      const kasusCharts = await chartsDrawn(page);
      expect(kasusCharts.map((c) => c.id)).toEqual(["minggu-status", "minggu-jenis", "kepuasan"]);
      for (const c of kasusCharts) {
        expect(c.rendered, c.id).toBe(true);
        expect(c.painted, c.id).toBeGreaterThan(500);
      }
      if (kind === "phone") {
        // Nothing wider than the phone: wide tables scroll inside their own box.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(1);
      }
      await shots(page, kind, "kasus");

      await page.getByRole("link", { name: "Perjalanan" }).click();
      await page.waitForURL(/\/dasbor\/perjalanan\?/);
      await page.waitForSelector("canvas[data-rendered='1']");
      expect(await text(page, "n-success")).toBe("47");
      expect(await text(page, "n-now")).toBe("5");
      const journeyCharts = await chartsDrawn(page);
      expect(journeyCharts.map((c) => c.id)).toEqual(["alur-aktivasi", "alur-mfa", "alur-token"]);
      for (const c of journeyCharts) expect(c.painted, c.id).toBeGreaterThan(500);
      await shots(page, kind, "perjalanan");

      await page.getByRole("link", { name: "FAQ" }).click();
      await page.waitForURL(/\/dasbor\/faq\?/);
      await page.waitForSelector("canvas[data-rendered='1']");
      expect(await text(page, "n-faq-used")).toBe("50");
      expect(await page.locator("#t-celah").textContent()).toContain("1986•••••••••••1001");
      const faqCharts = await chartsDrawn(page);
      expect(faqCharts).toHaveLength(1);
      expect(faqCharts[0]!.painted).toBeGreaterThan(500);
      await shots(page, kind, "faq");

      // A period with the form, as a person would.
      await page.getByRole("link", { name: "Kasus" }).click();
      await page.fill("input[name=dari]", "2026-11-16");
      await page.fill("input[name=sampai]", "2026-11-22");
      await page.getByRole("button", { name: "Terapkan" }).click();
      await page.waitForURL(/dari=2026-11-16&sampai=2026-11-22/);
      expect(await text(page, "n-total")).toBe("3");

      expect(problems).toEqual([]);
    });
  }

  it("without JavaScript every number is still on the page", { timeout: 60_000 }, async () => {
    const { context, page } = await open("desktop");
    await context.route("**/*.js*", (route) => route.abort());
    await page.goto(await h.link("tg:900", "Kepala BKPSDM", BOGOR));
    await page.waitForURL(/\/dasbor\/kasus$/);
    expect(await text(page, "n-total")).toBe(String((await expectedBogor()).total));
    expect(await page.locator("#t-minggu-status tbody tr").count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator("canvas[data-rendered='1']").count()).toBe(0);
  });
});
