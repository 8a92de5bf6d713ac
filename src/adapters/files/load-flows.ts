import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parse } from "yaml";
import {
  type CompiledFlows,
  compileFlows,
  type FlowProblem,
  type FlowSource,
  formatProblems,
} from "../../core/flow/compile.ts";

export const POLICY_FILE = "data/password-policies.yaml";
export const CASES_FILE = "data/cases.yaml";

/** Thrown at start-up when `flows/` has problems; the message lists every one. */
export class FlowLoadError extends Error {
  override readonly name = "FlowLoadError";
  constructor(readonly problems: FlowProblem[]) {
    super(`flows/ bermasalah (${problems.length}):\n${formatProblems(problems)}`);
  }
}

/** Reads one YAML file; a syntax error becomes a problem naming the file and line. */
export async function readYaml(path: string, shown: string, problems: FlowProblem[]): Promise<unknown> {
  const text = await readFile(path, "utf8");
  try {
    return parse(text, { prettyErrors: true });
  } catch (err) {
    problems.push({ file: shown, message: `YAML tidak sah: ${(err as Error).message.split("\n")[0]}` });
    return undefined;
  }
}

/** Reads and checks every flow (`<dir>/*.yaml`) and the password policies; collects all problems. */
export async function checkFlowDir(dir: string): Promise<{ flows?: CompiledFlows; problems: FlowProblem[] }> {
  const problems: FlowProblem[] = [];
  const shown = (name: string) => relative(process.cwd(), join(dir, name)) || name;
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const sources: FlowSource[] = [];
  for (const name of names) {
    const data = await readYaml(join(dir, name), shown(name), problems);
    if (data !== undefined) sources.push({ file: shown(name), data });
  }
  const policy: FlowSource = {
    file: shown(POLICY_FILE),
    data: await readYaml(join(dir, POLICY_FILE), shown(POLICY_FILE), problems).catch((err: Error) => {
      problems.push({ file: shown(POLICY_FILE), message: err.message });
      return undefined;
    }),
  };
  const cases: FlowSource = {
    file: shown(CASES_FILE),
    data: await readYaml(join(dir, CASES_FILE), shown(CASES_FILE), problems).catch((err: Error) => {
      problems.push({ file: shown(CASES_FILE), message: err.message });
      return undefined;
    }),
  };
  const result = compileFlows(sources, policy, cases);
  if (!result.ok) return { problems: [...problems, ...result.problems] };
  return problems.length > 0 ? { problems } : { flows: result.flows, problems };
}

/** Loads `flows/` or throws a FlowLoadError listing every problem. */
export async function loadFlows(dir = "flows"): Promise<CompiledFlows> {
  const { flows, problems } = await checkFlowDir(dir);
  if (flows === undefined) throw new FlowLoadError(problems);
  return flows;
}
