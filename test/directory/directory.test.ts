import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDirectory, type Directory } from "../../src/directory/directory.ts";
import { DEFAULT_DATA_FILE, loadDirectory } from "../../src/directory/load.ts";
import type { Instansi } from "../../src/directory/schema.ts";

let dir: Directory;

beforeAll(async () => {
  dir = await loadDirectory();
});

const countKind = (kind: Instansi["kind"]) => dir.entries.filter((e) => e.kind === kind).length;
const PHONE = /(\+62|\b0)\d[\d\s().-]{5,}\d/;

describe("directory data", () => {
  it.each([
    ["provinsi", 38],
    ["kabupaten", 416],
    ["kota", 98],
  ] as const)("has %s × %i", (kind, count) => {
    expect(countKind(kind)).toBe(count);
  });

  it("has 514 kab/kota and at least 48 kementerian", () => {
    expect(countKind("kabupaten") + countKind("kota")).toBe(514);
    expect(countKind("kementerian")).toBeGreaterThanOrEqual(48);
    expect(countKind("lembaga")).toBeGreaterThan(20);
  });

  it("has unique ids without ':', '/' or '|'", () => {
    const ids = dir.entries.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).not.toMatch(/[:/|]/);
  });

  it("gives every kab/kota a known province", () => {
    for (const e of dir.entries.filter((x) => x.kind === "kabupaten" || x.kind === "kota")) {
      expect(dir.get(e.provinceId ?? "")?.kind).toBe("provinsi");
      expect(e.id.startsWith(`${e.provinceId}.`)).toBe(true);
    }
  });

  it.each([
    ["32", "Provinsi Jawa Barat"],
    ["32.01", "Kabupaten Bogor"],
    ["32.71", "Kota Bogor"],
    ["31", "Provinsi DKI Jakarta"],
    ["64.74", "Kota Bontang"],
    ["kemenag", "Kementerian Agama"],
  ])("get(%s) is %s", (id, name) => {
    expect(dir.get(id)?.name).toBe(name);
  });

  it("only carries contacts that have a source", () => {
    for (const e of dir.entries) {
      if (e.contact) expect(e.contact.source, e.id).toBeTruthy();
    }
  });
});

describe("search", () => {
  it.each([
    ["kab bogor", "32.01"],
    ["kota bogor", "32.71"],
    ["Kab. Bogor", "32.01"],
    ["pemkab bogor", "32.01"],
    ["pemkot bogor", "32.71"],
    ["pemprov jabar", "32"],
    ["provinsi jawa barat", "32"],
    ["kemenag", "kemenag"],
    ["Kementerian Agama", "kemenag"],
    ["kemendikdasmen", "kemendikdasmen"],
    ["kemdikdasmen", "kemendikdasmen"],
    ["kemdiktisaintek", "kemdiktisaintek"],
    ["komdigi", "komdigi"],
    ["kemenkum", "kemenkum"],
    ["dki", "31"],
    ["kota bdg", "32.73"],
    ["kab bandung", "32.04"],
    ["jakarta selatan", "31.74"],
    ["kota sby", "35.78"],
    ["solo", "33.72"],
    ["pemkot bontang", "64.74"],
    ["bkn", "bkn"],
    ["badan kepegawaian negara", "bkn"],
    ["diy", "34"],
    ["lima puluh kota", "13.07"],
    ["32.01", "32.01"],
  ])("%s → %s", (query, id) => {
    expect(dir.search(query)[0]?.id).toBe(id);
  });

  it.each([
    ["kabupaten bogr", "32.01"],
    ["kota surabya", "35.78"],
    ["kementrian agama", "kemenag"],
    ["kabupatn bandung", "32.04"],
    ["propinsi jawa timur", "35"],
    ["kota makasar", "73.71"],
  ])("tolerates the typo %s → %s", (query, id) => {
    expect(dir.search(query)[0]?.id).toBe(id);
  });

  it.each([
    ["kab bogor", "32.01", "32.71"],
    ["kota bogor", "32.71", "32.01"],
  ])("%s ranks %s above %s", (query, first, second) => {
    const ids = dir.search(query).map((h) => h.id);
    expect(ids.indexOf(first)).toBe(0);
    expect(ids.indexOf(second)).toBeGreaterThan(0);
  });

  it("returns scores in 0..1, best first, limit 5 by default", () => {
    for (const query of ["bogor", "jawa", "kementerian pendidikan", "kota"]) {
      const hits = dir.search(query);
      expect(hits.length).toBeLessThanOrEqual(5);
      for (const [i, hit] of hits.entries()) {
        expect(hit.score).toBeGreaterThan(0);
        expect(hit.score).toBeLessThanOrEqual(1);
        if (i > 0) expect(hit.score).toBeLessThanOrEqual(hits[i - 1]!.score);
      }
    }
    expect(dir.search("bogor", 1)).toHaveLength(1);
    expect(dir.search("jawa", 10).length).toBeGreaterThan(5);
  });

  it.each(["", "   ", "?!", "xqzvw"])("finds nothing for %j", (query) => {
    expect(dir.search(query)).toEqual([]);
  });

  it("is deterministic", () => {
    expect(dir.search("bekasi")).toEqual(dir.search("bekasi"));
  });
});

describe("DKI Jakarta mapping", () => {
  it.each(["31.01", "31.71", "31.72", "31.73", "31.74", "31.75"])(
    "%s is served by the DKI province",
    (id) => {
      expect(dir.get(id)?.mapsTo).toBe("31");
      expect(dir.resolve(id)?.id).toBe("31");
      const card = dir.card(id);
      expect(card).toContain("Provinsi DKI Jakarta");
      expect(card).toContain("bukan daerah otonom");
    },
  );

  it("jakarta selatan finds the administrative city whose card names the DKI HR office", () => {
    const [hit] = dir.search("jakarta selatan");
    expect(hit?.name).toBe("Kota Administrasi Jakarta Selatan");
    const card = dir.cardOf(hit!.id);
    expect(card?.servedBy.id).toBe("31");
    expect(card?.text).toContain("Unit kepegawaian: BKD / BKPSDM Provinsi DKI Jakarta");
  });

  it("resolves an ordinary entry to itself and an unknown id to undefined", () => {
    expect(dir.resolve("32.01")?.id).toBe("32.01");
    expect(dir.resolve("99.99")).toBeUndefined();
    expect(dir.cardOf("99.99")).toBeUndefined();
  });
});

describe("cards", () => {
  it("shows the sourced Bontang email with its source", () => {
    const card = dir.card("64.74");
    expect(card).toContain("🏢 Kota Bontang");
    expect(card).toContain("bkpsdm@bontangkota.go.id");
    expect(card).toContain("Sumber kontak: mediakaltim.com");
    expect(card).not.toContain("belum tercatat");
  });

  it("matches the expected layout for a kabupaten without contact", () => {
    expect(dir.card("32.01")).toBe(
      [
        "🏢 Kabupaten Bogor",
        "Unit kepegawaian: BKPSDM / BKD Kabupaten Bogor (nama badan bisa berbeda; cek situs resmi pemda)",
        "Kontak: belum tercatat di Pandu.",
        "Yang bisa Anda lakukan:",
        "• Datangi atau hubungi unit kepegawaian (BKPSDM/BKD) di kantor pemda Anda, lewat atasan atau pengelola kepegawaian di kantor Anda.",
        '• Helpdesk BKN di ASN Digital: asndigital.bkn.go.id → menu "Layanan Pendukung".',
        "• Helpdesk SIASN (portal pengaduan BKN): https://support-siasn.bkn.go.id",
        "• Kantor Regional BKN yang membawahi wilayah Anda.",
      ].join("\n"),
    );
  });

  it("shows the card an office keeps itself, who updated it and when, and marks it when a year old", () => {
    const fresh = Date.UTC(2026, 10, 1);
    const card = {
      instansi: "32.01",
      officeName: "BKPSDM Kabupaten Bogor",
      address: "Jl. Tegar Beriman No. 1, Cibinong",
      phone: "+622518123456",
      whatsapp: "+6281234567890",
      hours: "Senin–Jumat 08.00–15.00 WIB",
      updatedBy: "tg:900",
      updatedName: "Kepala",
      updatedAt: fresh,
      confirmedAt: fresh,
    };
    dir.useOfficeCards([card], fresh + 24 * 3_600_000);
    const text = dir.card("32.01");
    expect(text).toContain("Unit kepegawaian: BKPSDM Kabupaten Bogor\n");
    expect(text).toContain("Kontak (diperbarui oleh petugas Kabupaten Bogor, 01-11-2026):");
    expect(text).toContain("• Telepon: +622518123456");
    expect(text).toContain("• WhatsApp: +6281234567890");
    expect(text).not.toContain("belum tercatat");
    expect(text).not.toContain("mungkin sudah berubah");
    expect(text).not.toContain("Kepala"); // the staff member's name is not shown to users
    dir.useOfficeCards([card], fresh + 366 * 24 * 3_600_000);
    expect(dir.card("32.01")).toContain(
      "⚠️ Kartu ini belum dikonfirmasi sejak 01-11-2026; mungkin sudah berubah.",
    );
    dir.useOfficeCards([], fresh);
    expect(dir.card("32.01")).toContain("Kontak: belum tercatat di Pandu.");
  });

  it.each(["32.01", "32", "kemenag", "31.74", "not-an-id"])(
    "card %s without contact has no phone number",
    (id) => {
      const card = dir.card(id);
      expect(card).toContain("belum tercatat");
      expect(card).not.toMatch(PHONE);
    },
  );

  it("central agencies show their Biro SDM unit and note", () => {
    const card = dir.card("kemenag");
    expect(card).toContain("Unit kepegawaian: Biro SDM / Kepegawaian Kementerian Agama");
    expect(card).toContain("Kantor Kemenag");
    expect(card).toContain("NIP@kemenag.go.id");
  });

  it("every card is plain text under 900 characters", () => {
    for (const e of dir.entries) {
      const card = dir.card(e.id);
      expect(card.length, e.id).toBeLessThan(900);
      expect(card, e.id).not.toMatch(/[<>*_`[\]]/);
      expect(card.startsWith(`🏢 ${e.name}`), e.id).toBe(true);
    }
  });
});

describe("createDirectory", () => {
  const base = { hrUnitVerified: false, aliases: [] as string[] };
  const entries: Instansi[] = [
    { ...base, id: "11", name: "Provinsi Contoh", kind: "provinsi", hrUnit: "BKD / BKPSDM Provinsi Contoh" },
    {
      ...base,
      id: "11.01",
      name: "Kabupaten Alpha",
      kind: "kabupaten",
      provinceId: "11",
      hrUnit: "BKPSDM / BKD Kabupaten Alpha",
    },
    { ...base, id: "lkx", name: "Lembaga X", kind: "lembaga", hrUnit: "Biro SDM / Kepegawaian Lembaga X" },
  ];

  it("works on plain entries with an alias table", () => {
    const d = createDirectory(entries, { aliases: { kab: "kabupaten", alfa: "alpha" } });
    expect(d.search("kab alfa")[0]?.id).toBe("11.01");
    expect(d.get("lkx")?.name).toBe("Lembaga X");
  });

  it("rejects duplicate ids", () => {
    expect(() => createDirectory([entries[0]!, entries[0]!])).toThrow(/duplicate id/);
  });
});

describe("loadDirectory errors", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "pandu-dir-"));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("lists every problem with the file name", async () => {
    const file = join(tmp, "bad.yaml");
    await writeFile(
      file,
      [
        "central:",
        "  - id: Kemenag Baru",
        "    name: Kementerian Agama",
        "    kind: kementerian",
        "    hrUnit: Biro SDM",
        "    contact:",
        "      email: bkpsdm@example.go.id",
        "    tyop: 1",
        "regional:",
        '  "99.99":',
        "    note: tidak ada",
        "aliases: {}",
      ].join("\n"),
    );
    const error = await loadDirectory({ dataFile: file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain("central[0].id");
    expect(message).toContain("central[0].contact.source");
    expect(message).toContain("tyop");
  });

  it("rejects unknown region codes, bad mapsTo and aliases that shadow a central agency", async () => {
    const file = join(tmp, "semantic.yaml");
    await writeFile(
      file,
      [
        "central:",
        "  - id: kemenag",
        "    name: Kementerian Agama",
        "    kind: kementerian",
        "    hrUnit: Biro SDM / Kepegawaian Kementerian Agama",
        "    aliases: [depag]",
        "regional:",
        '  "99.99": { note: tidak ada }',
        '  "31.71": { mapsTo: "31.72" }',
        '  "31.72": { mapsTo: "31" }',
        "aliases:",
        "  depag: agama",
      ].join("\n"),
    );
    const error = await loadDirectory({ dataFile: file }).catch((e: unknown) => e);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain('regional["99.99"]');
    expect(message).toContain('regional["31.71"].mapsTo');
    expect(message).toContain('aliases["depag"]');
  });

  it("reports YAML syntax errors", async () => {
    const file = join(tmp, "syntax.yaml");
    await writeFile(file, "central: [\n  - id: x\n");
    await expect(loadDirectory({ dataFile: file })).rejects.toThrow(/YAML/);
  });

  it("loads the real file from its default path", () => {
    expect(DEFAULT_DATA_FILE.endsWith(join("flows", "data", "instansi.yaml"))).toBe(true);
  });
});
