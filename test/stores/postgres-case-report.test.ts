import { afterAll, beforeAll, describe } from "vitest";
import { PostgresDeskStore } from "../../src/adapters/postgres/desk-store.ts";
import { freshSchema, PG_SUITE, SKIP_PG, type TestSchema } from "../helpers/postgres.ts";
import { caseReportContract } from "./case-report-contract.ts";

describe.skipIf(SKIP_PG)(PG_SUITE, () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await freshSchema();
  });
  afterAll(async () => {
    await db?.drop();
  });
  caseReportContract("PostgreSQL", async () => new PostgresDeskStore({ pool: db.pool, ownsPool: false }));
});
