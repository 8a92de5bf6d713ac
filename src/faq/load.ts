/**
 * Loads the FAQ knowledge base: every *.yaml / *.yml file of a folder, each checked with zod.
 * Collects ALL problems (file, entry id, path, message) instead of stopping at the first,
 * and checks that ids are unique across files. Entries with problems are left out.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { FaqEntry } from "./schema.ts";

export interface FaqLoadResult {
  entries: FaqEntry[];
  problems: string[];
}

export async function loadFaq(dir = "flows/faq"): Promise<FaqLoadResult> {
  const problems: string[] = [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  } catch (err) {
    return { entries: [], problems: [`${dir}: folder tidak bisa dibaca (${(err as Error).message})`] };
  }
  if (names.length === 0) problems.push(`${dir}: tidak ada file FAQ (*.yaml)`);

  const entries: FaqEntry[] = [];
  const seen = new Map<string, string>(); // id → "file #index"
  for (const name of names) {
    const text = await readFile(join(dir, name), "utf8");
    problems.push(...parseFaqFile(name, text, entries, seen));
  }
  return { entries, problems };
}

/**
 * Checks one file's text; valid entries are appended to `into`, ids recorded in `seen`.
 * Returns the problems found. Exported for tests and editors' tooling.
 */
export function parseFaqFile(
  file: string,
  text: string,
  into: FaqEntry[] = [],
  seen: Map<string, string> = new Map(),
): string[] {
  const problems: string[] = [];
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push(`${file}: YAML tidak valid: ${oneLine(e.message)}`);
    return problems;
  }
  const data: unknown = doc.toJS();
  if (!isRecord(data)) return [`${file}: isi file harus objek { entries: [...] }`];
  for (const key of Object.keys(data)) {
    if (key !== "entries") problems.push(`${file}: kunci tidak dikenal "${key}" (hanya "entries")`);
  }
  const list = data.entries;
  if (!Array.isArray(list)) return [...problems, `${file}: "entries" harus berupa daftar`];
  if (list.length === 0) problems.push(`${file}: "entries" kosong`);

  list.forEach((raw, i) => {
    const label = isRecord(raw) && typeof raw.id === "string" ? raw.id : `#${i + 1}`;
    const parsed = FaqEntry.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(formatIssue(file, label, i, issue));
      return;
    }
    const where = `${file} #${i + 1}`;
    const prev = seen.get(parsed.data.id);
    if (prev !== undefined) {
      problems.push(`${file} › ${parsed.data.id}: id ganda (sudah dipakai di ${prev})`);
      return;
    }
    seen.set(parsed.data.id, where);
    into.push(parsed.data);
  });
  return problems;
}

function formatIssue(file: string, label: string, index: number, issue: z.core.$ZodIssue): string {
  const path = ["entries", index, ...issue.path].map((p) =>
    typeof p === "number" ? `[${p}]` : `.${String(p)}`,
  );
  return `${file} › ${label} › ${path.join("").replace(/^\./, "")}: ${oneLine(issue.message)}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
