import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { checkFlowDir } from "../../../src/adapters/files/load-flows.ts";
import { type DatedFact, flowFacts, futureFacts, staleFacts } from "../../../src/core/flow/stale.ts";

const fact = (where: string, checked: string): DatedFact => ({
  where,
  sources: ["https://bkn.go.id"],
  checked,
});

describe("staleFacts / futureFacts", () => {
  const facts = [
    fact("a.yaml › x", "2026-06-01"),
    fact("a.yaml › y", "2026-11-24"),
    fact("faq › z", "2025-12-01"),
    fact("faq › w", "2026-12-02"),
  ];

  it("lists the facts checked more than N days ago, oldest first, with their age", () => {
    expect(staleFacts(facts, "2026-12-01", 180).map((f) => [f.where, f.age])).toEqual([
      ["faq › z", 365],
      ["a.yaml › x", 183],
    ]);
    expect(staleFacts(facts, "2026-12-01", 400)).toEqual([]);
  });

  it("finds check dates in the future", () => {
    expect(futureFacts(facts, "2026-12-01").map((f) => f.where)).toEqual(["faq › w"]);
  });
});

describe("flowFacts on flows/", () => {
  it("has a date and sources for every state that states a fact, and only for those", async () => {
    const { flows } = await checkFlowDir("flows");
    const dated = flowFacts(flows!);
    const factual = [...flows!.states.values()].filter((s) => s.provenance.fact);
    expect(dated.filter((f) => !f.where.endsWith("› help")).length).toBe(factual.length);
    expect(dated.every((f) => f.sources.length > 0 && /^\d{4}-\d{2}-\d{2}$/.test(f.checked))).toBe(true);
    expect(dated.map((f) => f.where)).toContain("flows/aktivasi.yaml › lama");
  });
});

describe("npm run pandu -- content stale", () => {
  const cli = (...args: string[]) => {
    try {
      return {
        status: 0,
        out: execFileSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { encoding: "utf8" }),
      };
    } catch (err) {
      const e = err as { status: number; stdout: string };
      return { status: e.status, out: e.stdout };
    }
  };

  it("lists the facts checked before today with --days 0 as JSON and exits 1", () => {
    const { status, out } = cli("content", "stale", "--days", "0", "--json");
    const report = JSON.parse(out) as { facts: number; stale: { where: string; checked: string }[] };
    expect(status).toBe(1);
    expect(report.facts).toBeGreaterThan(100);
    // checked on 2026-11-24 and not since: stale on any later day
    expect(report.stale.map((f) => f.where)).toContain("flows/faq › verifikasi-wajah");
  });

  it("exits 0 when nothing is older than the window", () => {
    const { status, out } = cli("content", "stale", "--days", "100000");
    expect(status).toBe(0);
    expect(out).toMatch(/✓ \d+ fakta/);
  });

  it("refuses a missing or bad --days", () => {
    expect(cli("content", "stale").status).toBe(2);
    expect(cli("content", "stale", "--days", "x").status).toBe(2);
  });
});
