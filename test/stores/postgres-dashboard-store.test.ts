import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresDashboardStore } from "../../src/adapters/postgres/dashboard-store.ts";
import { freshSchema, PG_SUITE, SKIP_PG, type TestSchema } from "../helpers/postgres.ts";
import { dashboardStoreContract } from "./dashboard-store-contract.ts";

describe.skipIf(SKIP_PG)(PG_SUITE, () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await freshSchema();
  });
  afterAll(async () => {
    await db?.drop();
  });
  dashboardStoreContract("PostgreSQL", async () => {
    await db.pool.query(
      "truncate dashboard_links, dashboard_sessions, journey_daily, journey_hourly, faq_daily",
    );
    return new PostgresDashboardStore(db.pool);
  });

  it("stores only hashes and principals, and a principal that does not parse signs nobody in", async () => {
    const store = new PostgresDashboardStore(db.pool);
    await db.pool.query(
      "insert into dashboard_sessions (hash, principal, expires_at) values ('bad', '{\"user\": 5}', now() + interval '1 hour')",
    );
    expect(await store.session("bad", Date.now())).toBeUndefined();
  });
});
