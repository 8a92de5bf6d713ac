/**
 * Redis plumbing for the bench: clients built like Pandu's (src/adapters/redis/connect.ts),
 * client-side command counts (round trips), server-side INFO commandstats deltas
 * (every command executed, inside Lua scripts too), per-key memory, clean-up.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import {
  createRedis,
  type RedisClient,
  STORE_CLIENT_OPTIONS,
  waitReady,
} from "../src/adapters/redis/connect.ts";

/** A client as Pandu builds it; every command it sends is counted by name. */
export interface CountedRedis {
  client: Redis;
  /** Commands sent by this client (each one a request/response on the wire). */
  sent: Map<string, number>;
}

export async function connect(url: string): Promise<CountedRedis> {
  const client = createRedis(
    url,
    { ...STORE_CLIENT_OPTIONS, lazyConnect: false },
    () => {},
  ) as RedisClient as Redis;
  await waitReady(client, 5_000);
  const sent = new Map<string, number>();
  const original = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string }, stream?: unknown) => {
    sent.set(command.name, (sent.get(command.name) ?? 0) + 1);
    return original(command as never, stream as never);
  }) as typeof client.sendCommand;
  return { client, sent };
}

export function totalOf(counts: Map<string, number>): number {
  let n = 0;
  for (const c of counts.values()) n += c;
  return n;
}

export function diff(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}

/** Server-wide calls per command (INFO commandstats); Redis 7 counts commands run inside scripts too. */
export async function commandStats(admin: Redis): Promise<Map<string, number>> {
  const text = await admin.info("commandstats");
  const stats = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m) stats.set(m[1]!, Number(m[2]));
  }
  return stats;
}

/** Commands the bench itself issues on its admin connection: never counted against a bot. */
const ADMIN = new Set([
  "info",
  "memory|usage",
  "memory",
  "strlen",
  "scan",
  "unlink",
  "ping",
  "client|setname",
]);

export interface RedisFigures {
  /** Commands sent by the bot's client per update (round trips). */
  roundTripsPerUpdate: number;
  /** Commands executed by the server per update, including those inside Lua scripts. */
  commandsPerUpdate: number;
  /** Commands executed inside scripts per update (server total minus the client's own). */
  scriptCommandsPerUpdate: number;
  /** Client commands by name, per update. */
  sentPerUpdate: Record<string, number>;
  /** Server-side commands by name, per update. */
  executedPerUpdate: Record<string, number>;
  /**
   * false when the server saw more top-level calls of the client's commands than the
   * client sent: someone else used this Redis meanwhile (shared server), so the
   * server-side figures are inflated.
   */
  serverStatsClean: boolean;
}

export class RedisMeter {
  private sentBefore = new Map<string, number>();
  private statsBefore = new Map<string, number>();

  constructor(
    private readonly bot: CountedRedis,
    private readonly admin: Redis,
  ) {}

  async start(): Promise<void> {
    this.sentBefore = new Map(this.bot.sent);
    this.statsBefore = await commandStats(this.admin);
  }

  async stop(updates: number): Promise<RedisFigures> {
    const sent = diff(this.bot.sent, this.sentBefore);
    const executed = diff(await commandStats(this.admin), this.statsBefore);
    for (const name of ADMIN) executed.delete(name);
    const clientTotal = totalOf(sent);
    const serverTotal = totalOf(executed);
    // evalsha/eval are only ever top-level: the server must have seen exactly what the client sent.
    let clean = true;
    for (const name of ["evalsha", "eval"]) {
      if ((executed.get(name) ?? 0) > (sent.get(name) ?? 0)) clean = false;
    }
    if (!sent.has("evalsha") && !sent.has("eval") && serverTotal > clientTotal) clean = false;
    const per = (m: Map<string, number>) =>
      Object.fromEntries([...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / updates]));
    return {
      roundTripsPerUpdate: clientTotal / updates,
      commandsPerUpdate: serverTotal / updates,
      scriptCommandsPerUpdate: Math.max(0, serverTotal - clientTotal) / updates,
      sentPerUpdate: per(sent),
      executedPerUpdate: per(executed),
      serverStatsClean: clean,
    };
  }
}

export async function strlen(admin: Redis, key: string): Promise<number> {
  return admin.strlen(key);
}

/** MEMORY USAGE of the keys that exist (bytes, Redis's own estimate incl. key and overhead). */
export async function memoryUsage(admin: Redis, keys: string[]): Promise<number> {
  let total = 0;
  for (const key of keys) {
    const used = (await admin.call("MEMORY", "USAGE", key, "SAMPLES", "0")) as number | null;
    total += used ?? 0;
  }
  return total;
}

/** Deletes every key under `prefix` (SCAN + UNLINK). */
export async function cleanup(admin: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await admin.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await admin.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}

export async function admin(url: string): Promise<Redis> {
  const client = createRedis(url, {}, () => {}) as RedisClient as Redis;
  await waitReady(client, 5_000);
  return client;
}

/**
 * A private redis-server (no persistence) for --own-redis: clean INFO commandstats
 * and no other client's load, whatever else uses the machine's Redis.
 */
export class OwnRedis {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), "pandu-bench-redis-"));
  url = "";

  async start(): Promise<string> {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() =>
          typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
        );
      });
    });
    const child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir],
      { stdio: "ignore" },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", () => resolve());
      child.once("error", reject);
    });
    this.url = `redis://127.0.0.1:${port}`;
    const deadline = Date.now() + 5_000;
    for (;;) {
      try {
        const client = await admin(this.url);
        await client.quit();
        return this.url;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child !== undefined && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
