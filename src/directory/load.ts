/**
 * Loads the instansi directory: the 38 provinces and 514 kab/kota of
 * idn-area-data (codes and names under the Open Database License, by
 * fityannugroho) merged with the hand-curated flows/data/instansi.yaml.
 * Every problem in the files is collected and thrown as one Error.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { foldText, tokens } from "../core/text/fold.ts";
import { createDirectory, type Directory } from "./directory.ts";
import {
  type Central,
  type Contact,
  type Instansi,
  type InstansiFile,
  InstansiFileSchema,
  REGION_CODE,
  type RegionalOverride,
} from "./schema.ts";

export interface LoadDirectoryOptions {
  /** The curated YAML; default flows/data/instansi.yaml of this project. */
  dataFile?: string;
  /** Folder holding provinces.csv and regencies.csv; default the data folder of the installed idn-area-data. */
  areaDir?: string;
}

export interface DirectoryData {
  entries: Instansi[];
  /** Folded alias table from the YAML `aliases:` section. */
  aliases: Record<string, string>;
}

export const DEFAULT_DATA_FILE = fileURLToPath(new URL("../../flows/data/instansi.yaml", import.meta.url));

/** The data folder of the installed idn-area-data package (it has no `exports` map, so package.json resolves). */
export function defaultAreaDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("idn-area-data/package.json")), "data");
}

export async function loadDirectory(options: LoadDirectoryOptions = {}): Promise<Directory> {
  const data = await loadDirectoryData(options);
  return createDirectory(data.entries, { aliases: data.aliases });
}

interface Area {
  code: string;
  name: string;
  provinceCode?: string;
}

export async function loadDirectoryData(options: LoadDirectoryOptions = {}): Promise<DirectoryData> {
  const dataFile = options.dataFile ?? DEFAULT_DATA_FILE;
  const areaDir = options.areaDir ?? defaultAreaDir();
  const provincesFile = join(areaDir, "provinces.csv");
  const regenciesFile = join(areaDir, "regencies.csv");

  const [provincesCsv, regenciesCsv, yamlText] = await Promise.all([
    readFile(provincesFile, "utf8"),
    readFile(regenciesFile, "utf8"),
    readFile(dataFile, "utf8"),
  ]);

  const problems: string[] = [];
  const provinces = parseAreaCsv(provincesCsv, ["code", "name"], basename(provincesFile), problems);
  const regencies = parseAreaCsv(
    regenciesCsv,
    ["code", "province_code", "name"],
    basename(regenciesFile),
    problems,
  );
  if (problems.length > 0) throw directoryError(areaDir, problems);

  const file = parseInstansiFile(yamlText, problems);
  if (!file) throw directoryError(dataFile, problems);

  const entries = buildEntries(provinces, regencies, file, problems);
  const aliases = foldAliases(file, problems);
  if (problems.length > 0) throw directoryError(dataFile, problems);
  return { entries, aliases };
}

function directoryError(file: string, problems: string[]): Error {
  return new Error(
    `Direktori instansi: ${problems.length} masalah di ${file}:\n${problems.map((p) => `- ${p}`).join("\n")}`,
  );
}

/** Parses the YAML and validates it; undefined (with problems) when invalid. */
function parseInstansiFile(yamlText: string, problems: string[]): InstansiFile | undefined {
  const doc = parseDocument(yamlText, { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) problems.push(`YAML: ${error.message}`);
    return undefined;
  }
  const parsed = InstansiFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(formatIssue(issue));
    return undefined;
  }
  return parsed.data;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  let path = "";
  for (const key of issue.path) {
    if (typeof key === "number") path += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_][\w-]*$/.test(key)) path += path ? `.${key}` : key;
    else path += `[${JSON.stringify(String(key))}]`;
  }
  return `${path || "(akar file)"}: ${issue.message}`;
}

function parseAreaCsv(text: string, header: string[], file: string, problems: string[]): Area[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const head = splitCsvLine(lines[0] ?? "");
  if (head.join(",") !== header.join(",")) {
    problems.push(`${file}: header harus "${header.join(",")}", ditemukan "${head.join(",")}"`);
    return [];
  }
  const rows: Area[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === "") return;
    const cells = splitCsvLine(line);
    if (cells.length !== header.length) {
      problems.push(`${file} baris ${i + 2}: ${cells.length} kolom, seharusnya ${header.length}`);
      return;
    }
    const [code = "", second = "", third = ""] = cells;
    const area: Area =
      header.length === 2 ? { code, name: second } : { code, provinceCode: second, name: third };
    if (!REGION_CODE.test(area.code) || area.name.trim() === "") {
      problems.push(`${file} baris ${i + 2}: kode atau nama tidak valid: ${line}`);
      return;
    }
    rows.push(area);
  });
  return rows;
}

/** Splits one CSV line (RFC 4180 quoting). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else cell += ch;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

function toContact(contact: Contact | undefined): Instansi["contact"] {
  if (!contact) return undefined;
  const out: NonNullable<Instansi["contact"]> = {};
  for (const key of ["email", "phone", "website", "address", "helpdesk", "source"] as const) {
    if (contact[key] !== undefined) out[key] = contact[key];
  }
  return out;
}

/** Drops undefined optional fields so entries compare and print cleanly. */
function clean(entry: Instansi): Instansi {
  const out = { ...entry };
  for (const key of ["provinceId", "contact", "note", "mapsTo"] as const) {
    if (out[key] === undefined) delete out[key];
  }
  return out;
}

function buildEntries(
  provinces: Area[],
  regencies: Area[],
  file: InstansiFile,
  problems: string[],
): Instansi[] {
  const overrides = new Map<string, RegionalOverride>(Object.entries(file.regional));
  const areaCodes = new Set([...provinces, ...regencies].map((a) => a.code));
  const provinceCodes = new Set(provinces.map((p) => p.code));

  for (const [code, override] of overrides) {
    if (!areaCodes.has(code))
      problems.push(`regional["${code}"]: kode wilayah tidak dikenal di idn-area-data`);
    if (override.mapsTo !== undefined) {
      if (override.mapsTo === code)
        problems.push(`regional["${code}"].mapsTo: tidak boleh menunjuk dirinya sendiri`);
      else if (!areaCodes.has(override.mapsTo))
        problems.push(`regional["${code}"].mapsTo: kode "${override.mapsTo}" tidak dikenal`);
      else if (overrides.get(override.mapsTo)?.mapsTo !== undefined)
        problems.push(
          `regional["${code}"].mapsTo: "${override.mapsTo}" sendiri punya mapsTo (rantai tidak boleh)`,
        );
    }
  }

  const entries: Instansi[] = [];
  const byId = new Map<string, Instansi>();
  const add = (entry: Instansi): void => {
    if (byId.has(entry.id)) problems.push(`id ganda: "${entry.id}"`);
    if (/[:/|]/.test(entry.id)) problems.push(`id "${entry.id}" tidak boleh berisi ":", "/" atau "|"`);
    byId.set(entry.id, entry);
    entries.push(entry);
  };

  for (const p of provinces) {
    const o = overrides.get(p.code) ?? {};
    const name = o.name ?? `Provinsi ${p.name}`;
    add(
      clean({
        id: p.code,
        name,
        kind: "provinsi",
        hrUnit: o.hrUnit ?? `BKD / BKPSDM ${name}`,
        hrUnitVerified: o.hrUnitVerified ?? false,
        aliases: o.aliases ?? [],
        contact: toContact(o.contact),
        note: o.note,
        mapsTo: o.mapsTo,
      }),
    );
  }

  for (const r of regencies) {
    const o = overrides.get(r.code) ?? {};
    const kind = r.name.startsWith("Kota ")
      ? "kota"
      : r.name.startsWith("Kabupaten ")
        ? "kabupaten"
        : undefined;
    const number = Number(r.code.slice(3));
    if (!kind) {
      problems.push(`regencies.csv ${r.code}: nama harus diawali "Kabupaten " atau "Kota ": ${r.name}`);
      continue;
    }
    if ((kind === "kota") !== number >= 71)
      problems.push(
        `regencies.csv ${r.code}: kode ${number >= 71 ? "kota" : "kabupaten"} tetapi namanya ${r.name}`,
      );
    if (!r.provinceCode || !provinceCodes.has(r.provinceCode) || !r.code.startsWith(`${r.provinceCode}.`))
      problems.push(`regencies.csv ${r.code}: kode provinsi "${r.provinceCode}" tidak cocok`);
    const name = o.name ?? r.name;
    add(
      clean({
        id: r.code,
        name,
        kind,
        provinceId: r.provinceCode,
        hrUnit: o.hrUnit ?? `BKPSDM / BKD ${name}`,
        hrUnitVerified: o.hrUnitVerified ?? false,
        aliases: o.aliases ?? [],
        contact: toContact(o.contact),
        note: o.note,
        mapsTo: o.mapsTo,
      }),
    );
  }

  // An area served by another one shows that one's HR unit unless told otherwise.
  for (const [code, o] of overrides) {
    const entry = byId.get(code);
    const target = o.mapsTo ? byId.get(o.mapsTo) : undefined;
    if (entry && target && o.hrUnit === undefined) {
      entry.hrUnit = target.hrUnit;
      entry.hrUnitVerified = target.hrUnitVerified;
    }
  }

  file.central.forEach((c: Central, i) => {
    if (REGION_CODE.test(c.id) || /^\d+$/.test(c.id))
      problems.push(`central[${i}].id: "${c.id}" tidak boleh berupa angka/kode wilayah`);
    add(
      clean({
        id: c.id,
        name: c.name,
        kind: c.kind,
        hrUnit: c.hrUnit,
        hrUnitVerified: c.hrUnitVerified,
        aliases: c.aliases,
        contact: toContact(c.contact),
        note: c.note,
      }),
    );
  });

  return entries;
}

/** Folds the alias table, rejecting keys that collide after folding or shadow a central agency's alias. */
function foldAliases(file: InstansiFile, problems: string[]): Record<string, string> {
  const centralWords = new Map<string, string>();
  for (const c of file.central) {
    for (const word of [c.id, ...c.aliases]) {
      const folded = foldText(word);
      if (tokens(folded).length === 1) centralWords.set(folded, c.id);
    }
  }
  const out: Record<string, string> = {};
  const origin = new Map<string, string>();
  for (const [key, value] of Object.entries(file.aliases)) {
    const k = foldText(key);
    if (k === "") {
      problems.push(`aliases["${key}"]: kunci kosong setelah dinormalkan`);
      continue;
    }
    const previous = origin.get(k);
    if (previous !== undefined) problems.push(`aliases["${key}"]: sama dengan aliases["${previous}"]`);
    const shadowed = centralWords.get(k);
    if (shadowed !== undefined)
      problems.push(
        `aliases["${key}"]: bentrok dengan alias instansi pusat "${shadowed}"; hapus salah satunya`,
      );
    origin.set(k, key);
    out[k] = foldText(value);
  }
  return out;
}
