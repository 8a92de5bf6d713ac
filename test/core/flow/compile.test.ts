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
