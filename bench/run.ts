/**
 * npm run bench -- [--quick] [--json] [--only <name>[,<name>…]] [--own-redis] [--in-process] [--report saved.json]
 * npm run bench -- --desk [--cases N] [--json]   the HR desk on PostgreSQL (bench/desk.ts; DATABASE_URL)
 * npm run bench -- --crowd [--quick] [--json] [--mode polling|webhook] [--scenarios abcd] [--own-redis]
 *                                                 npm start against a loopback Bot API when everyone
 *                                                 comes at once (bench/crowd.ts; REDIS_URL, DATABASE_URL)
 *
 * Runs every scenario, each in its own Node process (with --quick: one process
 * per framework), so heap, RSS and JIT state of one framework do not leak into
 * another; then prints the tables, the Pandu/peer ratios and the goals.
 *   --json        one JSON object on stdout (use `npm run -s bench -- --json`)
 *   --quick       a short run (CI smoke)
 *   --only        scenario names or parts of them (`pandu`, `growth`, `redis`…); a
 *                 single scenario runs in this process, so
 *                 `node --expose-gc --cpu-prof --import tsx bench/run.ts --only pandu-memory` profiles it
 *   --own-redis   a private redis-server for the run instead of REDIS_URL (clean
 *                 INFO commandstats and no other client's load on a shared machine)
 *   --report f    prints the tables of a saved --json run
 *
 * Environment: REDIS_URL (default redis://127.0.0.1:6379). A Redis that cannot be
 * reached skips the Redis scenarios; the exit code is non-zero only when a
 * scenario fails (a missed goal is reported, not an error).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { conversationsMemory, conversationsRedis } from "./conversations.ts";
import { type FaqResult, faq } from "./faq.ts";
import { type GrowthResult, journeyGrowth, liveSessions, type SessionsResult } from "./growth.ts";
import { panduMemory, panduRedis } from "./pandu.ts";
import { admin, OwnRedis } from "./redis.ts";
import { IN_FLIGHT, type ModeResult, type ThroughputResult } from "./scenarios.ts";
import { telegrafMemory, telegrafRedis } from "./telegraf.ts";
import { type BenchOptions, fmt, HAVE_GC, round, table } from "./util.ts";

type Result = ThroughputResult | GrowthResult | SessionsResult | FaqResult;

const SCENARIOS: Record<string, (bench: BenchOptions) => Promise<Result>> = {
  "pandu-memory": panduMemory,
  "telegraf-memory": telegrafMemory,
  "conversations-memory": conversationsMemory,
  "pandu-redis": panduRedis,
  "telegraf-redis": telegrafRedis,
  "conversations-redis": conversationsRedis,
  "growth-pandu": (b) => journeyGrowth("pandu", b),
  "growth-telegraf": (b) => journeyGrowth("telegraf", b),
  "growth-conversations": (b) => journeyGrowth("conversations", b),
  "sessions-pandu": (b) => liveSessions("pandu", b),
  "sessions-telegraf": (b) => liveSessions("telegraf", b),
  "sessions-conversations": (b) => liveSessions("conversations", b),
  faq,
};

const RESULT_MARK = "@@bench-result@@";
const SCRIPT = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------- arguments

interface Args {
  json: boolean;
  quick: boolean;
  only: string[];
  inProcess: boolean;
  ownRedis: boolean;
  /** Print the tables of a saved --json run instead of running. */
  report?: string;
  child?: string;
  prefix?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, quick: false, only: [], inProcess: false, ownRedis: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") args.json = true;
    else if (a === "--quick") args.quick = true;
    else if (a === "--in-process") args.inProcess = true;
    else if (a === "--own-redis") args.ownRedis = true;
    else if (a === "--report") args.report = argv[++i];
    else if (a === "--only") args.only.push(...(argv[++i] ?? "").split(",").filter(Boolean));
    else if (a.startsWith("--only=")) args.only.push(...a.slice(7).split(",").filter(Boolean));
    else if (a === "--child") args.child = argv[++i];
    else if (a === "--prefix") args.prefix = argv[++i];
    else if (a === "--help" || a === "-h") {
      process.stdout.write(
        `npm run bench -- [--quick] [--json] [--only name[,name…]] [--in-process] [--own-redis] [--report saved.json]\nscenarios: ${Object.keys(SCENARIOS).join(", ")}\n--own-redis: start a private redis-server for the run (clean command counts) instead of REDIS_URL\n`,
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  return args;
}

function select(only: string[]): string[] {
  const names = Object.keys(SCENARIOS);
  if (only.length === 0) return names;
  const picked = names.filter((n) => only.some((o) => n === o || n.startsWith(`${o}-`) || n.includes(o)));
  if (picked.length === 0)
    throw new Error(`--only ${only.join(",")} matches no scenario: ${names.join(", ")}`);
  return picked;
}

// ---------------------------------------------------------------- running

interface Outcome {
  name: string;
  result?: Result;
  error?: string;
  /** Not run: Redis is not reachable (not a failure: CI without Redis). */
  skipped?: string;
  wallSeconds: number;
}

const REDIS_DOWN =
  /Redis not ready|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|Connection is closed|Stream isn't writeable/;

async function runInProcess(name: string, bench: BenchOptions): Promise<Outcome> {
  const started = performance.now();
  const wallSeconds = () => (performance.now() - started) / 1000;
  try {
    const result = await SCENARIOS[name]!(bench);
    return { name, result, wallSeconds: wallSeconds() };
  } catch (err) {
    const text = String((err as Error).stack ?? err);
    if (name.endsWith("-redis") && REDIS_DOWN.test(text))
      return { name, skipped: `Redis unavailable at ${bench.redisUrl}`, wallSeconds: wallSeconds() };
    return { name, error: text, wallSeconds: wallSeconds() };
  }
}

/**
 * Scenarios to run per child process: each alone for a full run; for --quick,
 * one process per framework (start-up time matters more there than isolation).
 */
function groups(names: string[], quick: boolean): string[][] {
  if (!quick) return names.map((n) => [n]);
  const byKey = new Map<string, string[]>();
  for (const n of names) {
    const key = ["pandu", "telegraf", "conversations"].find((f) => n.includes(f)) ?? n;
    byKey.set(key, [...(byKey.get(key) ?? []), n]);
  }
  return [...byKey.values()];
}

function runChild(names: string[], args: Args, bench: BenchOptions): Promise<Outcome[]> {
  const started = performance.now();
  const argv = [...process.execArgv, SCRIPT, "--child", names.join(","), "--prefix", bench.prefix];
  if (args.quick) argv.push("--quick");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
      process.stderr.write(d);
    });
    child.on("close", (code) => {
      const wallSeconds = (performance.now() - started) / 1000;
      const done = out
        .split("\n")
        .filter((l) => l.startsWith(RESULT_MARK))
        .map((l) => JSON.parse(l.slice(RESULT_MARK.length)) as Outcome);
      const missing = names.filter((n) => !done.some((o) => o.name === n));
      resolve([
        ...done,
        ...missing.map((name) => ({
          name,
          error: `exit ${code}: ${err.trim().split("\n").slice(-6).join("\n")}`,
          wallSeconds,
        })),
      ]);
    });
  });
}

// ---------------------------------------------------------------- machine

interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGB: number;
  node: string;
  redis?: string;
  exposeGc: boolean;
  date: string;
  /** 1-minute load average before and after the run: above the CPU count, other processes competed for the CPUs. */
  loadBefore: number;
  loadAfter?: number;
}

async function machine(redisUrl: string): Promise<Machine> {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) model = m[1]!.trim();
  } catch {}
  let redis: string | undefined;
  try {
    const r = await admin(redisUrl);
    redis = /redis_version:(\S+)/.exec(await r.info("server"))?.[1];
    await r.quit();
  } catch {}
  return {
    cpus: availableParallelism(),
    cpuModel: model,
    memoryGB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    ...(redis !== undefined ? { redis } : {}),
    exposeGc: HAVE_GC,
    date: new Date().toISOString(),
    loadBefore: round(loadavg()[0] ?? 0, 2),
  };
}

// ---------------------------------------------------------------- report

interface Ratio {
  what: string;
  pandu: number;
  telegraf?: number;
  conversations?: number;
  /** Pandu updates/s ÷ peer updates/s. */
  vsTelegraf?: number;
  vsConversations?: number;
  /** Peer CPU µs/update ÷ Pandu CPU µs/update (steadier on a busy machine). */
  cpuVsTelegraf?: number;
  cpuVsConversations?: number;
}

interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean | null;
}

function byName<T extends Result>(outcomes: Outcome[], name: string): T | undefined {
  return outcomes.find((o) => o.name === name)?.result as T | undefined;
}

function ratios(outcomes: Outcome[]): Ratio[] {
  const rows: Ratio[] = [];
  for (const store of ["memory", "redis"] as const) {
    const p = byName<ThroughputResult>(outcomes, `pandu-${store}`);
    if (p === undefined) continue;
    const t = byName<ThroughputResult>(outcomes, `telegraf-${store}`);
    const c = byName<ThroughputResult>(outcomes, `conversations-${store}`);
    for (const mode of ["inFlight", "sequential"] as const) {
      const pu = p[mode].updatesPerSecond;
      const tu = t?.[mode].updatesPerSecond;
      const cu = c?.[mode].updatesPerSecond;
      const pc = p[mode].cpuUsPerUpdate;
      rows.push({
        what: `${store}, ${mode === "inFlight" ? `${IN_FLIGHT} chats in flight` : "one chat at a time"}`,
        pandu: pu,
        ...(tu !== undefined && t
          ? {
              telegraf: tu,
              vsTelegraf: round(pu / tu, 2),
              cpuVsTelegraf: round(t[mode].cpuUsPerUpdate / pc, 2),
            }
          : {}),
        ...(cu !== undefined && c
          ? {
              conversations: cu,
              vsConversations: round(pu / cu, 1),
              cpuVsConversations: round(c[mode].cpuUsPerUpdate / pc, 1),
            }
          : {}),
      });
    }
  }
  return rows;
}

function goals(outcomes: Outcome[]): Goal[] {
  const out: Goal[] = [];
  const pm = byName<ThroughputResult>(outcomes, "pandu-memory");
  const pr = byName<ThroughputResult>(outcomes, "pandu-redis");
  const tm = byName<ThroughputResult>(outcomes, "telegraf-memory");
  const cm = byName<ThroughputResult>(outcomes, "conversations-memory");
  const gp = byName<GrowthResult>(outcomes, "growth-pandu");
  const fq = byName<FaqResult>(outcomes, "faq");
  const ups = (m: ModeResult) => Math.round(m.updatesPerSecond).toLocaleString("en-US");
  if (pm) {
    out.push({
      goal: "activation journey in memory (1,000 chats in flight)",
      target: "≥ 30,000 updates/s",
      measured: `${ups(pm.inFlight)} updates/s (one chat at a time: ${ups(pm.sequential)})`,
      met: pm.inFlight.updatesPerSecond >= 30_000,
    });
    if (tm) {
      const cpuRatio = (p: ModeResult, t: ModeResult) => t.cpuUsPerUpdate / p.cpuUsPerUpdate;
      out.push({
        goal: "Pandu CPU per update ≤ Telegraf WizardScene's, same journey in memory (issue 14)",
        target: "≥ 1.0× by CPU",
        measured: `${fmt(cpuRatio(pm.inFlight, tm.inFlight))}× in flight, ${fmt(cpuRatio(pm.sequential, tm.sequential))}× one at a time (Telegraf's CPU µs/upd ÷ Pandu's)`,
        met: cpuRatio(pm.inFlight, tm.inFlight) >= 1 && cpuRatio(pm.sequential, tm.sequential) >= 1,
      });
      out.push({
        goal: "Pandu ÷ Telegraf WizardScene, same journey in memory",
        target: "≥ 1.0×",
        measured: `${fmt(pm.inFlight.updatesPerSecond / tm.inFlight.updatesPerSecond)}× in flight, ${fmt(pm.sequential.updatesPerSecond / tm.sequential.updatesPerSecond)}× one at a time`,
        met:
          pm.inFlight.updatesPerSecond >= tm.inFlight.updatesPerSecond &&
          pm.sequential.updatesPerSecond >= tm.sequential.updatesPerSecond,
      });
    }
    if (cm)
      out.push({
        goal: "Pandu ÷ conversations plugin, same journey in memory",
        target: "≥ 20×",
        measured: `${fmt(pm.inFlight.updatesPerSecond / cm.inFlight.updatesPerSecond)}× in flight, ${fmt(pm.sequential.updatesPerSecond / cm.sequential.updatesPerSecond)}× one at a time`,
        met:
          pm.inFlight.updatesPerSecond >= 20 * cm.inFlight.updatesPerSecond &&
          pm.sequential.updatesPerSecond >= 20 * cm.sequential.updatesPerSecond,
      });
  }
  if (pr) {
    out.push({
      goal: "Redis sessions + per-chat lock (1,000 chats in flight)",
      target: "≥ 15,000 updates/s",
      measured: `${ups(pr.inFlight)} updates/s (one chat at a time: ${ups(pr.sequential)})`,
      met: pr.inFlight.updatesPerSecond >= 15_000,
    });
    const rt = Math.max(
      pr.inFlight.redis?.roundTripsPerUpdate ?? 0,
      pr.sequential.redis?.roundTripsPerUpdate ?? 0,
    );
    out.push({
      goal: "Redis round trips per update",
      target: "≤ 3",
      measured: `${fmt(rt)} (server executes ${fmt(pr.inFlight.redis?.commandsPerUpdate ?? 0)} commands/update incl. inside scripts)`,
      met: rt <= 3,
    });
  }
  const sizes = [pm?.session.maxJson, pr?.session.maxJson].filter((x): x is number => x !== undefined);
  if (sizes.length > 0) {
    const growthMax = gp ? Math.max(...gp.journeys.map((j) => j.storedBytes)) : undefined;
    const trMax = pm?.transcripts?.max;
    const max = Math.max(...sizes);
    out.push({
      goal: "bytes stored per session (session JSON)",
      target: "≤ 512 bytes",
      measured: `activation ${max} B${pr?.session.maxExtra !== undefined ? ` (+ ${pr.session.maxExtra} B dedupe ids)` : ""}${growthMax !== undefined ? `, 200-step journey ${growthMax} B` : ""}${trMax !== undefined ? `, largest over the test transcripts ${trMax} B` : ""}`,
      met: Math.max(max, growthMax ?? 0, trMax ?? 0) <= 512,
    });
  }
  if (gp) {
    out.push({
      goal: "per-update cost flat with journey length (Pandu, update at step 200 vs step 10)",
      target: "≈ 1× (≤ 1.25×)",
      measured: `${fmt(gp.tailRatio200vs10)}×`,
      met: gp.tailRatio200vs10 <= 1.25,
    });
  }
  if (fq) {
    out.push({
      goal: "FAQ search p99 over the whole FAQ",
      target: "< 1 ms",
      measured: `${fmt(fq.search.p99Ms)} ms (p50 ${fmt(fq.search.p50Ms)} ms)`,
      met: fq.search.p99Ms < 1,
    });
  }
  return out;
}

function report(outcomes: Outcome[], m: Machine, command: string, g: Goal[], r: Ratio[]): string {
  const parts: string[] = [];
  parts.push(
    `Pandu bench — ${m.date}\nmachine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGB} GB, Node ${m.node}, Redis ${m.redis ?? "unavailable"}${m.exposeGc ? "" : "  [no --expose-gc: heap figures include garbage]"}\nload average (1 min): ${m.loadBefore} before, ${m.loadAfter ?? "?"} after${(m.loadAfter ?? 0) > m.cpus || m.loadBefore > m.cpus ? " — other processes competed for the CPUs: wall-clock figures are low, CPU µs/upd is the steadier figure" : ""}\ncommand: ${command}`,
  );

  const thr = outcomes.flatMap((o) => (o.result && "inFlight" in o.result ? [o.result] : []));
  if (thr.length > 0) {
    const rows: (string | number)[][] = [];
    for (const t of thr) {
      for (const mode of ["inFlight", "sequential"] as const) {
        const x = t[mode];
        rows.push([
          t.framework,
          t.store,
          mode === "inFlight" ? `${IN_FLIGHT} in flight` : "1 at a time",
          x.updates,
          x.updatesPerSecond,
          x.cpuUsPerUpdate,
          x.latency.p50Ms,
          x.latency.p99Ms,
          x.heapMB,
          x.rssPeakMB,
          x.apiCallsPerUpdate,
          mode === "inFlight" ? t.session.maxJson : "",
          x.redis ? x.redis.roundTripsPerUpdate : "",
          x.redis ? `${fmt(x.redis.commandsPerUpdate)}${x.redis.serverStatsClean ? "" : "*"}` : "",
        ]);
      }
    }
    parts.push(
      `\n## Activation journey (${thr[0]!.updatesPerJourney} updates per chat)\n${table(
        [
          "framework",
          "store",
          "chats",
          "updates",
          "updates/s",
          "CPU µs/upd",
          "p50 ms",
          "p99 ms",
          "heap MB",
          "RSS MB",
          "API/upd",
          "B/session",
          "Redis RT/upd",
          "Redis cmds/upd",
        ],
        rows,
      )}\nCPU: process CPU time per update (all threads, GC helpers included); heap: after GC at the end of the run (every session of the run still stored); RSS: peak during the run; B/session: largest stored session JSON along one journey; Redis RT: commands the bot's client sent per update (round trips); Redis cmds: executed by the server per update, inside Lua scripts too${thr.some((t) => t.inFlight.redis && !t.inFlight.redis.serverStatsClean) ? " (* other clients were using this Redis: server counts inflated)" : ""}.`,
    );
    const sizes = thr.map((t) => [
      t.framework,
      t.store,
      t.session.maxJson,
      t.session.finalJson,
      t.session.maxExtra ?? "",
      t.session.maxRedisMemory ?? "",
      t.session.perStep.join(" "),
    ]);
    const tr = thr.find((t) => t.transcripts !== undefined)?.transcripts;
    parts.push(
      `\n## Stored per session along the journey (bytes)\n${table(
        [
          "framework",
          "store",
          "max JSON",
          "final JSON",
          "other keys",
          "Redis MEMORY USAGE",
          "JSON after each update",
        ],
        sizes,
      )}\nother keys: Pandu's recent update ids (dedupe), a second key per chat. conversations: the replay log (every update and Bot API result of the conversation so far), deleted when the conversation ends.${
        tr === undefined
          ? ""
          : `\nPandu over every test transcript (real bot, in memory): largest session ${tr.max} B (${tr.file}); ${Object.entries(
              tr.perFile,
            )
              .map(([f, b]) => `${f.replace(/\.yaml$/, "")} ${b}`)
              .join(
                ", ",
              )}${tr.incomplete.length > 0 ? `; not replayed to the end: ${tr.incomplete.join(", ")}` : ""}.`
      }`,
    );
    const redisRows = thr.flatMap((t) =>
      t.inFlight.redis
        ? [
            [
              t.framework,
              Object.entries(t.inFlight.redis.sentPerUpdate)
                .map(([k, v]) => `${k} ${fmt(v)}`)
                .join(", "),
              Object.entries(t.inFlight.redis.executedPerUpdate)
                .map(([k, v]) => `${k} ${fmt(v)}`)
                .join(", "),
            ],
          ]
        : [],
    );
    if (redisRows.length > 0)
      parts.push(
        `\n## Redis commands per update (1,000 chats in flight)\n${table(["framework", "sent by the client", "executed by the server"], redisRows)}`,
      );
  }

  if (r.length > 0) {
    parts.push(
      `\n## Ratios Pandu / peer\n${table(
        [
          "journey",
          "Pandu upd/s",
          "Telegraf upd/s",
          "Pandu/Telegraf",
          "(by CPU)",
          "conversations upd/s",
          "Pandu/conversations",
          "(by CPU)",
        ],
        r.map((x) => [
          x.what,
          x.pandu,
          x.telegraf ?? "",
          x.vsTelegraf !== undefined ? `${fmt(x.vsTelegraf)}×` : "",
          x.cpuVsTelegraf !== undefined ? `${fmt(x.cpuVsTelegraf)}×` : "",
          x.conversations ?? "",
          x.vsConversations !== undefined ? `${fmt(x.vsConversations)}×` : "",
          x.cpuVsConversations !== undefined ? `${fmt(x.cpuVsConversations)}×` : "",
        ]),
      )}\nPandu/peer: updates/s ratio; (by CPU): the peer's CPU µs per update ÷ Pandu's, the same comparison measured in CPU time.`,
    );
  }

  const growth = outcomes.flatMap((o) => (o.result && "tailRatio200vs10" in o.result ? [o.result] : []));
  if (growth.length > 0) {
    const rows = growth.flatMap((gr) =>
      gr.journeys.map((j) => [
        gr.framework,
        j.steps,
        j.journeys,
        j.updatesPerSecond,
        j.latency.meanMs * 1000,
        j.tail.p50Ms * 1000,
        j.latency.p99Ms,
        j.storedBytes,
      ]),
    );
    parts.push(
      `\n## Growth: journeys of 10, 50, 200 updates (in memory, one chat at a time)\n${table(
        [
          "framework",
          "steps",
          "journeys",
          "updates/s",
          "mean µs/upd",
          "last-3 p50 µs",
          "p99 ms",
          "stored B at end",
        ],
        rows,
      )}\nlast-3: the last three updates of each journey (taps of the retry loop, same work at every length). ${growth
        .map((gr) => `${gr.framework}: ${fmt(gr.tailRatio200vs10)}× at 200 vs 10`)
        .join("; ")}.`,
    );
  }

  const sessions = outcomes.flatMap((o) => (o.result && "live" in o.result ? [o.result] : []));
  if (sessions.length > 0) {
    parts.push(
      `\n## Live sessions in memory (each chat: /start, Aktivasi, a valid NIP)\n${table(
        ["framework", "sessions", "seconds", "heap B/session", "JSON B/session", "heap MB", "RSS MB"],
        sessions.flatMap((s) =>
          s.live.map((l) => [
            s.framework,
            l.sessions,
            l.seconds,
            l.heapBytesPerSession,
            l.jsonBytesPerSession,
            l.heapMB,
            l.rssMB,
          ]),
        ),
      )}`,
    );
  }

  const fq = byName<FaqResult>(outcomes, "faq");
  if (fq) {
    parts.push(
      `\n## FAQ search (${fq.entries} entries, ${fq.questions} questions × ${fq.searches / fq.questions} passes)\n${table(
        [
          "searches",
          "p50 µs",
          "p99 µs",
          "max µs",
          "mean µs",
          "index build ms (median)",
          "build min ms",
          "top-1 hits",
        ],
        [
          [
            fq.searches,
            fq.search.p50Ms * 1000,
            fq.search.p99Ms * 1000,
            fq.search.maxMs * 1000,
            fq.search.meanMs * 1000,
            fq.buildMs,
            fq.buildMinMs,
            `${fq.top1}/${fq.questions}`,
          ],
        ],
      )}`,
    );
  }

  if (g.length > 0) {
    parts.push(
      `\n## Goals\n${table(
        ["goal", "target", "measured", "status"],
        g.map((x) => [x.goal, x.target, x.measured, x.met === null ? "-" : x.met ? "met" : "MISSED"]),
      )}`,
    );
  }

  const failed = outcomes.filter((o) => o.error !== undefined);
  if (failed.length > 0)
    parts.push(`\n## Failed scenarios\n${failed.map((f) => `${f.name}: ${f.error}`).join("\n")}`);
  const skipped = outcomes.filter((o) => o.skipped !== undefined);
  if (skipped.length > 0)
    parts.push(`\n## Skipped\n${skipped.map((f) => `${f.name}: ${f.skipped}`).join("\n")}`);
  parts.push(
    `\nwall time per scenario: ${outcomes.map((o) => `${o.name} ${fmt(o.wallSeconds)} s`).join(", ")}`,
  );
  return parts.join("\n");
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--desk")) {
    const { runDeskBench } = await import("./desk.ts");
    const cases = Number(argv[argv.indexOf("--cases") + 1] ?? 0);
    const report = await runDeskBench({
      cases: argv.includes("--cases") && cases >= 20_000 ? cases : 1_000_000,
      json: argv.includes("--json"),
      databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/pandu_test",
    });
    const info = {
      ...(await machine(process.env.REDIS_URL ?? "redis://127.0.0.1:6379")),
      loadAfter: round(loadavg()[0] ?? 0, 2),
    };
    process.stdout.write(`${JSON.stringify({ machine: info, desk: report }, null, 2)}\n`);
    process.exit(0);
  }
  if (argv.includes("--crowd")) {
    const { runCrowd } = await import("./crowd.ts");
    const mode = argv[argv.indexOf("--mode") + 1];
    const outcome = await runCrowd({
      quick: argv.includes("--quick"),
      json: argv.includes("--json"),
      ownRedis: argv.includes("--own-redis"),
      only: argv.includes("--scenarios") ? (argv[argv.indexOf("--scenarios") + 1] ?? "abcd") : "abcd",
      modes:
        argv.includes("--mode") && (mode === "polling" || mode === "webhook")
          ? [mode]
          : ["polling", "webhook"],
    });
    const json = argv.includes("--json");
    process.stdout.write(`${json ? JSON.stringify(outcome.json) : outcome.text}\n`);
    // Missed goals are reported, not errors (as in the classic bench).
    process.exit(0);
  }
  const args = parseArgs(argv);
  const bench: BenchOptions = {
    quick: args.quick,
    redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    prefix: args.prefix ?? `bench:${process.pid}-${Date.now().toString(36)}`,
  };

  if (args.child !== undefined) {
    let failed = false;
    for (const name of args.child.split(",")) {
      process.stderr.write(`${name}…\n`);
      const outcome = await runInProcess(name, bench);
      failed ||= outcome.error !== undefined;
      process.stdout.write(`${RESULT_MARK}${JSON.stringify(outcome)}\n`);
    }
    process.exit(failed ? 1 : 0);
  }

  if (args.report !== undefined) {
    const saved = JSON.parse(readFileSync(args.report, "utf8")) as {
      machine: Machine;
      command: string;
      results: Outcome[];
      ratios: Ratio[];
      goals: Goal[];
    };
    process.stdout.write(
      `${report(saved.results, saved.machine, saved.command, saved.goals, saved.ratios)}\n`,
    );
    return;
  }

  const names = select(args.only);
  let own: OwnRedis | undefined;
  if (args.ownRedis) {
    own = new OwnRedis();
    bench.redisUrl = await own.start();
    process.env.REDIS_URL = bench.redisUrl; // children connect to the same private server
  }
  const inProcess = args.inProcess || names.length === 1;
  const command =
    `node ${process.execArgv.join(" ")} bench/run.ts ${process.argv.slice(2).join(" ")}`.replace(/\s+/g, " ");
  const m = await machine(bench.redisUrl);
  if (own !== undefined) m.redis = `${m.redis ?? "?"} (private redis-server started for this run)`;
  if (!HAVE_GC) process.stderr.write("warning: run with node --expose-gc for heap figures after GC\n");
  const outcomes: Outcome[] = [];
  if (inProcess) {
    for (const name of names) {
      process.stderr.write(`${name}…\n`);
      outcomes.push(await runInProcess(name, bench));
    }
  } else {
    for (const group of groups(names, args.quick)) outcomes.push(...(await runChild(group, args, bench)));
  }
  for (const o of outcomes) {
    if (o.error !== undefined) process.stderr.write(`  ${o.name} FAILED: ${o.error.split("\n")[0]}\n`);
    if (o.skipped !== undefined) process.stderr.write(`  ${o.name} skipped: ${o.skipped}\n`);
  }

  m.loadAfter = round(loadavg()[0] ?? 0, 2);
  await own?.stop();
  const r = ratios(outcomes);
  const g = goals(outcomes);
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ machine: m, command, quick: args.quick, results: outcomes, ratios: r, goals: g })}\n`,
    );
  } else {
    process.stdout.write(`${report(outcomes, m, command, g, r)}\n`);
  }
  process.exit(outcomes.some((o) => o.error !== undefined) ? 1 : 0);
}

await main();
