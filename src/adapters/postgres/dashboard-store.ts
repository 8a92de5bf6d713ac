import type pg from "pg";
import { z } from "zod";
import type { DashboardPrincipal, JourneyBatch, JourneyLog, SignInStore, StepCounts } from "../../stores.ts";

/** A stored principal, parsed on read (a row that does not parse signs nobody in). */
export const Principal = z.object({
  user: z.string().min(3).max(64),
  name: z.string().max(128),
  group: z.string().min(3).max(64).optional(),
});

const parse = (value: unknown): DashboardPrincipal | undefined => {
  const parsed = Principal.safeParse(value);
  if (!parsed.success) return undefined;
  const { user, name, group } = parsed.data;
  return group === undefined ? { user, name } : { user, name, group };
};

interface StepRow {
  flow: string;
  state: string;
  entered: string;
  went_on: string;
  completed: string;
  invalid: string;
}

const toSteps = (rows: StepRow[]): StepCounts[] =>
  rows.map((r) => ({
    flow: r.flow,
    state: r.state,
    entered: Number(r.entered),
    wentOn: Number(r.went_on),
    completed: Number(r.completed),
    invalid: Number(r.invalid),
  }));

const STEP_SUMS =
  "flow, state, sum(entered) as entered, sum(went_on) as went_on, sum(completed) as completed, sum(invalid) as invalid";

/** Adds to existing rows; keys in a fixed order so that two instances flushing together never deadlock. */
function upsertSteps(table: "journey_daily" | "journey_hourly", key: "day" | "hour", type: string): string {
  return `insert into ${table} (${key}, flow, state, entered, went_on, completed, invalid)
    select * from unnest($1::${type}[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[])
      as t(k, flow, state, entered, went_on, completed, invalid)
    order by k, flow collate "C", state collate "C"
    on conflict (${key}, flow, state) do update set
      entered = ${table}.entered + excluded.entered, went_on = ${table}.went_on + excluded.went_on,
      completed = ${table}.completed + excluded.completed, invalid = ${table}.invalid + excluded.invalid`;
}

/**
 * The dashboard's records in PostgreSQL: sign-in links and sessions (hashes only),
 * and the journey and FAQ-use aggregates, added to with one upsert per table.
 */
export class PostgresDashboardStore implements SignInStore, JourneyLog {
  constructor(private readonly pool: pg.Pool) {}

  async saveLink(hash: string, principal: DashboardPrincipal, expiresAt: number): Promise<void> {
    await this.pool.query("insert into dashboard_links (hash, principal, expires_at) values ($1, $2, $3)", [
      hash,
      JSON.stringify(principal),
      new Date(expiresAt),
    ]);
  }

  async takeLink(hash: string, now: number): Promise<DashboardPrincipal | undefined> {
    // Deleted whether or not it expired; only an unexpired one signs in. One statement: two taps, one winner.
    const { rows } = await this.pool.query<{ principal: unknown; expires_at: Date }>(
      "delete from dashboard_links where hash = $1 returning principal, expires_at",
      [hash],
    );
    const row = rows[0];
    return row === undefined || row.expires_at.getTime() <= now ? undefined : parse(row.principal);
  }

  async saveSession(hash: string, principal: DashboardPrincipal, expiresAt: number): Promise<void> {
    await this.pool.query(
      "insert into dashboard_sessions (hash, principal, expires_at) values ($1, $2, $3)",
      [hash, JSON.stringify(principal), new Date(expiresAt)],
    );
  }

  async session(hash: string, now: number): Promise<DashboardPrincipal | undefined> {
    const { rows } = await this.pool.query<{ principal: unknown }>(
      "select principal from dashboard_sessions where hash = $1 and expires_at > $2",
      [hash, new Date(now)],
    );
    return rows[0] === undefined ? undefined : parse(rows[0].principal);
  }

  async endSession(hash: string): Promise<void> {
    await this.pool.query("delete from dashboard_sessions where hash = $1", [hash]);
  }

  async purgeSignIns(now: number): Promise<number> {
    const at = new Date(now);
    const a = await this.pool.query("delete from dashboard_links where expires_at <= $1", [at]);
    const b = await this.pool.query("delete from dashboard_sessions where expires_at <= $1", [at]);
    return (a.rowCount ?? 0) + (b.rowCount ?? 0);
  }

  async addJourneys(batch: JourneyBatch): Promise<void> {
    const columns = <R extends StepCounts>(rows: R[], key: (r: R) => unknown) => [
      rows.map(key),
      rows.map((r) => r.flow),
      rows.map((r) => r.state),
      rows.map((r) => r.entered),
      rows.map((r) => r.wentOn),
      rows.map((r) => r.completed),
      rows.map((r) => r.invalid),
    ];
    const client = await this.pool.connect();
    try {
      await client.query("begin");
      if (batch.days.length > 0)
        await client.query(
          upsertSteps("journey_daily", "day", "date"),
          columns(batch.days, (r) => r.day),
        );
      if (batch.hours.length > 0)
        await client.query(
          upsertSteps("journey_hourly", "hour", "timestamptz"),
          columns(batch.hours, (r) => new Date(r.hour)),
        );
      if (batch.faq.length > 0)
        await client.query(
          `insert into faq_daily (day, entry, used, unsure)
           select * from unnest($1::date[], $2::text[], $3::int[], $4::int[]) as t(day, entry, used, unsure)
           order by day, entry collate "C"
           on conflict (day, entry) do update set
             used = faq_daily.used + excluded.used, unsure = faq_daily.unsure + excluded.unsure`,
          [
            batch.faq.map((r) => r.day),
            batch.faq.map((r) => r.entry),
            batch.faq.map((r) => r.used),
            batch.faq.map((r) => r.unsure),
          ],
        );
      await client.query("commit");
    } catch (err) {
      await client.query("rollback").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async steps(fromDay: string, toDay: string): Promise<StepCounts[]> {
    const { rows } = await this.pool.query<StepRow>(
      `select ${STEP_SUMS} from journey_daily where day between $1 and $2 group by 1, 2
        order by flow collate "C", state collate "C"`,
      [fromDay, toDay],
    );
    return toSteps(rows);
  }

  async recentSteps(since: number): Promise<StepCounts[]> {
    const { rows } = await this.pool.query<StepRow>(
      `select ${STEP_SUMS} from journey_hourly where hour >= $1 group by 1, 2
        order by flow collate "C", state collate "C"`,
      [new Date(since)],
    );
    return toSteps(rows);
  }

  async faqUses(fromDay: string, toDay: string): Promise<{ entry: string; used: number; unsure: number }[]> {
    const { rows } = await this.pool.query<{ entry: string; used: string; unsure: string }>(
      `select entry, sum(used) as used, sum(unsure) as unsure from faq_daily where day between $1 and $2
        group by 1 order by entry collate "C"`,
      [fromDay, toDay],
    );
    return rows.map((r) => ({ entry: r.entry, used: Number(r.used), unsure: Number(r.unsure) }));
  }

  async purgeHours(before: number): Promise<number> {
    const { rowCount } = await this.pool.query("delete from journey_hourly where hour < $1", [
      new Date(before),
    ]);
    return rowCount ?? 0;
  }
}
