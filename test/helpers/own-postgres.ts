import { type ChildProcess, spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = (() => {
  const found = spawnSync("sh", ["-c", "ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1"]);
  return found.stdout.toString().trim();
})();
const POSTGRES_UID = (() => {
  const id = spawnSync("id", ["-u", "postgres"]);
  return id.status === 0 ? Number(id.stdout.toString().trim()) : undefined;
})();

/** initdb/pg_ctl from Debian's packages, and a "postgres" user to run them as (they refuse root). */
export const HAVE_OWN_POSTGRES = BIN !== "" && POSTGRES_UID !== undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/**
 * A private PostgreSQL server for fault tests (stop and start it mid-run without
 * touching the machine's shared server): its own data folder and port.
 */
export class OwnPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), "pandu-pg-"));
  port = 0;
  child?: ChildProcess;

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private run(...args: string[]): void {
    const runAs = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--"] : [];
    const [cmd = "", ...rest] = [...runAs, ...args];
    const result = spawnSync(cmd, rest, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${args[0]} failed: ${result.stderr || result.stdout}`);
  }

  async init(): Promise<void> {
    if (POSTGRES_UID !== undefined && process.getuid?.() === 0)
      chownSync(this.dir, POSTGRES_UID, POSTGRES_UID);
    this.port = await freePort();
    this.run(`${BIN}/initdb`, "-D", join(this.dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync");
    await this.start();
  }

  async start(): Promise<void> {
    this.run(
      `${BIN}/pg_ctl`,
      "-D",
      join(this.dir, "data"),
      "-o",
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "-l",
      join(this.dir, "log"),
      "-w",
      "start",
    );
  }

  /** A fast shutdown: sessions are cut, as in a crash or a failover. */
  async stop(): Promise<void> {
    this.run(`${BIN}/pg_ctl`, "-D", join(this.dir, "data"), "-m", "fast", "-w", "stop");
  }

  async destroy(): Promise<void> {
    try {
      await this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
