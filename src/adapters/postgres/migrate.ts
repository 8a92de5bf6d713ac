/**
 * Versioned SQL migrations (migrations/NNN_name.sql, "-- Up Migration" /
 * "-- Down Migration") applied with node-pg-migrate under a PostgreSQL
 * advisory lock: several instances starting together wait for each other, and
 * each migration runs once, in one transaction with the others of the run.
 */
import { readdir } from "node:fs/promises";
import { runner } from "node-pg-migrate";
import pg from "pg";

export const MIGRATIONS_TABLE = "pandu_migrations";
export const DEFAULT_MIGRATIONS_DIR = "migrations";

export interface MigrateOptions {
  databaseUrl: string;
  dir?: string;
  /** A schema other than public (tests: one per test file); created when missing. */
  schema?: string;
  log?: (message: string) => void;
}

/** Applies every pending migration; returns the names applied (empty when up to date). */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    // The schema of the connection's search_path (public unless DATABASE_URL's options say otherwise).
    const schema =
      options.schema ??
      (await client.query<{ s: string }>("select current_schema() as s")).rows[0]?.s ??
      "public";
    const applied = await runner({
      dbClient: client,
      dir: options.dir ?? DEFAULT_MIGRATIONS_DIR,
      direction: "up",
      migrationsTable: MIGRATIONS_TABLE,
      count: Number.POSITIVE_INFINITY,
      singleTransaction: true,
      checkOrder: true,
      advisoryLockMode: "wait",
      schema,
      createSchema: true,
      log: options.log ?? (() => undefined),
    });
    return applied.map((m) => m.name);
  } finally {
    await client.end();
  }
}

export interface MigrationStatus {
  applied: { name: string; at: Date }[];
  pending: string[];
}

/** What `pandu db status` shows: migrations applied (with when) and those waiting. */
export async function migrationStatus(options: MigrateOptions): Promise<MigrationStatus> {
  const files = (await readdir(options.dir ?? DEFAULT_MIGRATIONS_DIR))
    .filter((f) => f.endsWith(".sql"))
    .map((f) => f.slice(0, -4))
    .sort();
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const table = `${options.schema !== undefined ? `"${options.schema}".` : ""}${MIGRATIONS_TABLE}`;
    const exists = await client.query<{ t: string | null }>("select to_regclass($1) as t", [table]);
    const rows =
      exists.rows[0]?.t === null
        ? []
        : (
            await client.query<{ name: string; run_on: Date }>(
              `select name, run_on from ${table} order by id`,
            )
          ).rows;
    const done = new Set(rows.map((r) => r.name));
    return {
      applied: rows.map((r) => ({ name: r.name, at: r.run_on })),
      pending: files.filter((f) => !done.has(f)),
    };
  } finally {
    await client.end();
  }
}
