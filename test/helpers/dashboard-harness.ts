/**
 * The dashboard as `npm start` serves it: the desk, the dashboard, the public
 * HTTP listener with /dasbor, on the seeded network and cases; stores in memory
 * or in PostgreSQL. A clock the test moves; links issued as /dasbor would.
 */
import { createDashboardHandler } from "../../src/adapters/http/dashboard.ts";
import { createHttpServer, type HttpServer, PUBLIC_ROUTES } from "../../src/adapters/http/server.ts";
import { MemoryDashboardStore } from "../../src/adapters/memory/dashboard-store.ts";
import { MemoryDeskStore } from "../../src/adapters/memory/desk-store.ts";
import { MemoryFaqLog } from "../../src/adapters/memory/faq-log.ts";
import { PostgresDashboardStore } from "../../src/adapters/postgres/dashboard-store.ts";
import { PostgresDeskStore } from "../../src/adapters/postgres/desk-store.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { Dashboard } from "../../src/desk/dashboard.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../../src/desk/desk.ts";
import { loadFaq } from "../../src/faq/load.ts";
import { createLogger } from "../../src/logger.ts";
import type { DeskStore, FaqLog, JourneyLog, SignInStore } from "../../src/stores.ts";
import { LogCapture } from "./bot-harness.ts";
import { CENTRAL, NOW, seedDesk } from "./dashboard-seed.ts";

export interface DashboardHarness {
  base: string;
  desk: Desk;
  dashboard: Dashboard;
  deskStore: DeskStore;
  dashboardStore: SignInStore & JourneyLog;
  faqLog: FaqLog;
  logs: LogCapture;
  clock: { now: number };
  /** A sign-in link as /dasbor sends it (the checks of who may ask are bypassed: tests of them are elsewhere). */
  link(user: string, name: string, group?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startDashboard(
  world: World,
  options: { pool?: import("pg").Pool; url?: string; seed?: boolean } = {},
): Promise<DashboardHarness> {
  const deskStore: DeskStore = options.pool
    ? new PostgresDeskStore({ pool: options.pool, ownsPool: false })
    : new MemoryDeskStore();
  const dashboardStore = options.pool ? new PostgresDashboardStore(options.pool) : new MemoryDashboardStore();
  const faqLog = new MemoryFaqLog();
  const clock = { now: NOW };
  const desk = new Desk(deskStore, world, {
    ...DEFAULT_DESK_CONFIG,
    fallbackGroup: CENTRAL,
    admins: ["tg:1"],
  });
  if (options.seed !== false) await seedDesk(deskStore, world.directory!.within("32"));
  const faqEntries = (await loadFaq("flows/faq")).entries.map((e) => ({ id: e.id, title: e.title }));
  const logs = new LogCapture();
  const logger = createLogger({ level: "debug", destination: logs });
  let server: HttpServer | undefined;
  let base = "";
  // The URL is only known once listening: the dashboard reads it through this holder.
  const options_ = { url: options.url ?? "", faqEntries };
  const dashboard = new Dashboard(
    dashboardStore,
    dashboardStore,
    faqLog,
    deskStore,
    desk.network,
    world,
    options_,
  );
  server = createHttpServer({
    logger,
    routes: PUBLIC_ROUTES,
    dashboard: createDashboardHandler({ dashboard, logger, now: () => clock.now, secure: false }),
  });
  const port = await server.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${port}`;
  if (options.url === undefined) options_.url = `${base}/dasbor`;
  return {
    base,
    desk,
    dashboard,
    deskStore,
    dashboardStore,
    faqLog,
    logs,
    clock,
    async link(user, name, group) {
      const outcome = await dashboard.requestLink(
        { user, name, ...(group !== undefined ? { group } : {}), isChatAdmin: async () => true },
        clock.now,
      );
      if (outcome.status !== "ok") throw new Error(outcome.text);
      return outcome.url;
    },
    async close() {
      await server?.close();
    },
  };
}
