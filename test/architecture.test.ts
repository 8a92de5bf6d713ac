/**
 * The shape of src/, as design.md draws it: no import circle, no import that
 * climbs back up the layers, and no channel in the core or the desk.
 *
 *   entry points (main, chat, cli) → app/ → adapters/ → turn.ts, intake.ts → desk/ → stores.ts → core/
 *
 * directory/, faq/, config.ts, logger.ts and version.ts sit beside stores.ts (they may use
 * core only). A plain reading of the import statements, no extra tool: the
 * rules are small and the graph is a few dozen files.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

type Graph = Map<string, { local: string[]; packages: string[] }>;

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Each file with the files it imports (relative to the repo) and the packages it uses. */
function graphOf(sources: { file: string; text: string }[]): Graph {
  const graph: Graph = new Map();
  for (const { file, text } of sources) {
    const local: string[] = [];
    const packages: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? "";
      if (spec.startsWith(".")) local.push(normalize(join(file, "..", spec)));
      else
        packages.push(
          spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : (spec.split("/")[0] ?? spec),
        );
    }
    graph.set(normalize(file), { local, packages });
  }
  return graph;
}

function importGraph(root: string): Graph {
  return graphOf(files(root).map((file) => ({ file, text: readFileSync(file, "utf8") })));
}

/** Import circles (strongly connected components of more than one file, or a file importing itself). */
function cycles(graph: Graph): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.local ?? []) {
      if (!graph.has(w)) continue;
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.local.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

/** The layer of a file under src/ (higher may import lower, never the other way). */
function layer(file: string): { rank: number; name: string } {
  const path = relative("src", file);
  const top = path.split("/")[0] ?? "";
  if (top === "core") return { rank: 0, name: "core" };
  if (["stores.ts", "config.ts", "logger.ts", "version.ts", "directory", "faq"].includes(top))
    return { rank: 1, name: top };
  if (top === "desk") return { rank: 2, name: "desk" };
  if (top === "turn.ts" || top === "intake.ts") return { rank: 3, name: "turn" };
  if (top === "adapters") return { rank: 4, name: "adapters" };
  if (top === "app") return { rank: 5, name: "app" };
  return { rank: 6, name: top }; // entry points: main.ts, chat.ts, cli.ts
}

const CHANNEL_PACKAGES = (p: string) => p === "grammy" || p.startsWith("@grammyjs/");

/** Every rule broken in `graph`, as readable lines. */
function violations(graph: Graph): string[] {
  const out: string[] = [];
  for (const [file, { local, packages }] of graph) {
    const from = layer(file);
    for (const target of local) {
      const to = layer(target);
      if (to.rank > from.rank)
        out.push(`${file} (${from.name}) imports ${target} (${to.name}): an import up the layers`);
      if (from.name === "core" && to.name !== "core") out.push(`${file}: core imports ${target}`);
      if (from.rank <= 2 && target.startsWith("src/adapters/"))
        out.push(`${file} imports an adapter: ${target}`);
    }
    if (from.name === "core") {
      for (const p of packages)
        if (p !== "zod") out.push(`${file}: core imports the package ${p} (only zod)`);
    }
    if (from.rank <= 3) {
      for (const p of packages)
        if (CHANNEL_PACKAGES(p)) out.push(`${file} imports ${p}: a channel in ${from.name}`);
    }
  }
  return out;
}

describe("architecture of src/", () => {
  const graph = importGraph("src");

  it("reads the whole tree", () => {
    expect(graph.size).toBeGreaterThan(40);
    expect(graph.get("src/turn.ts")?.local).toContain("src/core/flow/transition.ts");
  });

  it("has no import circle", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("keeps the layers: core is pure (zod only), the desk and the turn know no channel, nothing imports upwards", () => {
    expect(violations(graph)).toEqual([]);
  });

  it("the checks catch a circle, an upward import and a channel in the desk (they can fail)", () => {
    const fake: Record<string, string> = {
      "src/desk/desk.ts":
        'import { toKeyboard } from "../adapters/telegram/render.ts";\nimport { Bot } from "grammy";',
      "src/adapters/telegram/render.ts": 'import { Desk } from "../../desk/desk.ts";',
      "src/core/a.ts": 'import { x } from "./b.ts";\nimport pino from "pino";',
      "src/core/b.ts": 'import { y } from "./a.ts";',
    };
    const made = graphOf(Object.entries(fake).map(([file, text]) => ({ file, text })));
    expect(cycles(made).map((c) => c.join(" ↔ "))).toEqual([
      "src/adapters/telegram/render.ts ↔ src/desk/desk.ts",
      "src/core/a.ts ↔ src/core/b.ts",
    ]);
    const broken = violations(made).join("\n");
    expect(broken).toContain("src/desk/desk.ts (desk) imports src/adapters/telegram/render.ts (adapters)");
    expect(broken).toContain("src/desk/desk.ts imports grammy: a channel in desk");
    expect(broken).toContain("src/core/a.ts: core imports the package pino");
  });
});
