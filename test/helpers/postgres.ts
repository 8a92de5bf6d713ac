import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "../../src/adapters/postgres/migrate.ts";

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/pandu_test";

/** Whether PostgreSQL answers at DATABASE_URL (probed once, quickly). */
async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * PostgreSQL tests run when PostgreSQL answers; in CI (CI set) a missing one
 * fails them instead of skipping. The suite title says why it was skipped.
 */
export const HAVE_POSTGRES = await postgresAvailable();
export const PG_SUITE =
  HAVE_POSTGRES || process.env.CI
    ? `PostgreSQL at ${DATABASE_URL.replace(/\/\/[^@]*@/, "//")}`
    : `SKIPPED: no PostgreSQL at ${DATABASE_URL} (start it and create the database to run)`;
export const SKIP_PG = !HAVE_POSTGRES && !process.env.CI;

export interface TestSchema {
  schema: string;
  /** DATABASE_URL with this schema as search_path (what `npm start` would be given). */
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh schema with every migration applied: test files never see each other's rows. */
export async function freshSchema(): Promise<TestSchema> {
  const schema = `pandu_t_${randomBytes(5).toString("hex")}`;
  await migrate({ databaseUrl: DATABASE_URL, schema });
  const url = withSchema(DATABASE_URL, schema);
  const pool = new pg.Pool({ connectionString: url, max: 12 });
  return {
    schema,
    url,
    pool,
    async drop() {
      await pool.end().catch(() => undefined);
      const admin = new pg.Client({ connectionString: DATABASE_URL });
      await admin.connect();
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    },
  };
}

export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return u.toString();
}

/** Every row of every table of `schema`, as JSON text (for scans: "is this value stored anywhere?"). */
export async function dumpTables(pool: pg.Pool, schema: string): Promise<string> {
  const { rows } = await pool.query<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' order by 1",
    [schema],
  );
  const parts: string[] = [];
  for (const { table_name } of rows) {
    const data = await pool.query(`select row_to_json(t)::text as j from "${schema}"."${table_name}" t`);
    parts.push(table_name, ...data.rows.map((r: { j: string }) => r.j));
  }
  return parts.join("\n");
}
