import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../helpers/fake-telegram.ts";

const ROOT = resolve(".");
const MAIN = join(ROOT, "dist", "main.js");
const CHAT = 31500;
const children: ChildProcess[] = [];
const dirs: string[] = [];

/** An empty working directory (so no developer's .env leaks in), with this .env if given. */
function workdir(dotenv?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pandu-build-"));
  dirs.push(dir);
  if (dotenv !== undefined) writeFileSync(join(dir, ".env"), dotenv);
  return dir;
}

describe("npm run build → plain node runs the bot, without tsx", () => {
  const telegram = new FakeTelegram();
  beforeAll(async () => {
    // The real build, as CI and the Dockerfile run it (npm on PATH runs under the Node running this test).
    await telegram.start();
    execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "pipe", timeout: 180_000 });
  }, 200_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await telegram.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("emits JavaScript only: dist/main.js and dist/cli.js, no .ts import left", () => {
    expect(existsSync(MAIN)).toBe(true);
    expect(existsSync(join(ROOT, "dist", "cli.js"))).toBe(true);
    const main = readFileSync(MAIN, "utf8");
    expect(main).toContain('from "./app/runtime.js"');
    expect(main).not.toMatch(/from "\.[^"]*\.ts"/);
  });

  it("without BOT_TOKEN exits 1 with the Indonesian message", () => {
    const result = spawnSync(process.execPath, [MAIN], {
      cwd: workdir(),
      env: { PATH: process.env.PATH ?? "" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("BOT_TOKEN belum diisi");
  });

  it("the built CLI validates a NIP", () => {
    const out = execFileSync(
      process.execPath,
      [join(ROOT, "dist", "cli.js"), "nip", "198609262015051001", "--json"],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    expect(JSON.parse(out)).toMatchObject({ valid: true, kind: "PNS" });
  });

  it("with a token (from .env) answers /start over the Bot API; metrics only on the operators' port", async () => {
    const cwd = workdir("BOT_TOKEN=4343:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
    const child = spawn(process.execPath, ["--enable-source-maps", MAIN], {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        TELEGRAM_API_ROOT: telegram.url,
        FLOWS_DIR: join(ROOT, "flows"),
        PORT: "0",
        METRICS_PORT: "0",
        LOG_LEVEL: "info",
        DASHBOARD_URL: "https://pandu.example.go.id/dasbor",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const started = await new Promise<{ port: number; metricsPort: number }>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
        for (const line of stdout.split("\n")) {
          if (!line.includes('"Pandu berjalan"')) continue;
          const entry = JSON.parse(line) as { port: number; metricsPort: number };
          resolve(entry);
        }
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}\n${stderr}\n${stdout}`)));
    });

    telegram.text(CHAT, "/start");
    const [greeting] = await telegram.waitForMessages(CHAT, 1, 30_000);
    expect(greeting?.text).toContain("Halo, saya Pandu");

    const pub = `http://127.0.0.1:${started.port}`;
    const ops = `http://127.0.0.1:${started.metricsPort}`;
    expect((await fetch(`${pub}/healthz`)).status).toBe(200);
    expect((await fetch(`${pub}/metrics`)).status).toBe(404);
    expect((await fetch(`${pub}/readyz`)).status).toBe(404);
    expect((await fetch(`${ops}/readyz`)).status).toBe(200);
    // The supervisor's dashboard on the public port: no page without signing in; Chart.js from node_modules.
    const dasbor = await fetch(`${pub}/dasbor/kasus`);
    expect(dasbor.status).toBe(401);
    expect(dasbor.headers.get("x-frame-options")).toBe("DENY");
    expect((await fetch(`${pub}/dasbor/aset/chart.umd.min.js`)).status).toBe(200);
    expect((await fetch(`${ops}/dasbor/kasus`)).status).toBe(404);
    const metrics = await (await fetch(`${ops}/metrics`)).text();
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(metrics).toContain(`pandu_build_info{version="${version}",node="${process.version}"} 1`);
    expect(metrics).toMatch(/^process_cpu_seconds_total /m);
    expect(metrics).toContain('pandu_updates_total{type="message"} 1');

    const code = await new Promise<number | null>((resolve) => {
      child.once("exit", resolve);
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/"level":(50|60)/);
  }, 60_000);
});
