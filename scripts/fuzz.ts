/**
 * Fuzzes the real grammY bot with random Telegram updates (test/fuzz/).
 *
 *   npm run fuzz                                   # 100,000 updates, random base seed
 *   npm run fuzz -- --updates 20000 --seed 42      # sequences 42, 43, … (500 updates each)
 *   npm run fuzz -- --seed 1234 --sequences 1      # replay one sequence exactly
 *   npm run fuzz -- --replay counterexample.json   # replay a printed/saved scenario
 *
 * Options: --per N (updates per sequence, 500), --shrink-ms N (budget per
 * counterexample, 60000), --strict (known issues fail too), --shrink-known
 * (shrink known issues as well), --save DIR (write shrunk scenarios as JSON),
 * --quiet (no line per sequence).
 *
 * Exits 1 when a property is violated (known issues of KNOWN_ISSUES only with --strict).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadWorld } from "../src/app/world.ts";
import { type Scenario, scenarioFor } from "../test/fuzz/arbitraries.ts";
import {
  abbreviate,
  formatViolation,
  IGNORE_LIST,
  KNOWN_ISSUES,
  runScenario,
  type Shrunk,
  shrinkScenario,
  type Violation,
} from "../test/fuzz/properties.ts";

interface Args {
  updates: number;
  per: number;
  seed: number;
  sequences?: number;
  shrinkMs: number;
  strict: boolean;
  shrinkKnown: boolean;
  save?: string;
  replay?: string;
  quiet: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    updates: 100_000,
    per: 500,
    seed: Date.now() % 2_147_483_647,
    shrinkMs: 60_000,
    strict: false,
    shrinkKnown: false,
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = () => {
      const n = Number(value());
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} needs a whole number`);
      return n;
    };
    if (flag === "--updates") args.updates = int();
    else if (flag === "--per") args.per = Math.max(1, int());
    else if (flag === "--seed") args.seed = int();
    else if (flag === "--sequences") args.sequences = int();
    else if (flag === "--shrink-ms") args.shrinkMs = int();
    else if (flag === "--strict") args.strict = true;
    else if (flag === "--shrink-known") args.shrinkKnown = true;
    else if (flag === "--save") args.save = value();
    else if (flag === "--replay") args.replay = value();
    else if (flag === "--quiet") args.quiet = true;
    else throw new Error(`unknown option ${flag} (see the comment at the top of scripts/fuzz.ts)`);
  }
  return args;
}

const add = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};
const fmt = (n: number) => n.toLocaleString("en-US");
const table = (rec: Record<string, number>) =>
  Object.entries(rec)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(" · ");

function printScenario(label: string, scenario: Scenario): void {
  const full = JSON.stringify(scenario);
  if (full.length <= 2_000) console.log(`${label} (replay: save as JSON, then --replay FILE):\n${full}`);
  else
    console.log(
      `${label} (long strings abbreviated; use --save DIR for the exact JSON):\n${JSON.stringify(abbreviate(scenario, 200))}`,
    );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const world = await loadWorld();

  if (args.replay !== undefined) {
    const scenario = JSON.parse(readFileSync(args.replay, "utf8")) as Scenario;
    const result = await runScenario(world, scenario, {});
    console.log(`replayed ${args.replay}: ${result.stats.updates} updates`);
    for (const v of result.violations) console.log(formatViolation(v));
    process.exit(result.violations.some((v) => args.strict || v.known === undefined) ? 1 : 0);
  }

  // Without --sequences: as many sequences as it takes to reach --updates random updates.
  console.log(
    args.sequences !== undefined
      ? `fuzz: ${fmt(args.sequences)} sequence(s) × ${args.per} actions from seed ${args.seed}`
      : `fuzz: ≥ ${fmt(args.updates)} random updates in sequences of ${args.per} actions from seed ${args.seed}`,
  );
  const started = performance.now();
  const total = {
    updates: 0,
    setup: 0,
    answered: 0,
    free: 0,
    apiCalls: 0,
    outboxSent: 0,
    cases: 0,
    byKind: {} as Record<string, number>,
    ignored: {} as Record<string, number>,
    caseSaves: {} as Record<string, number>,
    audits: {} as Record<string, number>,
    skipped: 0,
    erasures: 0,
    counts: {} as Record<string, number>,
    states: new Set<string>(),
  };
  /** First occurrence of each violation code: its seed and scenario. */
  const firsts = new Map<string, { seed: number; scenario: Scenario; violation: Violation }>();

  let sequences = 0;
  const more = () =>
    args.sequences !== undefined ? sequences < args.sequences : total.updates - total.setup < args.updates;
  while (more()) {
    const seed = args.seed + sequences++;
    const scenario = scenarioFor(world, seed, args.per);
    const t0 = performance.now();
    const result = await runScenario(world, scenario, {});
    const s = result.stats;
    total.updates += s.updates;
    total.setup += s.setupUpdates;
    total.answered += s.answered;
    total.free += s.free;
    total.apiCalls += s.apiCalls;
    total.outboxSent += s.outboxSent;
    total.cases += s.casesOpened;
    add(total.byKind, s.byKind);
    add(total.ignored, s.ignored);
    add(total.caseSaves, s.caseSaves);
    add(total.audits, s.audits);
    total.skipped += s.skipped;
    total.erasures += s.erasures;
    add(total.counts, result.counts);
    for (const st of s.statesReached) total.states.add(st);
    for (const v of result.violations)
      if (!firsts.has(v.code)) firsts.set(v.code, { seed, scenario, violation: v });
    if (!args.quiet) {
      const ignored = Object.values(s.ignored).reduce((a, b) => a + b, 0);
      const found = Object.entries(result.counts)
        .map(([k, n]) => `${k}×${n}`)
        .join(" ");
      console.log(
        `seed=${seed} updates=${s.updates} answered=${s.answered} ignored=${ignored} calls=${s.apiCalls} cases=${s.casesOpened} ms=${Math.round(performance.now() - t0)}${found ? ` violations: ${found}` : ""}`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;

  const ignoredTotal = Object.values(total.ignored).reduce((a, b) => a + b, 0);
  const allStates = [...world.flows.states.keys()];
  console.log("\n=== summary ===");
  console.log(
    `updates ${fmt(total.updates - total.setup)} random + ${fmt(total.setup)} scripted setup in ${seconds.toFixed(1)} s (${fmt(Math.round(total.updates / seconds))} updates/s), ${sequences} sequences, seeds ${args.seed}..${args.seed + sequences - 1}`,
  );
  console.log(`by kind: ${table(total.byKind)}`);
  console.log(
    `answered ${fmt(total.answered)} · ignored ${fmt(ignoredTotal)} (${table(total.ignored)}) · no expectation (group chatter, staff replies) ${fmt(total.free)}`,
  );
  console.log(
    `API calls ${fmt(total.apiCalls)} · outbox deliveries ${fmt(total.outboxSent)} · cases ${fmt(total.cases)} · case saves: ${table(total.caseSaves)}`,
  );
  console.log(`desk and HR network actions (audit rows by kind): ${table(total.audits)}`);
  console.log(
    `erasures scanned ${fmt(total.erasures)} · actions skipped (a group the bot is not in) ${fmt(total.skipped)}`,
  );
  const missing = allStates.filter((k) => !total.states.has(k));
  console.log(
    `flow states reached ${total.states.size}/${allStates.length}${missing.length > 0 ? ` (never: ${missing.join(", ")})` : ""}`,
  );
  console.log("ignore list:");
  for (const [reason, why] of Object.entries(IGNORE_LIST)) console.log(`  ${reason}: ${why}`);

  const fresh = [...firsts.entries()].filter(([, f]) => f.violation.known === undefined);
  const known = [...firsts.entries()].filter(([, f]) => f.violation.known !== undefined);
  console.log(
    `\nviolations: ${fresh.length === 0 ? "none new" : `${fresh.length} new`}; known issues seen: ${known.length}`,
  );
  for (const [code, f] of [...fresh, ...known]) {
    const issue = KNOWN_ISSUES.find((k) => k.id === f.violation.known);
    console.log(
      `  ${code} ×${fmt(total.counts[code] ?? 0)} first at seed=${f.seed}${issue ? ` — ${issue.summary}` : ""}`,
    );
  }

  const toShrink = [...fresh, ...(args.shrinkKnown || args.strict ? known : [])];
  for (const [code, f] of toShrink) {
    console.log(
      `\n--- ${code}: seed=${f.seed} updates=${args.per} (replay: npm run fuzz -- --seed ${f.seed} --per ${args.per} --sequences 1)`,
    );
    console.log(formatViolation(f.violation));
    const shrunk: Shrunk = await shrinkScenario(world, f.scenario, f.violation, args.shrinkMs);
    console.log(
      `shrunk in ${shrunk.runs} runs to ${shrunk.scenario.actions.length} action(s) (from ${f.violation.index + 1}):`,
    );
    console.log(formatViolation(shrunk.violation));
    printScenario("counterexample", shrunk.scenario);
    if (args.save !== undefined) {
      mkdirSync(args.save, { recursive: true });
      const file = join(args.save, `fuzz-${code.replace(/[^a-z0-9-]+/gi, "_")}-${f.seed}.json`);
      writeFileSync(file, `${JSON.stringify(shrunk.scenario, null, 2)}\n`);
      console.log(`saved ${file}`);
    }
  }
  const failed = fresh.length > 0 || (args.strict && known.length > 0);
  console.log(failed ? "\nFAILED" : "\nOK");
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
