import { z } from "zod";
import { type CaseType, CaseTypesFile } from "../desk/case.ts";
import { nearest } from "../text/text.ts";
import { PasswordPolicy } from "../validate/password.ts";
import { Flow, Id, type Intent, type Next, State, type Text } from "./schema.ts";

const FlowShell = Flow.extend({ states: z.record(z.string(), z.unknown()) });

/** Entry points the engine itself relies on. */
export const MENU_KEY = "menu/mulai";
export const PRIVACY_KEY = "menu/privasi";
/** "Talk to a person" without an open case; with one, the waiting room. */
export const HUMAN_KEY = "kasus/mulai";
export const CASE_ROOM_KEY = "kasus/menunggu";
export const CASE_COMMENT_KEY = "kasus/komentar";
/** States the engine enters by itself (commands, intents, desk buttons): required, and roots for reachability. */
const ENGINE_KEYS = [MENU_KEY, PRIVACY_KEY, HUMAN_KEY, CASE_ROOM_KEY, CASE_COMMENT_KEY];

export const INPUT_KINDS = ["nip", "email", "text", "instansi", "password", "relay", "feedback"] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

/** Placeholders a text may use; `kebijakan` takes a policy id argument. */
export const VIEWS = [
  "nip",
  "nip_arti",
  "jenis",
  "instansi",
  "kontak",
  "kebijakan",
  "var",
  "ringkasan",
] as const;
export type ViewName = (typeof VIEWS)[number];

export type Guard =
  | { kind: "eq" | "ne"; name: string; value: string }
  | { kind: "gte"; name: string; n: number }
  | { kind: "has"; name: string };

export interface CompiledBranch {
  guard?: Guard;
  /** "flow/state" */
  to: string;
}

export interface CompiledButton {
  label: Text;
  next?: CompiledBranch[];
  url?: string;
  intent?: Intent;
  set?: Record<string, string>;
  count?: string;
  /** Minutes between counted presses of `count`; a sooner press is not counted and goes to `early`. */
  countEvery?: number;
  early?: CompiledBranch[];
  /** Shown only when this holds. */
  show?: Guard;
  /** Case type to open, or "$var" naming the variable that holds it. */
  open?: string;
  act?: "cancel-case" | "case-status";
}

export interface CompiledInput {
  kind: InputKind;
  policy?: string;
  save?: string;
  set?: Record<string, string>;
  next: CompiledBranch[];
  maxFails: number;
}

export interface CompiledState {
  flow: string;
  id: string;
  /** "flow/state" */
  key: string;
  /** Short hash of the state's definition: buttons of an edited state are told apart as stale. */
  hash: string;
  say: Text;
  help?: Text;
  end?: "success" | "handoff";
  nav: boolean;
  columns: number;
  buttons: CompiledButton[];
  input?: CompiledInput;
  /** Where the facts of this state's texts come from, and when they were last checked. */
  provenance: Provenance;
}

/** Sources and last-checked date of a text; `fact: false` when it states no fact. */
export interface Provenance {
  sources?: string[];
  checked?: string;
  fact: boolean;
}

export interface CompiledFlow {
  id: string;
  file: string;
  title: Text;
  start: string;
  help?: Text;
  /** Provenance of the flow's own `help` text. */
  provenance: Provenance;
  states: Map<string, CompiledState>;
}

/** Everything the engine needs from `flows/`, checked and indexed once. */
export interface CompiledFlows {
  flows: Map<string, CompiledFlow>;
  /** Every state by "flow/state". */
  states: Map<string, CompiledState>;
  policies: Map<string, PasswordPolicy>;
  cases: Map<string, CaseType>;
}

export interface FlowProblem {
  file: string;
  state?: string;
  message: string;
}

export type CompileResult = { ok: true; flows: CompiledFlows } | { ok: false; problems: FlowProblem[] };

export interface FlowSource {
  /** Path shown in messages, e.g. "flows/aktivasi.yaml". */
  file: string;
  data: unknown;
}

const CALLBACK_MAX = 64;

/**
 * Checks and compiles raw flow files (already parsed from YAML) and password
 * policies. Collects every problem instead of stopping at the first. Pure.
 */
export function compileFlows(
  sources: FlowSource[],
  policySource: FlowSource,
  caseSource?: FlowSource,
): CompileResult {
  const problems: FlowProblem[] = [];
  const policies = parsePolicies(policySource, problems);
  const cases = parseCases(caseSource, problems);
  const parsed: { file: string; flow: Flow }[] = [];

  for (const source of sources) {
    // Parse the shell first and each state on its own, so one bad state does not hide the others' problems.
    const shell = FlowShell.safeParse(source.data);
    if (!shell.success) {
      for (const issue of shell.error.issues) problems.push(issueToProblem(source.file, issue));
      continue;
    }
    const states: Record<string, State> = {};
    for (const [id, raw] of Object.entries(shell.data.states)) {
      const idCheck = Id.safeParse(id);
      const state = State.safeParse(raw);
      if (!idCheck.success)
        problems.push({ file: source.file, state: id, message: idCheck.error.issues[0]!.message });
      if (state.success) states[id] = state.data;
      else
        for (const issue of state.error.issues)
          problems.push(issueToProblem(source.file, { ...issue, path: ["states", id, ...issue.path] }));
    }
    const flow: Flow = { ...shell.data, states };
    const expected = baseName(source.file);
    if (expected !== undefined && expected !== flow.id) {
      problems.push({
        file: source.file,
        message: `id '${flow.id}' harus sama dengan nama file '${expected}'`,
      });
    }
    if (parsed.some((p) => p.flow.id === flow.id)) {
      problems.push({ file: source.file, message: `flow '${flow.id}' sudah didefinisikan di file lain` });
      continue;
    }
    parsed.push({ file: source.file, flow });
  }

  const flows = new Map<string, CompiledFlow>();
  const states = new Map<string, CompiledState>();
  for (const { file, flow } of parsed) {
    const compiled: CompiledFlow = {
      id: flow.id,
      file,
      title: flow.title,
      start: flow.start,
      help: flow.help,
      provenance: provenanceOf(flow),
      states: new Map(),
    };
    for (const [id, state] of Object.entries(flow.states)) {
      const cs = compileState(flow, id, state, file, policies, cases, problems);
      compiled.states.set(id, cs);
      states.set(cs.key, cs);
    }
    if (flow.help !== undefined) {
      for (const message of provenanceProblems(compiled.provenance, "'help' flow")) {
        problems.push({ file, message });
      }
    }
    if (!compiled.states.has(flow.start)) {
      problems.push({
        file,
        message: `start '${flow.start}' tidak ada. State yang ada: ${choices([...compiled.states.keys()])}`,
      });
    }
    flows.set(flow.id, compiled);
  }

  checkTargets(flows, states, problems);
  for (const type of cases.values()) {
    if (!states.has(type.returnTo)) {
      problems.push({
        file: caseSource?.file ?? "cases",
        message: `jenis '${type.id}': returnTo '${type.returnTo}' tidak ada`,
      });
    }
  }
  checkReachable(flows, states, problems);
  for (const key of ENGINE_KEYS) {
    if (!states.has(key)) problems.push({ file: "flows/", message: `state wajib '${key}' tidak ada` });
  }

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, flows: { flows, states, policies, cases } };
}

/** One line per problem: "flows/x.yaml › state 'nip': message". */
export function formatProblems(problems: FlowProblem[]): string {
  return problems
    .map((p) => `${p.file}${p.state === undefined ? "" : ` › state '${p.state}'`}: ${p.message}`)
    .join("\n");
}

function parsePolicies(source: FlowSource, problems: FlowProblem[]): Map<string, PasswordPolicy> {
  const file = z.strictObject({ policies: z.array(PasswordPolicy).min(1) });
  const result = file.safeParse(source.data);
  const map = new Map<string, PasswordPolicy>();
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(issueToProblem(source.file, issue));
    return map;
  }
  for (const policy of result.data.policies) {
    if (map.has(policy.id)) problems.push({ file: source.file, message: `kebijakan '${policy.id}' ganda` });
    map.set(policy.id, policy);
  }
  return map;
}

function parseCases(source: FlowSource | undefined, problems: FlowProblem[]): Map<string, CaseType> {
  const map = new Map<string, CaseType>();
  if (source === undefined) return map;
  const result = CaseTypesFile.safeParse(source.data);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(issueToProblem(source.file, issue));
    return map;
  }
  for (const type of result.data.types) {
    if (map.has(type.id)) problems.push({ file: source.file, message: `jenis kasus '${type.id}' ganda` });
    for (const key of type.required) {
      if (type.fields[key] === undefined)
        problems.push({ file: source.file, message: `jenis '${type.id}': required '${key}' bukan field` });
    }
    map.set(type.id, type);
  }
  return map;
}

function issueToProblem(file: string, issue: z.core.$ZodIssue): FlowProblem {
  const path = issue.path.map(String);
  const stateAt = path[0] === "states" ? path[1] : undefined;
  const rest = stateAt === undefined ? path : path.slice(2);
  const where = rest.length > 0 ? `${rest.join(".")}: ` : "";
  let message = issue.message;
  if (issue.code === "unrecognized_keys") {
    message = `kunci tidak dikenal ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
  } else if (issue.code === "invalid_value" && "values" in issue) {
    message = `${issue.message}. Pilihan yang sah: ${issue.values.map(String).join(", ")}`;
  }
  return { file, state: stateAt, message: `${where}${message}` };
}

function compileState(
  flow: Flow,
  id: string,
  state: State,
  file: string,
  policies: Map<string, PasswordPolicy>,
  cases: Map<string, CaseType>,
  problems: FlowProblem[],
): CompiledState {
  const at = (message: string) => problems.push({ file, state: id, message });
  const key = `${flow.id}/${id}`;
  for (const message of provenanceProblems(provenanceOf(state), "teks")) at(message);

  for (const [where, text] of textsOf(state)) checkText(text, where, policies, at);

  const buttons: CompiledButton[] = (state.buttons ?? []).map((b, i) => {
    const label = `tombol ${i + 1}`;
    const show = b.if === undefined ? undefined : parseGuard(b.if);
    if (b.open !== undefined && !b.open.startsWith("$") && !cases.has(b.open)) {
      at(`${label}: jenis kasus '${b.open}' tidak dikenal. Pilihan yang sah: ${choices([...cases.keys()])}`);
    }
    if (b.if !== undefined && show === undefined) at(`${label}: syarat '${b.if}' tidak sah. ${GUARD_FORMS}`);
    // the time of the last counted press is kept under "<count>@" (a session key is at most 32 characters)
    if (b.countEvery !== undefined && (b.count?.length ?? 0) > 31)
      at(`${label}: nama hitungan '${b.count}' terlalu panjang untuk countEvery (maks. 31 karakter)`);
    return {
      show,
      label: b.label,
      next: b.to === undefined ? undefined : compileNext(flow.id, b.to, label, at),
      url: b.url,
      intent: b.intent,
      set: b.set,
      count: b.count,
      countEvery: b.countEvery,
      early: b.early === undefined ? undefined : compileNext(flow.id, b.early, `${label} (early)`, at),
      open: b.open,
      act: b.act,
    };
  });

  let input: CompiledInput | undefined;
  if (state.input !== undefined) {
    const [kind, policy] = state.input.type.split(":", 2);
    if (!(INPUT_KINDS as readonly string[]).includes(kind ?? "")) {
      at(
        `validator '${state.input.type}' tidak dikenal. Pilihan yang sah: nip, email, text, instansi, password:<kebijakan> (kebijakan: ${choices([...policies.keys()])})`,
      );
    } else if (kind === "password") {
      if (policy === undefined || !policies.has(policy)) {
        at(
          `kebijakan password '${policy ?? ""}' tidak dikenal. Pilihan yang sah: ${choices([...policies.keys()])}`,
        );
      }
      if (state.input.save !== undefined)
        at("input password tidak boleh memakai 'save': password tidak pernah disimpan");
    } else if (policy !== undefined) {
      at(`validator '${kind}' tidak menerima argumen ':${policy}'`);
    }
    input = {
      kind: (kind ?? "text") as InputKind,
      policy,
      save: state.input.save,
      set: state.input.set,
      next: compileNext(flow.id, state.input.to, "input", at),
      maxFails: state.input.maxFails ?? flow.maxFails,
    };
  }

  const nav = state.nav ?? true;
  if (!nav && buttons.length === 0 && input === undefined) {
    at("jalan buntu: tidak ada tombol, input, atau baris Kembali/Menu (nav: false)");
  }

  // Sources and dates are left out: re-checking a fact must not expire the buttons users hold.
  const { sources: _sources, checked: _checked, fact: _fact, ...shape } = state;
  const hash = (fnv1a(JSON.stringify(shape)) % 36 ** 4).toString(36).padStart(4, "0");
  const longest = Math.max(0, ...buttons.map((_, i) => `b|${key.replace("/", "|")}|${i}|${hash}`.length));
  if (longest > CALLBACK_MAX)
    at(`id flow + state terlalu panjang untuk callback data (${longest} > ${CALLBACK_MAX})`);

  return {
    flow: flow.id,
    id,
    key,
    hash,
    say: state.say,
    help: state.help,
    end: state.end,
    nav,
    columns: state.columns ?? 1,
    buttons,
    input,
    provenance: provenanceOf(state),
  };
}

/**
 * The rule for stated facts: a text states a fact (about BKN, the accounts, the rules, the
 * offices: things that go out of date outside Pandu) unless it is marked `fact: false`, and a
 * fact needs its public sources and the date they were last checked.
 */
function provenanceProblems(p: Provenance, subject: string): string[] {
  const missing = [p.sources === undefined ? "'sources'" : "", p.checked === undefined ? "'checked'" : ""]
    .filter((x) => x !== "")
    .join(" dan ");
  if (p.fact && missing !== "") {
    return [
      `${subject} menyatakan fakta tanpa ${missing}: tambahkan sumber publik (../shared/domain.md) dan tanggal terakhir dicek (YYYY-MM-DD), atau 'fact: false' bila teks hanya bertanya, memberi pilihan, atau tentang Pandu sendiri`,
    ];
  }
  if (!p.fact && (p.sources !== undefined || p.checked !== undefined)) {
    return ["'fact: false' tidak memakai 'sources' atau 'checked': hapus salah satunya"];
  }
  return [];
}

function provenanceOf(item: { sources?: string[]; checked?: string; fact?: false }): Provenance {
  return {
    ...(item.sources !== undefined ? { sources: item.sources } : {}),
    ...(item.checked !== undefined ? { checked: item.checked } : {}),
    fact: item.fact !== false,
  };
}

function* textsOf(state: State): Generator<[string, Text]> {
  yield ["say", state.say];
  if (state.help !== undefined) yield ["help", state.help];
  for (const [i, b] of (state.buttons ?? []).entries()) yield [`tombol ${i + 1}`, b.label];
}

const PLACEHOLDER = /\{([a-z_]+)(?::([a-z0-9-]+))?\}/g;

function checkText(
  text: Text,
  where: string,
  policies: Map<string, PasswordPolicy>,
  at: (m: string) => void,
) {
  const variants = typeof text === "string" ? [text] : Object.values(text);
  for (const variant of variants) {
    if (variant.trim().length === 0) at(`${where}: teks kosong`);
    for (const match of variant.matchAll(PLACEHOLDER)) {
      const [, name, arg] = match;
      if (!(VIEWS as readonly string[]).includes(name ?? "")) {
        at(`${where}: placeholder '{${name}}' tidak dikenal. Pilihan yang sah: ${VIEWS.join(", ")}`);
      } else if (name === "var" && arg === undefined) {
        at(`${where}: '{var:<nama>}' butuh nama variabel`);
      } else if (name === "kebijakan" && (arg === undefined || !policies.has(arg))) {
        at(`${where}: '{kebijakan:${arg ?? ""}}' butuh kebijakan yang ada: ${choices([...policies.keys()])}`);
      }
    }
  }
}

const GUARD_FORMS = "Bentuk yang sah: 'var=nilai', 'var!=nilai', 'hitungan>=n', 'has:var'";
const GUARD = /^(?:has:([a-z0-9-]+)|([a-z0-9-]+)(!=|=|>=)([A-Za-z0-9-]+))$/;

/** Parses "var=value", "var!=value", "counter>=n", "has:var". */
export function parseGuard(text: string): Guard | undefined {
  const m = GUARD.exec(text.trim());
  if (m === null) return undefined;
  if (m[1] !== undefined) return { kind: "has", name: m[1] };
  const [, , name = "", op, value = ""] = m;
  if (op === ">=") {
    const n = Number(value);
    return Number.isInteger(n) ? { kind: "gte", name, n } : undefined;
  }
  return { kind: op === "=" ? "eq" : "ne", name, value };
}

function compileNext(flowId: string, next: Next, where: string, at: (m: string) => void): CompiledBranch[] {
  const branches = typeof next === "string" ? [{ to: next }] : next;
  return branches.map((b, i) => {
    const to = b.to.includes("/") || b.to.startsWith("$") ? b.to : `${flowId}/${b.to}`;
    if (b.if === undefined) {
      if (typeof next !== "string" && i < branches.length - 1)
        at(`${where}: hanya cabang terakhir boleh tanpa 'if'`);
      return { to };
    }
    const guard = parseGuard(b.if);
    if (guard === undefined) {
      at(`${where}: syarat '${b.if}' tidak sah. ${GUARD_FORMS}`);
    }
    return { to, guard };
  });
}

function targetsOf(state: CompiledState): { to: string; where: string }[] {
  const out: { to: string; where: string }[] = [];
  state.buttons.forEach((b, i) => {
    for (const br of [...(b.next ?? []), ...(b.early ?? [])])
      out.push({ to: br.to, where: `tombol ${i + 1}` });
  });
  for (const br of state.input?.next ?? []) out.push({ to: br.to, where: "input" });
  return out;
}

function checkTargets(
  flows: Map<string, CompiledFlow>,
  states: Map<string, CompiledState>,
  problems: FlowProblem[],
) {
  for (const state of states.values()) {
    const file = flows.get(state.flow)?.file ?? state.flow;
    for (const { to, where } of targetsOf(state)) {
      if (states.has(to) || to.startsWith("$")) continue;
      const [flowId = "", stateId = ""] = to.split("/");
      const flow = flows.get(flowId);
      const message =
        flow === undefined
          ? `${where} menuju flow '${flowId}' yang tidak ada. Flow yang ada: ${choices([...flows.keys()])}`
          : `${where} menuju '${to}' yang tidak ada.${suggest(stateId, [...flow.states.keys()])} State di '${flowId}': ${choices([...flow.states.keys()])}`;
      problems.push({ file, state: state.id, message });
    }
  }
}

function checkReachable(
  flows: Map<string, CompiledFlow>,
  states: Map<string, CompiledState>,
  problems: FlowProblem[],
) {
  const seen = new Set<string>();
  // Roots: every flow's start, and the states the engine itself enters.
  const roots = [...[...flows.values()].map((f) => `${f.id}/${f.start}`), ...ENGINE_KEYS];
  const queue = roots.filter((k) => states.has(k));
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const { to } of targetsOf(states.get(key)!)) if (states.has(to) && !seen.has(to)) queue.push(to);
  }
  for (const state of states.values()) {
    if (seen.has(state.key)) continue;
    const file = flows.get(state.flow)?.file ?? state.flow;
    problems.push({ file, state: state.id, message: "tidak terjangkau dari start flow mana pun" });
  }
}

function choices(items: string[]): string {
  if (items.length === 0) return "(tidak ada)";
  const shown = items.slice(0, 40).join(", ");
  return items.length > 40 ? `${shown}, … (${items.length} total)` : shown;
}

function suggest(wrong: string, options: string[]): string {
  const found = nearest(wrong, options);
  return found !== undefined && found.distance <= Math.max(2, wrong.length / 3)
    ? ` Maksudnya '${found.value}'?`
    : "";
}

function baseName(file: string): string | undefined {
  const m = /([^/\\]+)\.ya?ml$/.exec(file);
  return m?.[1];
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
