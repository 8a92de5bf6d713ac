/**
 * `npm run pandu -- <command>`:
 *   nip <NIP> [--json]          validate and explain one NIP / NI PPPK
 *   faq "<question>" [--json]   top FAQ hits
 *   faq gaps [--json]           questions the bot could not answer (REDIS_URL)
 *   flows check [--dir flows]   lint every flow, FAQ link and data file
 *   flows graph                 Mermaid diagrams of the flows
 *   flows schema [--write]      JSON Schema of flow files (flows/flow.schema.json)
 *   content stale --days N      facts (flow texts, FAQ answers) not checked for more than N days;
 *                 [--json]      exits 1 when there are any
 *   poster <instansi> --bot <username> [--out file.png]   printable QR poster of the office's start link
 *   db migrate                  apply pending migrations (DATABASE_URL)
 *   db status                   migrations applied and pending (DATABASE_URL)
 */
import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { checkFlowDir } from "./adapters/files/load-flows.ts";
import { type FlowProblem, formatProblems } from "./core/flow/compile.ts";
import { flowsToMermaid } from "./core/flow/graph.ts";
import { Flow } from "./core/flow/schema.ts";
import { type DatedFact, flowFacts, futureFacts, staleFacts } from "./core/flow/stale.ts";
import { describeNip, parseNip } from "./core/validate/nip.ts";

// The CLI reads REDIS_URL (and later DATABASE_URL) like the bot: from the environment, else from .env.
try {
  process.loadEnvFile(".env");
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
}

const args = process.argv.slice(2);
const json = args.includes("--json");
/** Options that take a value: their values are not positional arguments. */
const VALUED = new Set(["--dir", "--limit", "--bot", "--out"]);
const positional = args.filter((a, i) => !a.startsWith("--") && !VALUED.has(args[i - 1] ?? ""));
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const print = (value: unknown) =>
  process.stdout.write(`${typeof value === "string" ? value : JSON.stringify(value, null, 2)}\n`);

async function main(): Promise<number> {
  const [command, sub] = positional;
  switch (command) {
    case "nip":
      return nip(positional.slice(1).join(" "));
    case "faq":
      if (sub === "gaps" && positional.length === 2) return faqGaps();
      return faq(positional.slice(1).join(" "));
    case "poster":
      return poster(positional.slice(1).join(" "));
    case "db":
      if (sub === "migrate" || sub === "status") return db(sub);
      break;
    case "flows":
      if (sub === "check") return flowsCheck(option("dir") ?? "flows");
      if (sub === "graph") return flowsGraph(option("dir") ?? "flows");
      if (sub === "schema") return flowsSchema(args.includes("--write"));
      break;
    case "content":
      if (sub === "stale") return contentStale(option("dir") ?? "flows", option("days"));
      break;
  }
  process.stderr.write(
    'Pemakaian: npm run pandu -- nip <NIP> [--json] | faq "<pertanyaan>" [--json] | flows check|graph|schema | content stale --days <N> | poster <instansi> --bot <username> | db migrate|status\n',
  );
  return 2;
}

function today() {
  const d = new Date(Date.now() + 7 * 3_600_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Today in WIB as YYYY-MM-DD. */
function todayIso(): string {
  const { year, month, day } = today();
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function nip(input: string): number {
  const result = parseNip(input, today());
  if (json) {
    print({
      valid: result.valid,
      kind: result.kind,
      nip: result.nip,
      formatted: result.formatted,
      ...(result.fields ?? {}),
      errors: result.errors,
      warnings: result.warnings,
      description: result.valid ? describeNip(result) : null,
    });
  } else if (result.valid) {
    print(
      `✓ ${result.formatted}\n${describeNip(result)}${result.warnings.map((w) => `\n⚠️ ${w.message}`).join("")}`,
    );
  } else {
    print(`✗ NIP tidak sah\n${result.errors.map((e) => `• ${e.message}`).join("\n")}`);
  }
  return result.valid ? 0 : 1;
}

async function faq(question: string): Promise<number> {
  const { loadFaq } = await import("./faq/load.ts");
  const { createFaqIndex } = await import("./faq/search.ts");
  const { entries, problems } = await loadFaq("flows/faq");
  if (problems.length > 0) {
    process.stderr.write(`${problems.join("\n")}\n`);
    return 1;
  }
  const hits = createFaqIndex(entries).search(question, 3);
  if (json) print(hits.map(({ id, title, answer, score }) => ({ id, title, answer, score })));
  else if (hits.length === 0) print("Tidak ada jawaban yang cocok.");
  else print(hits.map((h) => `[${h.score.toFixed(2)}] ${h.id}: ${h.title}`).join("\n"));
  return 0;
}

/** Unanswered questions recorded by the running bot (needs REDIS_URL: the in-memory log lives in the bot's process). */
async function faqGaps(): Promise<number> {
  const url = process.env.REDIS_URL;
  if (url === undefined || url === "") {
    process.stderr.write(
      "REDIS_URL belum diisi: tanpa Redis, pertanyaan yang belum terjawab hanya ada di memori proses bot (lihat /faqgap di Telegram).\n",
    );
    return 1;
  }
  const { createRedis, waitReady } = await import("./adapters/redis/connect.ts");
  const { RedisFaqLog } = await import("./adapters/redis/faq-log.ts");
  const { formatGaps } = await import("./core/faq-gap.ts");
  const redis = createRedis(url);
  try {
    await waitReady(redis);
    const gaps = await new RedisFaqLog(redis).gaps(Number(option("limit") ?? 50));
    print(json ? gaps : formatGaps(gaps));
    return 0;
  } finally {
    redis.disconnect();
  }
}

async function poster(query: string): Promise<number> {
  const bot = option("bot")?.replace(/^@/, "");
  if (query.trim().length === 0 || bot === undefined || !/^[A-Za-z0-9_]{5,32}$/.test(bot)) {
    process.stderr.write(
      "Pemakaian: npm run pandu -- poster <nama instansi> --bot <username bot> [--out poster.png]\n",
    );
    return 2;
  }
  const { loadDirectory } = await import("./directory/load.ts");
  const { startLink } = await import("./core/deep-link.ts");
  const { posterPng } = await import("./adapters/poster.ts");
  const directory = await loadDirectory({ dataFile: "flows/data/instansi.yaml" });
  const hit = directory.search(query, 1)[0];
  if (hit === undefined) {
    process.stderr.write(`Instansi "${query}" tidak ditemukan di direktori.\n`);
    return 1;
  }
  const out = option("out") ?? `poster-${hit.id.replace(/\./g, "_")}.png`;
  await writeFile(out, posterPng({ link: startLink(bot, hit.id), office: hit.name }));
  print(
    json
      ? { instansi: hit.id, name: hit.name, link: startLink(bot, hit.id), file: out }
      : `✓ ${out}: ${hit.name} → ${startLink(bot, hit.id)}`,
  );
  return 0;
}

async function db(command: "migrate" | "status"): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === "") {
    process.stderr.write("DATABASE_URL belum diisi (mis. postgres://pandu:rahasia@127.0.0.1:5432/pandu).\n");
    return 1;
  }
  const { migrate, migrationStatus } = await import("./adapters/postgres/migrate.ts");
  const dir = option("dir") ?? "migrations";
  if (command === "migrate") {
    const applied = await migrate({ databaseUrl: url, dir });
    print(
      json
        ? { applied }
        : applied.length > 0
          ? `✓ diterapkan: ${applied.join(", ")}`
          : "✓ basis data sudah mutakhir.",
    );
    return 0;
  }
  const status = await migrationStatus({ databaseUrl: url, dir });
  if (json) print(status);
  else
    print(
      [
        ...status.applied.map((m) => `✓ ${m.name}  (${m.at.toISOString()})`),
        ...status.pending.map((name) => `… ${name}  (belum diterapkan)`),
      ].join("\n") || "Belum ada migrasi.",
    );
  return status.pending.length > 0 ? 3 : 0;
}

async function flowsCheck(dir: string): Promise<number> {
  const { loadFaq } = await import("./faq/load.ts");
  const { loadDirectory } = await import("./directory/load.ts");
  const { flows, problems } = await checkFlowDir(dir);
  const all: FlowProblem[] = [...problems];
  const faqResult = await loadFaq(`${dir}/faq`).catch((err: Error) => ({
    entries: [],
    problems: [err.message],
  }));
  for (const message of faqResult.problems) all.push({ file: `${dir}/faq`, message });
  if (flows !== undefined) {
    for (const entry of faqResult.entries) {
      if (entry.flow !== undefined && !flows.states.has(entry.flow)) {
        all.push({ file: `${dir}/faq`, message: `entri '${entry.id}': flow '${entry.flow}' tidak ada` });
      }
    }
  }
  const dated: DatedFact[] = [
    ...(flows === undefined ? [] : flowFacts(flows)),
    ...faqFacts(`${dir}/faq`, faqResult.entries),
  ];
  for (const fact of futureFacts(dated, todayIso())) {
    all.push({
      file: fact.where,
      message: `'checked: ${fact.checked}' ada di masa depan (hari ini ${todayIso()})`,
    });
  }
  await loadDirectory({ dataFile: `${dir}/data/instansi.yaml` }).catch((err: Error) =>
    all.push({ file: `${dir}/data/instansi.yaml`, message: err.message }),
  );
  if (all.length > 0) {
    process.stderr.write(`${formatProblems(all)}\n\n${all.length} masalah ditemukan.\n`);
    return 1;
  }
  const stateCount = flows === undefined ? 0 : flows.states.size;
  print(
    `✓ ${flows?.flows.size ?? 0} flow, ${stateCount} state, ${faqResult.entries.length} entri FAQ: tidak ada masalah.`,
  );
  return 0;
}

function faqFacts(dir: string, entries: { id: string; sources: string[]; checked: string }[]): DatedFact[] {
  return entries.map((e) => ({ where: `${dir} › ${e.id}`, sources: e.sources, checked: e.checked }));
}

/** Lists the facts not checked for more than `days` days; exit 1 when there are any. */
async function contentStale(dir: string, daysArg: string | undefined): Promise<number> {
  const days = Number(daysArg);
  if (daysArg === undefined || !Number.isInteger(days) || days < 0) {
    process.stderr.write("Pemakaian: npm run pandu -- content stale --days <N> [--json]\n");
    return 2;
  }
  const { loadFaq } = await import("./faq/load.ts");
  const { flows, problems } = await checkFlowDir(dir);
  const faq = await loadFaq(`${dir}/faq`);
  if (flows === undefined || faq.problems.length > 0) {
    process.stderr.write(
      `${formatProblems([...problems, ...faq.problems.map((message) => ({ file: `${dir}/faq`, message }))])}\n`,
    );
    return 2;
  }
  const facts = [...flowFacts(flows), ...faqFacts(`${dir}/faq`, faq.entries)];
  const stale = staleFacts(facts, todayIso(), days);
  if (json) print({ today: todayIso(), days, facts: facts.length, stale });
  else if (stale.length === 0)
    print(`✓ ${facts.length} fakta, semuanya dicek dalam ${days} hari terakhir (hari ini ${todayIso()}).`);
  else
    print(
      [
        ...stale.map(
          (f) =>
            `${f.checked}  ${String(f.age).padStart(4)} hari  ${f.where}\n      ${f.sources.join(" · ")}`,
        ),
        "",
        `${stale.length} dari ${facts.length} fakta belum dicek lebih dari ${days} hari (hari ini ${todayIso()}).`,
      ].join("\n"),
    );
  return stale.length === 0 ? 0 : 1;
}

async function flowsGraph(dir: string): Promise<number> {
  const { flows, problems } = await checkFlowDir(dir);
  if (flows === undefined) {
    process.stderr.write(`${formatProblems(problems)}\n`);
    return 1;
  }
  print(flowsToMermaid(flows));
  return 0;
}

export function flowJsonSchema(): unknown {
  return z.toJSONSchema(Flow, { io: "input", unrepresentable: "any" });
}

async function flowsSchema(write: boolean): Promise<number> {
  const text = `${JSON.stringify(flowJsonSchema(), null, 2)}\n`;
  if (write) await writeFile("flows/flow.schema.json", text);
  else process.stdout.write(text);
  return 0;
}

process.exitCode = await main();
