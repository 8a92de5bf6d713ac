import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { REDIS_SUITE, REDIS_URL, SKIP_REDIS } from "./helpers/redis.ts";

const ROOT = resolve(".");
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const dirs: string[] = [];

/** A working directory of its own, with this `.env` (or none). */
function workdir(dotenv?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pandu-env-"));
  dirs.push(dir);
  if (dotenv !== undefined) writeFileSync(join(dir, ".env"), dotenv);
  return dir;
}

/** Runs a source entry point as `npm start` / `npm run pandu` do, in `cwd`, with only `env` set. */
function run(entry: string, cwd: string, env: Record<string, string> = {}, args: string[] = []) {
  return spawnSync(process.execPath, ["--import", TSX, join(ROOT, entry), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("npm start reads .env from its working directory", () => {
  it("without .env and without BOT_TOKEN: exits 1 saying what to fill in and where", () => {
    const result = run("src/main.ts", workdir());
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("BOT_TOKEN belum diisi");
    expect(result.stderr).toContain(".env");
  });

  it("a bad value in .env stops start-up, naming the variable", () => {
    const result = run("src/main.ts", workdir("# komentar\nLOG_LEVEL=keras\n"));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("• LOG_LEVEL:");
  });

  it("the environment wins over .env", () => {
    const result = run("src/main.ts", workdir("LOG_LEVEL=keras\n"), { LOG_LEVEL: "warn" });
    expect(result.status).toBe(1);
    expect(result.stderr).not.toContain("LOG_LEVEL");
    expect(result.stderr).toContain("BOT_TOKEN belum diisi");
  });
});

describe.skipIf(SKIP_REDIS)(`npm run pandu reads .env too (${REDIS_SUITE})`, () => {
  it("faq gaps finds REDIS_URL in .env", () => {
    const without = run("src/cli.ts", workdir(), {}, ["faq", "gaps", "--json"]);
    expect(without.status).toBe(1);
    expect(without.stderr).toContain("REDIS_URL belum diisi");
    const dir = workdir(`REDIS_URL=${REDIS_URL.replace(/\/\d*$/, "")}/9\n`);
    const withFile = run("src/cli.ts", dir, {}, ["faq", "gaps", "--json"]);
    expect(withFile.stderr).toBe("");
    expect(withFile.status).toBe(0);
    expect(Array.isArray(JSON.parse(withFile.stdout))).toBe(true);
  });
});
