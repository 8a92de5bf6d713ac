import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkFlowDir } from "../src/adapters/files/load-flows.ts";
import { flowsToMermaid } from "../src/core/flow/graph.ts";

describe("committed generated files stay current", () => {
  it("flows/flow.schema.json equals `npm run pandu -- flows schema`", () => {
    const fresh = execFileSync(process.execPath, ["--import", "tsx", "src/cli.ts", "flows", "schema"], {
      encoding: "utf8",
    });
    expect(readFileSync("flows/flow.schema.json", "utf8")).toBe(fresh);
  });

  it("docs/flows.md holds the diagrams of `npm run pandu -- flows graph`", async () => {
    const { flows } = await checkFlowDir("flows");
    expect(readFileSync("docs/flows.md", "utf8")).toContain(flowsToMermaid(flows!));
  });

  it("`flows check` passes on flows/ and fails, naming the problems, on the broken fixtures", () => {
    const ok = execFileSync(process.execPath, ["--import", "tsx", "src/cli.ts", "flows", "check"], {
      encoding: "utf8",
    });
    expect(ok).toMatch(/✓ \d+ flow, \d+ state, \d+ entri FAQ: tidak ada masalah/);
    let failed: { status: number; stderr: string } | undefined;
    try {
      execFileSync(
        process.execPath,
        ["--import", "tsx", "src/cli.ts", "flows", "check", "--dir", "test/fixtures/broken-flows"],
        {
          encoding: "utf8",
          stdio: "pipe",
        },
      );
    } catch (err) {
      failed = err as { status: number; stderr: string };
    }
    expect(failed?.status).toBe(1);
    expect(failed?.stderr).toContain("validator 'nipp' tidak dikenal");
    expect(failed?.stderr).toMatch(/\d+ masalah ditemukan/);
  });
});

describe("npm run pandu -- nip --json", () => {
  it.each([
    ["198609262015051001", { valid: true, kind: "PNS", errors: [] }],
    ["200012312024211001", { valid: true, kind: "PPPK", errors: [] }],
    ["19860926201513100", { valid: false, errors: [{ code: "length" }] }],
  ])("%s", (nip, expected) => {
    let out = "";
    try {
      out = execFileSync(process.execPath, ["--import", "tsx", "src/cli.ts", "nip", nip, "--json"], {
        encoding: "utf8",
      });
    } catch (err) {
      out = (err as { stdout: string }).stdout;
    }
    expect(JSON.parse(out)).toMatchObject(expected);
  });
});
