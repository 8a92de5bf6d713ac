import { afterAll, beforeAll, describe } from "vitest";
import { PostgresDeskStore } from "../../src/adapters/postgres/desk-store.ts";
import { freshSchema, PG_SUITE, SKIP_PG, type TestSchema } from "../helpers/postgres.ts";
import { deskStoreContract } from "./desk-store-contract.ts";

describe.skipIf(SKIP_PG)(PG_SUITE, () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await freshSchema();
  });
  afterAll(async () => {
    await db?.drop();
  });
  // Each store starts on empty tables; closing a store must not end the shared pool.
  deskStoreContract("PostgreSQL", async (limits) => {
    await db.pool.query(
      "truncate cases, audit, routes, groups, message_links, topic_links, rate_windows, outbox, outbox_chats, outbox_done, outbox_dead restart identity cascade",
    );
    await db.pool.query("select setval('case_number_seq', 1, false)");
    return new PostgresDeskStore({
      pool: db.pool,
      ownsPool: false,
      ...(limits !== undefined ? { limits } : {}),
    });
  });
});
