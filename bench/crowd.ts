/**
 * `npm run bench -- --crowd [--quick] [--json] [--mode polling|webhook] [--scenarios abcd] [--own-redis]`
 *
 * Pandu's production stack when everyone comes at once. Starts `npm start` as
 * operators do (`node --import tsx src/main.ts` with BOT_TOKEN, TELEGRAM_API_ROOT
 * at a loopback Bot API (bench/crowd-telegram.ts), REDIS_URL, DATABASE_URL on a
 * fresh schema, default LOG_LEVEL), in long polling and in webhook mode, and
 * measures per chat the time from its first update being available to the bot's
 * first reply:
 *   (a) 1,000 private users send /start within one second;
 *   (b) 10,000 users over 10 seconds (p99 per second, RSS over the run);
 *   (c) one group sends 600 /start in 2 s while 50 private users start;
 *   (d) the Bot API answers 429 retry_after=1 to 10 % of chat calls: 300 users
 *       each send /start, /privasi, /bantuan at once; every message must arrive
 *       exactly once and in order.
 * CPU (utime+stime from /proc) and RSS are the child's. `--quick` runs each
 * scenario at a tenth of its size (a CI smoke run of seconds per mode).
 *
 * CROWD_CPU_PROF=<dir> makes the child write a CPU profile there when it stops;
 * CROWD_PANDU_DIR=<dir> runs the npm start of another checkout (a before/after); CROWD_WARMUP=<n>
 * sets the warm-up's size.
 *
 * Environment: REDIS_URL (default redis://127.0.0.1:6379; database 13 is used and
 * flushed), DATABASE_URL (default the local pandu_test database; a schema of its
 * own, dropped afterwards; without PostgreSQL the desk runs in memory).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg } from "node:os";
import { Redis } from "ioredis";
import pg from "pg";
import { migrate } from "../src/adapters/postgres/migrate.ts";
import { createBot } from "../src/adapters/telegram/bot.ts";
import { loadWorld } from "../src/app/world.ts";
import { createLogger } from "../src/logger.ts";
import { CrowdTelegram } from "./crowd-telegram.ts";
import { OwnRedis } from "./redis.ts";
import { fmt, percentile, round, table } from "./util.ts";

const TOKEN = "4242:CROWDBENCHAAAAAAAAAAAAAAAAAAAAAAAAAA";
const BOT_ID = 4242;
const USERNAME = "PanduCrowdBot";
const CLK_TCK = 100; // /proc/<pid>/stat ticks per second on Linux
const GOAL_MS = 1_000;
/** The commands of scenario (d), each with a different reply. */
const SEQUENCE = ["/start", "/privasi", "/bantuan"];

export type Mode = "polling" | "webhook";

export interface CrowdOptions {
  quick: boolean;
  json: boolean;
  modes: Mode[];
  ownRedis: boolean;
  /** Scenarios to run, by letter (default "abcd"). */
  only: string;
}

interface Latency {
  chats: number;
  answered: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface Usage {
  cpuSeconds: number;
  cpuMicrosPerUpdate: number;
  /** V8 heap in use (from the child's /metrics, not after a GC), at the start and the end. */
  heapStartMb: number;
  heapEndMb: number;
  rssStartMb: number;
  rssPeakMb: number;
  rssEndMb: number;
}

export interface ScenarioResult {
  name: string;
  what: string;
  updates: number;
  seconds: number;
  latency: Latency;
  usage: Usage;
  load: [number, number];
  extra: Record<string, unknown>;
  goal: { target: string; met: boolean; detail: string };
}

export interface ModeResult {
  mode: Mode;
  startupSeconds: number;
  scenarios: ScenarioResult[];
  exitCode: number | null;
  stderrTail: string;
}

// ------------------------------------------------------------------ the child

interface Child {
  process: ChildProcess;
  port: number;
  /** The operators' listener (/metrics), METRICS_PORT. */
  metricsPort: number;
  stderr: () => string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 0;
}

function startPandu(env: Record<string, string>, port: number, metricsPort: number): Child {
  // CROWD_CPU_PROF=<dir>: the child writes a CPU profile there when it exits (bench/profile-top.ts reads it).
  const profile = process.env.CROWD_CPU_PROF;
  const args = profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [];
  // CROWD_PANDU_DIR=<checkout>: run another checkout's npm start (an older commit, for a before/after).
  const child = spawn(process.execPath, [...args, "--import", "tsx", "src/main.ts"], {
    ...(process.env.CROWD_PANDU_DIR ? { cwd: process.env.CROWD_PANDU_DIR } : {}),
    env: { ...process.env, ...env, PORT: String(port), METRICS_PORT: String(metricsPort) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let tail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4_000);
  });
  return { process: child, port, metricsPort, stderr: () => tail };
}

async function stopPandu(child: Child): Promise<number | null> {
  if (child.process.exitCode !== null) return child.process.exitCode;
  return new Promise((resolve) => {
    const force = setTimeout(() => child.process.kill("SIGKILL"), 30_000);
    child.process.once("exit", (code) => {
      clearTimeout(force);
      resolve(code);
    });
    child.process.kill("SIGTERM");
  });
}

/** CPU seconds (user + system) of a process so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** The child's V8 heap in use, read from its Prometheus /metrics (NaN when unavailable). */
async function heapMb(port: number): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // Node's process metrics carry their standard names (no pandu_ prefix); older checkouts had one.
    const used = /^(?:pandu_)?nodejs_heap_size_used_bytes (\d+)/m.exec(text)?.[1];
    return used === undefined ? Number.NaN : Number(used) / 1024 / 1024;
  } catch {
    return Number.NaN;
  }
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ------------------------------------------------------------------ load

/** Calls `emit(i)` for i in [0, n) spread evenly over `ms` (a 1 ms timer, catching up when late). */
async function spread(n: number, ms: number, emit: (i: number) => void): Promise<void> {
  const started = performance.now();
  let i = 0;
  while (i < n) {
    const due = Math.min(n, Math.floor(((performance.now() - started) / ms) * n) + 1);
    while (i < due) emit(i++);
    if (i < n) await new Promise((r) => setTimeout(r, 1));
  }
}

function latencyOf(telegram: CrowdTelegram, chats: number[]): { summary: Latency; samples: number[] } {
  const samples: number[] = [];
  for (const chat of chats) {
    const t0 = telegram.firstUpdateAt.get(chat);
    const first = telegram.replies.get(chat)?.[0];
    if (t0 !== undefined && first !== undefined) samples.push(first.at - t0);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    summary: {
      chats: chats.length,
      answered: sorted.length,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
    },
    samples,
  };
}

/** Runs one scenario against the live child: load, wait for the replies, usage and latency. */
async function measure(
  child: Child,
  telegram: CrowdTelegram,
  drive: () => Promise<{ updates: number; chats: number[]; expectReplies: (chat: number) => number }>,
  timeoutMs: number,
): Promise<{
  latency: Latency;
  samples: number[];
  usage: Usage;
  updates: number;
  seconds: number;
  chats: number[];
  load: [number, number];
}> {
  const pid = child.process.pid!;
  const loadBefore = loadavg()[0] ?? 0;
  const heap0 = await heapMb(child.metricsPort);
  const cpu0 = cpuSeconds(pid);
  const rss0 = rssMb(pid);
  let peak = rss0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 100);
  const started = performance.now();
  const { updates, chats, expectReplies } = await drive();
  await until(
    () => chats.every((chat) => (telegram.replies.get(chat)?.length ?? 0) >= expectReplies(chat)),
    timeoutMs,
    "every chat's replies",
  ).catch(() => undefined); // missing replies are reported, not fatal
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const cpu = cpuSeconds(pid) - cpu0;
  const rssEnd = rssMb(pid);
  const heapEnd = await heapMb(child.metricsPort);
  const { summary, samples } = latencyOf(telegram, chats);
  return {
    latency: summary,
    samples,
    usage: {
      cpuSeconds: round(cpu, 2),
      cpuMicrosPerUpdate: round((cpu * 1e6) / Math.max(1, updates), 0),
      heapStartMb: round(heap0, 1),
      heapEndMb: round(heapEnd, 1),
      rssStartMb: round(rss0, 1),
      rssPeakMb: round(Math.max(peak, rssEnd), 1),
      rssEndMb: round(rssEnd, 1),
    },
    updates,
    seconds: round(seconds, 2),
    chats,
    load: [round(loadBefore, 2), round(loadavg()[0] ?? 0, 2)],
  };
}

// ------------------------------------------------------------------ scenarios

interface Scale {
  a: { users: number; ms: number };
  b: { users: number; ms: number };
  c: { group: number; users: number; ms: number };
  d: { users: number; ms: number };
  warm: number;
}

const FULL: Scale = {
  a: { users: 1_000, ms: 1_000 },
  b: { users: 10_000, ms: 10_000 },
  c: { group: 600, users: 50, ms: 2_000 },
  d: { users: 300, ms: 1_000 },
  warm: 2_000,
};
const QUICK: Scale = {
  a: { users: 100, ms: 100 },
  b: { users: 1_000, ms: 1_000 },
  c: { group: 60, users: 10, ms: 200 },
  d: { users: 30, ms: 100 },
  warm: 200,
};

/** The replies of SEQUENCE sent one after the other to a fresh chat, from Pandu itself (in this process). */
async function expectedSequence(): Promise<string[]> {
  const bot = createBot({
    token: TOKEN,
    world: await loadWorld(),
    logger: createLogger({ level: "silent" }),
    botInfo: { id: BOT_ID, is_bot: true, first_name: "Pandu", username: USERNAME } as never,
  });
  const sent: string[] = [];
  bot.api.config.use(async (_prev, method, payload) => {
    if (method === "sendMessage") sent.push(String((payload as { text: string }).text));
    return {
      ok: true,
      result: method === "sendMessage" ? { message_id: 1, date: 1, chat: { id: 1, type: "private" } } : true,
    } as never;
  });
  let id = 0;
  for (const text of SEQUENCE) {
    await bot.handleUpdate({
      update_id: ++id,
      message: {
        message_id: id,
        date: 1,
        chat: { id: 1, type: "private", first_name: "Uji" },
        from: { id: 1, is_bot: false, first_name: "Uji" },
        text,
        entities: [{ type: "bot_command", offset: 0, length: text.length }],
      },
    } as never);
  }
  return sent;
}

async function runMode(
  mode: Mode,
  scale: Scale,
  env: Record<string, string>,
  expected: string[],
  only: string,
): Promise<ModeResult> {
  const telegram = new CrowdTelegram({ botId: BOT_ID, username: USERNAME });
  await telegram.start();
  const port = await freePort();
  const modeEnv: Record<string, string> = {
    ...env,
    TELEGRAM_API_ROOT: telegram.url,
    ...(mode === "webhook"
      ? {
          WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/crowd`,
          WEBHOOK_SECRET: "crowd-bench-secret-0123456789abcdef",
        }
      : {}),
  };
  const started = performance.now();
  const child = startPandu(modeEnv, port, await freePort());
  const scenarios: ScenarioResult[] = [];
  try {
    await until(
      () =>
        child.process.exitCode === null &&
        (mode === "webhook" ? telegram.mode === "webhook" : telegram.served.getUpdates > 0),
      60_000,
      `npm start (${mode}) to come up`,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${child.stderr()}`);
    });
    const startupSeconds = round((performance.now() - started) / 1000, 2);
    process.stderr.write(`crowd ${mode}: up in ${startupSeconds} s\n`);

    // Warm-up (not measured): the process as it runs after its first minutes. CROWD_WARMUP=<n> sets its
    // size (0 for a checkout whose replies are throttled: its warm-up would still be queued in (a)).
    const warmSize = process.env.CROWD_WARMUP !== undefined ? Number(process.env.CROWD_WARMUP) : scale.warm;
    const warm = Array.from({ length: warmSize }, (_, i) => 9_000_000 + i);
    await spread(warm.length, Math.max(500, warm.length), (i) => telegram.text(warm[i]!, "/start"));
    await until(() => warm.every((c) => telegram.replies.has(c)), 30_000, "the warm-up").catch(
      () => undefined,
    );
    await new Promise((r) => setTimeout(r, 500));

    const one = () => 1;
    // (a) a wave: many users within a second.
    if (only.includes("a")) {
      const users = Array.from({ length: scale.a.users }, (_, i) => 1_000_000 + i);
      const m = await measure(
        child,
        telegram,
        async () => {
          await spread(users.length, scale.a.ms, (i) => telegram.text(users[i]!, "/start"));
          return { updates: users.length, chats: users, expectReplies: one };
        },
        60_000,
      );
      scenarios.push({
        name: "a",
        what: `${fmt(scale.a.users)} private users send /start within ${scale.a.ms / 1000} s`,
        ...pick(m),
        extra: {},
        goal: goal("p99 ≤ 1 s, every user answered", m.latency, m.latency.p99 <= GOAL_MS),
      });
    }
    await settle(telegram);
    // (b) a long wave: p99 per second must not grow.
    if (only.includes("b")) {
      const users = Array.from({ length: scale.b.users }, (_, i) => 2_000_000 + i);
      const m = await measure(
        child,
        telegram,
        async () => {
          await spread(users.length, scale.b.ms, (i) => telegram.text(users[i]!, "/start"));
          return { updates: users.length, chats: users, expectReplies: one };
        },
        120_000,
      );
      const seconds = Math.max(1, Math.round(scale.b.ms / 1000));
      const perSecond = windows(telegram, users, seconds);
      const half = Math.max(1, Math.floor(seconds / 5));
      const first = Math.max(...perSecond.slice(0, half).map((w) => w.p99));
      const last = Math.max(...perSecond.slice(-half).map((w) => w.p99));
      const flat = last <= first * 1.5 + 50;
      scenarios.push({
        name: "b",
        what: `${fmt(scale.b.users)} users over ${scale.b.ms / 1000} s`,
        ...pick(m),
        extra: {
          p99PerSecondMs: perSecond.map((w) => round(w.p99, 0)),
          firstP99Ms: round(first, 0),
          lastP99Ms: round(last, 0),
        },
        goal: goal(
          "p99 ≤ 1 s and no growth (last fifth's p99 ≤ 1.5 × first fifth's + 50 ms)",
          m.latency,
          m.latency.p99 <= GOAL_MS && flat,
          `p99 by second: ${perSecond.map((w) => round(w.p99, 0)).join(" ")} ms`,
        ),
      });
    }
    await settle(telegram);
    // (c) one group floods while private users start.
    if (only.includes("c")) {
      const group = -1_003_000_000;
      const users = Array.from({ length: scale.c.users }, (_, i) => 3_000_000 + i);
      const groupReplies = () => telegram.replies.get(group)?.length ?? 0;
      const m = await measure(
        child,
        telegram,
        async () => {
          // Interleaved: the group's commands and the users' /start over the same interval.
          const total = scale.c.group + scale.c.users;
          const every = Math.max(1, Math.floor(total / scale.c.users));
          let u = 0;
          let g = 0;
          await spread(total, scale.c.ms, (i) => {
            if (i % every === every - 1 && u < users.length) telegram.text(users[u++]!, "/start");
            else if (g < scale.c.group) telegram.groupText(group, 500 + (g++ % 40), "/start");
            else telegram.text(users[u++]!, "/start");
          });
          return { updates: total, chats: users, expectReplies: one };
        },
        60_000,
      );
      scenarios.push({
        name: "c",
        what: `one group sends ${scale.c.group} /start in ${scale.c.ms / 1000} s while ${scale.c.users} private users start`,
        ...pick(m),
        extra: { groupReplies: groupReplies() },
        goal: goal(
          "private users' p99 ≤ 1 s",
          m.latency,
          m.latency.p99 <= GOAL_MS,
          `${groupReplies()} message(s) to the group`,
        ),
      });
    }
    await settle(telegram);
    // (d) 429 for 10 % of chat calls: exactly once and in order.
    if (only.includes("d")) {
      const users = Array.from({ length: scale.d.users }, (_, i) => 4_000_000 + i);
      telegram.refuseShare = 0.1;
      const refusedBefore = telegram.served.refused429;
      const m = await measure(
        child,
        telegram,
        async () => {
          await spread(users.length, scale.d.ms, (i) => {
            for (const text of SEQUENCE) telegram.text(users[i]!, text);
          });
          return {
            updates: users.length * SEQUENCE.length,
            chats: users,
            expectReplies: () => expected.length,
          };
        },
        90_000,
      );
      // Late retries still in flight would show up as duplicates: wait a little longer than retry_after.
      await new Promise((r) => setTimeout(r, 1_500));
      telegram.refuseShare = 0;
      let exact = 0;
      let missing = 0;
      let duplicated = 0;
      let disordered = 0;
      for (const chat of users) {
        const got = (telegram.replies.get(chat) ?? []).map((r) => r.text);
        if (JSON.stringify(got) === JSON.stringify(expected)) exact++;
        else if (got.length < expected.length) missing++;
        else if (got.length > expected.length) duplicated++;
        else disordered++;
      }
      const refused = telegram.served.refused429 - refusedBefore;
      scenarios.push({
        name: "d",
        what: `${scale.d.users} users each send ${SEQUENCE.join(", ")} at once; 10 % of chat calls answered 429 retry_after=1`,
        ...pick(m),
        extra: { exact, missing, duplicated, disordered, refused429: refused },
        goal: {
          target: "every message exactly once, in order, per chat",
          met: exact === users.length,
          detail: `${exact}/${users.length} chats exact (${missing} missing, ${duplicated} duplicated, ${disordered} out of order); ${refused} calls refused with 429`,
        },
      });
    }
    const exitCode = await stopPandu(child);
    return { mode, startupSeconds, scenarios, exitCode, stderrTail: child.stderr().slice(-1_000) };
  } catch (err) {
    await stopPandu(child);
    throw err;
  } finally {
    await telegram.stop();
  }
}

function pick(m: Awaited<ReturnType<typeof measure>>) {
  return { updates: m.updates, seconds: m.seconds, latency: m.latency, usage: m.usage, load: m.load };
}

function goal(target: string, latency: Latency, met: boolean, detail = "") {
  const answered = latency.answered === latency.chats;
  return {
    target,
    met: met && answered,
    detail: `${latency.answered}/${latency.chats} answered${detail ? `; ${detail}` : ""}`,
  };
}

/** p99 of first-reply latency by the second in which each chat's update was made available. */
function windows(telegram: CrowdTelegram, chats: number[], seconds: number) {
  const t0s = chats.map((c) => telegram.firstUpdateAt.get(c) ?? Number.NaN);
  const start = Math.min(...t0s);
  const buckets: number[][] = Array.from({ length: seconds }, () => []);
  chats.forEach((chat, i) => {
    const first = telegram.replies.get(chat)?.[0];
    const bucket = Math.min(seconds - 1, Math.floor((t0s[i]! - start) / 1000));
    buckets[bucket]!.push(first === undefined ? Number.POSITIVE_INFINITY : first.at - t0s[i]!);
  });
  return buckets.map((b) => ({
    p99: percentile(
      [...b].sort((x, y) => x - y),
      99,
    ),
  }));
}

/** Lets the child finish what it has (outbox, sweeps) before the next scenario. */
async function settle(telegram: CrowdTelegram): Promise<void> {
  await until(() => telegram.backlog === 0, 30_000, "the backlog to drain").catch(() => undefined);
  await new Promise((r) => setTimeout(r, 1_000));
}

// ------------------------------------------------------------------ main

export async function runCrowd(
  options: CrowdOptions,
): Promise<{ text: string; json: unknown; failed: boolean }> {
  const scale = options.quick ? QUICK : FULL;
  let own: OwnRedis | undefined;
  let redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  if (options.ownRedis) {
    own = new OwnRedis();
    redisUrl = await own.start();
  } else {
    redisUrl = `${redisUrl.replace(/\/\d*$/, "")}/13`;
  }
  const admin = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/pandu_test";
  const schema = `pandu_crowd_${randomBytes(4).toString("hex")}`;
  let pgUrl: string | undefined;
  try {
    await migrate({ databaseUrl, schema });
    const u = new URL(databaseUrl);
    u.searchParams.set("options", `-c search_path=${schema}`);
    pgUrl = u.toString();
  } catch (err) {
    process.stderr.write(`PostgreSQL not usable (${(err as Error).message}): the desk runs in memory\n`);
  }
  const expected = await expectedSequence();
  const results: ModeResult[] = [];
  try {
    for (const mode of options.modes) {
      await admin.flushdb();
      results.push(
        await runMode(
          mode,
          scale,
          { BOT_TOKEN: TOKEN, REDIS_URL: redisUrl, ...(pgUrl !== undefined ? { DATABASE_URL: pgUrl } : {}) },
          expected,
          options.only,
        ),
      );
    }
  } finally {
    await admin.flushdb().catch(() => undefined);
    admin.disconnect();
    await own?.stop();
    if (pgUrl !== undefined) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  }
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model.trim() ?? "?",
    node: process.version,
    redis: options.ownRedis ? "private redis-server" : redisUrl,
    postgres: pgUrl !== undefined ? "fresh schema" : "none (desk in memory)",
    quick: options.quick,
  };
  return {
    text: render(results, machine),
    json: { machine, results },
    failed: results.some((r) => r.scenarios.some((s) => !s.goal.met)),
  };
}

function render(results: ModeResult[], machine: Record<string, unknown>): string {
  const lines = [
    `Pandu crowd bench — ${new Date().toISOString()}`,
    `machine: ${machine.cpus} CPUs (${machine.model}), Node ${machine.node}; Redis ${machine.redis}; PostgreSQL ${machine.postgres}${machine.quick ? "; --quick (a tenth of each scenario)" : ""}`,
    "",
  ];
  const rows = results.flatMap((r) =>
    r.scenarios.map((s) => [
      r.mode,
      s.name,
      fmt(s.updates),
      `${s.latency.answered}/${s.latency.chats}`,
      fmt(round(s.latency.p50, 0)),
      fmt(round(s.latency.p90, 0)),
      fmt(round(s.latency.p99, 0)),
      fmt(round(s.latency.max, 0)),
      fmt(s.usage.cpuSeconds),
      fmt(s.usage.cpuMicrosPerUpdate),
      `${s.usage.rssStartMb}/${s.usage.rssPeakMb}/${s.usage.rssEndMb}`,
      `${s.usage.heapStartMb}→${s.usage.heapEndMb}`,
      `${s.load[0]}→${s.load[1]}`,
      s.goal.met ? "met" : "MISSED",
    ]),
  );
  lines.push(
    table(
      [
        "mode",
        "scn",
        "updates",
        "answered",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "CPU s",
        "CPU µs/upd",
        "RSS MB start/peak/end",
        "heap MB",
        "load 1m",
        "goal",
      ],
      rows,
    ),
  );
  lines.push("");
  for (const r of results) {
    lines.push(`${r.mode}: started in ${r.startupSeconds} s, exit code ${r.exitCode}`);
    for (const s of r.scenarios) lines.push(`  (${s.name}) ${s.what}: ${s.goal.target} — ${s.goal.detail}`);
  }
  lines.push(
    "",
    "latency: per chat, from its first update being available to the bot (polling: in getUpdates; webhook: queued for delivery) to the bot's first successful sendMessage to it. CPU and RSS: the npm start process (/proc). (c): latency of the private users; the group's messages counted apart.",
  );
  return lines.join("\n");
}
