import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresDeskStore } from "../../src/adapters/postgres/desk-store.ts";
import { DatabaseClock } from "../../src/app/clock.ts";
import type { OutboxItem, SendOutcome } from "../../src/core/outbox.ts";
import { freshSchema, PG_SUITE, SKIP_PG, type TestSchema } from "../helpers/postgres.ts";

const FIVE_MINUTES = 5 * 60_000;
const item = (id: string): OutboxItem => ({
  id,
  to: "tg:-1001",
  group: true,
  message: { type: "text", text: id },
});

/**
 * Issue 13, item 12: two instances share one outbox; one runs 5 minutes
 * ahead. Due times it writes must be due for the other at once, not 5
 * minutes later: both read the database's clock.
 */
describe.skipIf(SKIP_PG)(`one clock for every instance (${PG_SUITE})`, () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await freshSchema();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("a process whose clock runs 5 minutes ahead reads the database's time", async () => {
    const ahead = new DatabaseClock(db.pool, undefined, () => Date.now() + FIVE_MINUTES);
    const offset = await ahead.sync();
    expect(offset).toBeLessThan(-FIVE_MINUTES + 2_000);
    expect(offset).toBeGreaterThan(-FIVE_MINUTES - 2_000);
    expect(Math.abs(ahead.now() - Date.now())).toBeLessThan(2_000);
  });

  it("what the fast instance enqueues is delivered by the others right away", async () => {
    const fast = new PostgresDeskStore({ pool: db.pool, ownsPool: false });
    const other = new PostgresDeskStore({ pool: db.pool, ownsPool: false });
    const fastClock = new DatabaseClock(db.pool, undefined, () => Date.now() + FIVE_MINUTES);
    const otherClock = new DatabaseClock(db.pool);
    await Promise.all([fastClock.sync(), otherClock.sync()]);

    await fast.tx((tx) => tx.enqueue([item("from-the-fast-one")], fastClock.now()));
    const sent: string[] = [];
    const send = async (it: OutboxItem): Promise<SendOutcome> => {
      sent.push(it.id);
      return { ok: true, delivered: { ref: "1" } };
    };
    const result = await other.drain(otherClock.now(), send);
    expect(sent).toEqual(["from-the-fast-one"]);
    expect(result.sent).toBe(1);
  });
});
