/**
 * The weekly digest: Monday 08:00 WIB, last week's numbers for each verified
 * group's instansi, once per group and week however many instances tick.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryDeskStore } from "../../src/adapters/memory/desk-store.ts";
import { PostgresDeskStore } from "../../src/adapters/postgres/desk-store.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import type { OutboxItem } from "../../src/core/outbox.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../../src/desk/desk.ts";
import type { DeskStore } from "../../src/stores.ts";
import { BANDUNG, BOGOR, CENTRAL, KANREG, seedDesk } from "../helpers/dashboard-seed.ts";
import { freshSchema, PG_SUITE, SKIP_PG, type TestSchema } from "../helpers/postgres.ts";

const MONDAY_0800_WIB = Date.UTC(2026, 10, 23, 1);

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

const deskOn = (store: DeskStore, weeklyDigest = true) =>
  new Desk(store, world, {
    ...DEFAULT_DESK_CONFIG,
    fallbackGroup: CENTRAL,
    admins: ["tg:1"],
    weeklyDigest,
    // Reminders of the seeded open cases are not what these tests look at.
    remindAfterMs: 365 * 24 * 3_600_000,
  });

/** Delivers everything due and returns the digests delivered, by group. */
async function digests(store: DeskStore, now: number): Promise<Map<string, string[]>> {
  const got = new Map<string, string[]>();
  await store.drain(now, async (item: OutboxItem) => {
    if (item.id.startsWith("digest:") && item.message.type === "text")
      got.set(item.to, [...(got.get(item.to) ?? []), item.message.text]);
    return { ok: true, delivered: { ref: "1" } };
  });
  return got;
}

function digestContract(name: string, make: () => Promise<DeskStore>) {
  describe(`weekly digest: ${name}`, () => {
    let store: DeskStore;
    beforeAll(async () => {
      store = await make();
      await seedDesk(store, world.directory!.within("32"));
    });

    it("nothing before Monday 08:00 WIB", async () => {
      expect(await deskOn(store).digest.run(MONDAY_0800_WIB - 60_000)).toBe(0);
      expect((await digests(store, MONDAY_0800_WIB)).size).toBe(0);
    });

    it("at 08:00 each verified group with cases gets last week's numbers for its instansi, once, however many instances tick", async () => {
      const a = deskOn(store);
      const b = deskOn(store);
      await Promise.all([a.tick(MONDAY_0800_WIB), b.tick(MONDAY_0800_WIB + 1_000)]);
      await a.tick(MONDAY_0800_WIB + 30_000);
      const sent = await digests(store, MONDAY_0800_WIB + 60_000);
      // Bogor, Bandung and the central desk (its open Semarang case); the manager group has no route of its own.
      expect([...sent.keys()].sort()).toEqual([BOGOR, BANDUNG, CENTRAL].sort());
      expect(sent.has(KANREG)).toBe(false);
      for (const texts of sent.values()) expect(texts).toHaveLength(1);
      const bogor = sent.get(BOGOR)![0]!;
      expect(bogor).toContain("Ringkasan minggu lalu (16 Nov – 22 Nov 2026) · Kabupaten Bogor");
      expect(bogor).toContain("Kasus baru: 3 · selesai: 0 · masih terbuka: 2");
      expect(bogor).toContain("Sampai jawaban pertama: median 20 menit");
      expect(bogor).toContain("Kepuasan: belum ada penilaian");
      expect(bogor).toContain("Kasus terbuka tertua: #6, sejak 34 hari lalu");
      expect(bogor).toContain("/dasbor");
      // Another office's case never appears in Bogor's digest.
      expect(bogor).not.toContain("#9");
      expect(sent.get(BANDUNG)![0]).toContain("Kasus baru: 1 · selesai: 0 · masih terbuka: 1");
      // A restarted instance later that Monday: the outbox already delivered these ids.
      await deskOn(store).tick(MONDAY_0800_WIB + 3 * 3_600_000);
      expect((await digests(store, MONDAY_0800_WIB + 3 * 3_600_000 + 1)).size).toBe(0);
    });

    it("not after Tuesday 08:00 WIB, and not when the desk's digest is off", async () => {
      expect(await deskOn(store).digest.run(MONDAY_0800_WIB + 24 * 3_600_000)).toBe(0);
      await deskOn(store, false).tick(MONDAY_0800_WIB + 7 * 24 * 3_600_000);
      expect((await digests(store, MONDAY_0800_WIB + 7 * 24 * 3_600_000 + 1)).size).toBe(0);
      // The next Monday: the week of 23 Nov has Bandung's case #10 and Bogor's open cases.
      expect(await deskOn(store).digest.run(MONDAY_0800_WIB + 7 * 24 * 3_600_000)).toBe(3);
    });
  });
}

digestContract("memory", async () => new MemoryDeskStore());

describe.skipIf(SKIP_PG)(PG_SUITE, () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await freshSchema();
  });
  afterAll(async () => {
    await db?.drop();
  });
  digestContract("PostgreSQL", async () => new PostgresDeskStore({ pool: db.pool, ownsPool: false }));
});
