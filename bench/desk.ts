/**
 * `npm run bench -- --desk [--cases N] [--json]`: the HR desk on PostgreSQL
 * with a year of a national deployment stored (default 1,000,000 cases).
 *
 * Measures, on its own schema in DATABASE_URL (default the local pandu_test
 * database; dropped afterwards):
 *   - the desk's periodic tick (reminders due + retention) with 10,000 and
 *     with N closed cases: its cost must not grow with the closed cases;
 *   - /statistik for one month and one office (p50/p99 over many offices and
 *     months), and for everything (for scale);
 *   - outbox delivery throughput: items/s from enqueue to done, through the
 *     desk's own delivery hook, to an instant fake Telegram.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { PostgresDeskStore } from "../src/adapters/postgres/desk-store.ts";
import { migrate } from "../src/adapters/postgres/migrate.ts";
import { loadWorld } from "../src/app/world.ts";
import type { OutboxItem } from "../src/core/outbox.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../src/desk/desk.ts";
import type { Directory } from "../src/directory/directory.ts";

const DAY = 24 * 3_600_000;

interface DeskBenchOptions {
  cases: number;
  json: boolean;
  databaseUrl: string;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? Number.NaN;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** Closed cases over a year, a few open ones, spread over the offices and groups like a real deployment. */
async function seed(
  pool: pg.Pool,
  from: number,
  count: number,
  now: number,
  instansi: string[],
): Promise<void> {
  const batch = 100_000;
  for (let start = from; start < from + count; start += batch) {
    const n = Math.min(batch, from + count - start);
    await pool.query(
      `insert into cases (id, v, type, status, user_addr, instansi, group_addr, fallback, fields, created_at,
         first_answer_at, closed_at, reopened, rating, messages, redacted)
       select g, 2,
         (array['email','token','mfa-email','auth-bkn','umum'])[1 + g % 5],
         case when g % 7 = 0 then 'cancelled' when g % 11 = 0 then 'returned' else 'resolved' end,
         'tg:' || (1000000 + g), ($3::text[])[1 + g % array_length($3::text[], 1)],
         'tg:-100' || (g % 300), false, '{"nip":"198609262015051001","nama":"Pegawai"}'::jsonb,
         to_timestamp(($4::bigint - (g % 365) * ${DAY} - (g % 86400) * 1000) / 1000.0),
         to_timestamp(($4::bigint - (g % 365) * ${DAY} - (g % 86400) * 1000 + 600000 + (g % 50) * 60000) / 1000.0),
         to_timestamp(($4::bigint - (g % 365) * ${DAY} - (g % 86400) * 1000 + 7200000 + (g % 90) * 60000) / 1000.0),
         0, case when g % 3 = 0 then 1 + g % 5 end, 2, false
       from generate_series($1::bigint, $2::bigint) g`,
      [start, start + n - 1, instansi, now],
    );
  }
  await pool.query(`select setval('case_number_seq', $1)`, [from + count]);
  await pool.query("analyze cases");
}

export async function runDeskBench(options: DeskBenchOptions): Promise<Record<string, unknown>> {
  const schema = `pandu_bench_${randomBytes(4).toString("hex")}`;
  const url = new URL(options.databaseUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const log = (line: string) => options.json || process.stderr.write(`${line}\n`);
  await migrate({ databaseUrl: options.databaseUrl, schema });
  const pool = new pg.Pool({ connectionString: url.toString(), max: 12 });
  const world = await loadWorld();
  const store = new PostgresDeskStore({
    pool,
    ownsPool: false,
    limits: { globalPerSecond: 1_000_000, privateGapMs: 0 },
  });
  const desk = new Desk(store, world, {
    ...DEFAULT_DESK_CONFIG,
    retentionMs: 3650 * DAY, // keep the year: the closed cases are what must not slow the tick
    fallbackGroup: "tg:-100999",
  });
  const now = Date.UTC(2026, 11, 1);
  // Every regional office (provinsi, kabupaten, kota) of the directory.
  const kab = ((world.directory as Directory | undefined)?.entries ?? [])
    .filter((e) => e.kind !== "kementerian" && e.kind !== "lembaga" && e.mapsTo === undefined)
    .map((e) => e.id);
  if (kab.length === 0) throw new Error("the directory has no regional offices");
  const report: Record<string, unknown> = { cases: options.cases, instansi: kab.length };
  try {
    // 1. The tick with few and with many closed cases (100 open cases due for a reminder each time).
    const openCases = async (first: number) => {
      for (let i = 0; i < 100; i++) {
        await desk.request(
          `tg:${9_000_000 + first + i}`,
          {
            kind: "open",
            caseType: "umum",
            fields: { pertanyaan: "tanya", nama: "Budi", instansi: "32.01" },
            instansi: "32.01",
            next: "kasus/menunggu",
          },
          now - 2 * 3_600_000,
        );
      }
    };
    /** A tick with the 100 open cases due for a reminder, and an idle one (nothing due). */
    const tickCost = async (label: string) => {
      const due: number[] = [];
      const idle: number[] = [];
      let t = now;
      for (let i = 0; i < 5; i++) {
        t += DEFAULT_DESK_CONFIG.remindAfterMs * 2;
        const busy = await timed(() => desk.tick(t));
        if (busy.value.reminded !== 100)
          throw new Error(`expected 100 reminders, got ${busy.value.reminded}`);
        due.push(busy.ms);
        idle.push((await timed(() => desk.tick(t + 1_000))).ms);
      }
      due.sort((a, b) => a - b);
      idle.sort((a, b) => a - b);
      log(
        `tick with ${label}: 100 reminders ${percentile(due, 0.5).toFixed(1)} ms, idle ${percentile(idle, 0.5).toFixed(2)} ms`,
      );
      return { remindersMedian: percentile(due, 0.5), idleMedian: percentile(idle, 0.5) };
    };
    log("seeding 10,000 closed cases…");
    await seed(pool, 1, 10_000, now, kab);
    await openCases(20_000_000);
    const small = await tickCost("10,000 closed cases");
    log(`seeding ${options.cases.toLocaleString("en")} closed cases…`);
    const seeded = await timed(() => seed(pool, 20_001, options.cases - 10_000, now, kab));
    log(`  seeded in ${(seeded.ms / 1000).toFixed(1)} s`);
    await pool.query("update cases set reminded_at = null where status = 'open'");
    const large = await tickCost(`${options.cases.toLocaleString("en")} closed cases`);
    report.tick = {
      closed10k: small,
      closedAll: large,
      ratioReminders: large.remindersMedian / small.remindersMedian,
      ratioIdle: large.idleMedian / small.idleMedian,
    };

    // 2. /statistik for one month and one office; and for everything.
    const runs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const month = i % 12;
      const from = Date.UTC(2026, month, 1);
      const t = await timed(() =>
        desk.stats({ from, to: Date.UTC(2026, month + 1, 1), instansi: kab[(i * 37) % kab.length]! }),
      );
      runs.push(t.ms);
    }
    runs.sort((a, b) => a - b);
    const all: number[] = [];
    for (let i = 0; i < 5; i++) all.push((await timed(() => desk.stats({}))).ms);
    all.sort((a, b) => a - b);
    report.statistik = {
      monthOffice: { p50: percentile(runs, 0.5), p99: percentile(runs, 0.99), runs: runs.length },
      allTime: { median: percentile(all, 0.5) },
    };
    log(
      `/statistik one month, one office: p50 ${percentile(runs, 0.5).toFixed(1)} ms, p99 ${percentile(runs, 0.99).toFixed(1)} ms`,
    );
    log(
      `/statistik everything (${options.cases.toLocaleString("en")} cases): median ${percentile(all, 0.5).toFixed(0)} ms`,
    );

    // 3. Delivery throughput: 5,000 items (1,000 people, 50 groups), each through the delivery hook.
    await pool.query("truncate outbox, outbox_chats, outbox_done");
    const items: OutboxItem[] = Array.from({ length: 5_000 }, (_, i) => ({
      id: `bench:${i}`,
      to: i % 10 === 0 ? `tg:-100${i % 50}` : `tg:${7_000_000 + (i % 1_000)}`,
      group: i % 10 === 0,
      message: { type: "text", text: `pesan ${i}` },
      tag: `relay:${1 + (i % 1000)}`,
    }));
    for (let i = 0; i < items.length; i += 500)
      await store.tx((tx) => tx.enqueue(items.slice(i, i + 500), now));
    let ref = 1;
    const send = async () => ({ ok: true as const, delivered: { ref: String(ref++) } });
    let clock = now;
    const delivery = await timed(async () => {
      let sent = 0;
      while ((await store.backlog(clock)).pending > 0) {
        const r = await store.drain(clock, send, desk.hooks);
        sent += r.sent;
        clock = Math.max(clock + 1, r.nextDueAt ?? clock + 1_000);
      }
      return sent;
    });
    report.delivery = {
      items: delivery.value,
      seconds: delivery.ms / 1000,
      perSecond: delivery.value / (delivery.ms / 1000),
    };
    log(
      `delivery: ${delivery.value} items in ${(delivery.ms / 1000).toFixed(1)} s = ${(delivery.value / (delivery.ms / 1000)).toFixed(0)} items/s`,
    );
  } finally {
    await pool.end();
    const admin = new pg.Client({ connectionString: options.databaseUrl });
    await admin.connect();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  }
  return report;
}
