import { describe, expect, it } from "vitest";
import { checkFlowDir } from "../../../src/adapters/files/load-flows.ts";
import { compileFlows, formatProblems, parseGuard } from "../../../src/core/flow/compile.ts";

describe("flows/ (the real ones)", () => {
  it("compile without a single problem", async () => {
    const { flows, problems } = await checkFlowDir("flows");
    expect(formatProblems(problems)).toBe("");
    expect(flows?.flows.size).toBeGreaterThanOrEqual(9);
    expect(flows?.policies.get("asn-digital")?.minLength).toBe(12);
    expect(flows?.policies.get("mysapk")?.minLength).toBe(6);
  });
});

describe("broken fixtures", async () => {
  const { flows, problems } = await checkFlowDir("test/fixtures/broken-flows");
  const text = formatProblems(problems);

  it("stop the load", () => {
    expect(flows).toBeUndefined();
  });

  it.each([
    ["YAML syntax error, with file", /sintaks\.yaml: YAML tidak sah/],
    [
      "unknown validator, with the valid choices",
      /rusak\.yaml › state 'awal': validator 'nipp' tidak dikenal\. Pilihan yang sah: nip, email, text, instansi, password:<kebijakan> \(kebijakan: mysapk, asn-digital\)/,
    ],
    [
      "unknown target, with suggestions and the states",
      /rusak\.yaml › state 'awal': tombol 1 menuju 'rusak\/langkah-tiga' yang tidak ada\. Maksudnya 'langkah-dua'\? State di 'rusak': awal, langkah-dua/,
    ],
    ["bad guard syntax", /rusak\.yaml › state 'awal': tombol 2: syarat 'jalur==digital' tidak sah/],
    [
      "unknown placeholder",
      /rusak\.yaml › state 'awal': say: placeholder '\{nama_depan\}' tidak dikenal\. Pilihan yang sah: nip, nip_arti/,
    ],
    [
      "unknown password policy in text",
      /'\{kebijakan:tidak-ada\}' butuh kebijakan yang ada: mysapk, asn-digital/,
    ],
    ["unknown password policy in input", /kebijakan password 'rahasia' tidak dikenal/],
    ["unreachable state", /rusak\.yaml › state 'yatim': tidak terjangkau/],
    ["dead end", /rusak\.yaml › state 'buntu': jalan buntu/],
    ["missing text and unknown key", /rusak\.yaml › state 'tanpa-teks': .*(say|bogus)/],
  ])("report %s", (_label, pattern) => {
    expect(text).toMatch(pattern);
  });

  it("collect every problem rather than the first", () => {
    expect(problems.length).toBeGreaterThanOrEqual(10);
  });
});

describe("compileFlows", () => {
  const policies = { file: "p.yaml", data: { policies: [{ id: "p", label: "P", minLength: 6 }] } };
  it("requires the engine's entry points", () => {
    const result = compileFlows(
      [{ file: "x.yaml", data: { id: "x", title: "X", start: "a", states: { a: { say: "A" } } } }],
      policies,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(formatProblems(result.problems)).toContain("state wajib 'menu/mulai' tidak ada");
  });
  it("rejects a flow whose id differs from its file name", () => {
    const result = compileFlows(
      [{ file: "flows/y.yaml", data: { id: "x", title: "X", start: "a", states: { a: { say: "A" } } } }],
      policies,
    );
    expect(!result.ok && formatProblems(result.problems)).toContain("id 'x' harus sama dengan nama file 'y'");
  });
});

describe("sources and last-checked dates", () => {
  const policies = { file: "p.yaml", data: { policies: [{ id: "p", label: "P", minLength: 6 }] } };
  const menu = (states: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    compileFlows(
      [{ file: "flows/menu.yaml", data: { id: "menu", title: "Menu", start: "mulai", ...extra, states } }],
      policies,
    );
  const text = (result: ReturnType<typeof compileFlows>) =>
    result.ok ? "" : formatProblems(result.problems);
  const navigation = { privasi: { say: "Privasi", fact: false } };

  it("fails a state whose text states a fact without sources and checked, naming the way out", () => {
    const result = menu({ mulai: { say: "Login di asndigital.bkn.go.id" }, ...navigation });
    expect(text(result)).toContain(
      "flows/menu.yaml › state 'mulai': teks menyatakan fakta tanpa 'sources' dan 'checked'",
    );
    expect(text(result)).toContain("fact: false");
  });

  it("fails a state with sources but no checked date, and one with a date but no sources", () => {
    const result = menu({
      mulai: { say: "A", sources: ["https://bkn.go.id"] },
      privasi: { say: "B", checked: "2026-12-01" },
    });
    expect(text(result)).toContain("state 'mulai': teks menyatakan fakta tanpa 'checked'");
    expect(text(result)).toContain("state 'privasi': teks menyatakan fakta tanpa 'sources'");
  });

  it("refuses sources on a state marked fact: false, and a flow help without provenance", () => {
    const both = menu({ mulai: { say: "A", fact: false, sources: ["x.id"] }, ...navigation });
    expect(text(both)).toContain("state 'mulai': 'fact: false' tidak memakai 'sources' atau 'checked'");
    const help = menu({ mulai: { say: "A", fact: false }, ...navigation }, { help: "Bantuan" });
    expect(text(help)).toContain(
      "flows/menu.yaml: 'help' flow menyatakan fakta tanpa 'sources' dan 'checked'",
    );
  });

  it("accepts sources with a date, and fact: false", () => {
    const result = menu({
      mulai: { say: "Login di asndigital.bkn.go.id", sources: ["https://bkn.go.id"], checked: "2026-12-01" },
      ...navigation,
    });
    expect(text(result)).not.toMatch(/fakta|fact: false/);
  });
});

describe("parseGuard", () => {
  it.each([
    ["jalur=digital", { kind: "eq", name: "jalur", value: "digital" }],
    ["jenis!=PPPK", { kind: "ne", name: "jenis", value: "PPPK" }],
    ["coba-token>=3", { kind: "gte", name: "coba-token", n: 3 }],
    ["has:nip", { kind: "has", name: "nip" }],
    ["jalur==digital", undefined],
    ["", undefined],
  ])("%s", (text, expected) => {
    expect(parseGuard(text)).toEqual(expected);
  });
});
