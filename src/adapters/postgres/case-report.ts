/**
 * The dashboard's case numbers in SQL: one statement over the cases created in
 * the period and scope (indexes: cases_created, cases_instansi_created,
 * cases_group_created; the open cases: cases_open_by_instansi, cases_open_by_group,
 * cases_open_created), equal to core/desk/report.ts computeReport (the
 * DeskStore contract runs both on the same cases).
 */
import type pg from "pg";
import {
  BREAKDOWN_LIMIT,
  type BreakdownRow,
  type CaseReport,
  OLDEST_OPEN_LIMIT,
  type OpenCaseRow,
  type ReportFilter,
  roundAvg,
  roundMs,
} from "../../core/desk/report.ts";

/** The WHERE clause of a scope (without the period), its parameters appended to `params`. */
function scopeWhere(filter: ReportFilter, params: unknown[]): string[] {
  const where: string[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (!filter.scope.all) {
    const instansi = `instansi = any(${param(filter.scope.instansi)}::text[])`;
    where.push(
      filter.scope.group === undefined
        ? instansi
        : `(${instansi} or group_addr = ${param(filter.scope.group)})`,
    );
  }
  if (filter.only !== undefined) where.push(`instansi = ${param(filter.only)}`);
  return where;
}

/** The period and the scope: the cases a report counts. */
export function reportWhere(filter: ReportFilter, params: unknown[]): string {
  params.push(new Date(filter.from), new Date(filter.to));
  const period = [`created_at >= $${params.length - 1}`, `created_at < $${params.length}`];
  return [...period, ...scopeWhere(filter, params)].join(" and ");
}

interface RawRow {
  k: string;
  label: string | null;
  n: number;
  o: number;
  c: number;
  fa: number | null;
  cl: number | null;
  rn: number;
  ra: number | null;
}

function toRow(r: RawRow): BreakdownRow {
  const fa = roundMs(r.fa);
  const cl = roundMs(r.cl);
  const ra = roundAvg(r.ra);
  return {
    key: r.k,
    ...(r.label !== null ? { label: r.label } : {}),
    cases: Number(r.n),
    open: Number(r.o),
    closed: Number(r.c),
    ...(fa !== undefined ? { medianFirstAnswerMs: fa } : {}),
    ...(cl !== undefined ? { medianCloseMs: cl } : {}),
    ratings: Number(r.rn),
    ...(ra !== undefined ? { ratingAverage: ra } : {}),
  };
}

/** One breakdown as JSON rows, most cases first, ties by key in byte order (as JavaScript sorts). */
const breakdown = (key: string, label: string, where = "true") => `
  (select coalesce(jsonb_agg(to_jsonb(x) order by x.n desc, x.k collate "C"), '[]') from (
     select ${key} as k, ${label} as label, count(*) as n,
       count(*) filter (where status in ('open', 'claimed')) as o,
       count(*) filter (where status in ('resolved', 'returned')) as c,
       percentile_cont(0.5) within group (order by fa) as fa,
       percentile_cont(0.5) within group (order by cl) as cl,
       count(rating) as rn, avg(rating)::float8 as ra
     from c where ${where} group by 1 order by 3 desc, ${key} collate "C" limit ${BREAKDOWN_LIMIT}) x)`;

/** The report in one round trip. */
export async function selectCaseReport(pool: pg.Pool, filter: ReportFilter): Promise<CaseReport> {
  const params: unknown[] = [];
  const where = reportWhere(filter, params);
  // The open cases (whenever opened) in the same scope: their parameters follow the period's.
  const openSql = ["status in ('open', 'claimed')", ...scopeWhere(filter, params)].join(" and ");
  const { rows } = await pool.query<{
    total: string;
    by_status: Record<string, number>;
    by_type: Record<string, number>;
    weeks: [string, string, string, number][];
    fa: [number, number] | null;
    fa_n: string;
    cl: [number, number] | null;
    cl_n: string;
    r_n: string;
    r_avg: number | null;
    r_dist: number[];
    by_instansi: RawRow[];
    by_group: RawRow[];
    by_staff: RawRow[];
    oldest: {
      id: string;
      type: string;
      status: OpenCaseRow["status"];
      instansi: string | null;
      group_addr: string;
      created_ms: number;
      claimed_by_name: string | null;
    }[];
  }>(
    `with c as materialized (
       select id, type, status, instansi, group_addr, claimed_by, claimed_by_name, rating,
         to_char(date_trunc('week', created_at at time zone 'Asia/Jakarta'), 'YYYY-MM-DD') as week,
         extract(epoch from first_answer_at - created_at)::float8 * 1000 as fa,
         case when closed_at is not null and status <> 'cancelled'
           then extract(epoch from closed_at - created_at)::float8 * 1000 end as cl
       from cases where ${where})
     select
       (select count(*) from c) as total,
       (select coalesce(jsonb_object_agg(status, n), '{}') from (select status, count(*) n from c group by 1) s) as by_status,
       (select coalesce(jsonb_object_agg(type, n), '{}') from (select type, count(*) n from c group by 1) t) as by_type,
       (select coalesce(jsonb_agg(jsonb_build_array(week, kind, k, n)), '[]') from (
          select week, 'status' as kind, status as k, count(*) n from c group by 1, 3
          union all select week, 'type', type, count(*) from c group by 1, 3) w) as weeks,
       (select percentile_cont(array[0.5, 0.9]) within group (order by fa) from c) as fa,
       (select count(fa) from c) as fa_n,
       (select percentile_cont(array[0.5, 0.9]) within group (order by cl) from c) as cl,
       (select count(cl) from c) as cl_n,
       (select count(rating) from c) as r_n,
       (select avg(rating)::float8 from c) as r_avg,
       (select array[count(*) filter (where rating = 1), count(*) filter (where rating = 2),
          count(*) filter (where rating = 3), count(*) filter (where rating = 4),
          count(*) filter (where rating = 5)]::int[] from c) as r_dist,
       ${breakdown("coalesce(instansi, '-')", "null::text")} as by_instansi,
       ${breakdown("group_addr", "(select title from groups g where g.addr = c.group_addr)")} as by_group,
       ${breakdown("claimed_by", 'max(claimed_by_name collate "C")', "claimed_by is not null")} as by_staff,
       (select coalesce(jsonb_agg(to_jsonb(o) order by o.created_ms, o.id), '[]') from (
          select id, type, status, instansi, group_addr, claimed_by_name,
            (extract(epoch from created_at) * 1000)::float8 as created_ms
          from cases where ${openSql} order by created_at, id limit ${OLDEST_OPEN_LIMIT}) o) as oldest`,
    params,
  );
  const r = rows[0]!;
  const weeks = new Map<string, CaseReport["weeks"][number]>();
  for (const [week, kind, key, n] of r.weeks) {
    const row = weeks.get(week) ?? { week, total: 0, byStatus: {}, byType: {} };
    if (kind === "status") {
      row.byStatus[key] = Number(n);
      row.total += Number(n);
    } else row.byType[key] = Number(n);
    weeks.set(week, row);
  }
  const durations = (pair: [number, number] | null, n: string) => {
    const medianMs = roundMs(pair?.[0]);
    const p90Ms = roundMs(pair?.[1]);
    return {
      n: Number(n),
      ...(medianMs !== undefined ? { medianMs } : {}),
      ...(p90Ms !== undefined ? { p90Ms } : {}),
    };
  };
  const average = roundAvg(r.r_avg);
  return {
    total: Number(r.total),
    byStatus: r.by_status,
    byType: r.by_type,
    weeks: [...weeks.values()].sort((a, b) => (a.week < b.week ? -1 : 1)),
    firstAnswer: durations(r.fa, r.fa_n),
    close: durations(r.cl, r.cl_n),
    ratings: { n: Number(r.r_n), ...(average !== undefined ? { average } : {}), distribution: r.r_dist },
    byInstansi: r.by_instansi.map(toRow),
    byGroup: r.by_group.map(toRow),
    byStaff: r.by_staff.map(toRow),
    oldestOpen: r.oldest.map((o) => ({
      id: String(o.id),
      type: o.type,
      status: o.status,
      ...(o.instansi !== null ? { instansi: o.instansi } : {}),
      group: o.group_addr,
      createdAt: Math.round(o.created_ms),
      ...(o.claimed_by_name !== null ? { claimedByName: o.claimed_by_name } : {}),
    })),
  };
}
