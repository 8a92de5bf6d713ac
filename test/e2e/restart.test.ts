import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../helpers/fake-telegram.ts";
import { dropPrefix, REDIS_SUITE, REDIS_URL, SKIP_REDIS } from "../helpers/redis.ts";

const CHAT = 31337;

const children: ChildProcess[] = [];

function startPandu(apiRoot: string): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      ...process.env,
      BOT_TOKEN: "4242:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      TELEGRAM_API_ROOT: apiRoot,
      REDIS_URL,
      PORT: "0",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  return child;
}

async function stopPandu(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

describe.skipIf(SKIP_REDIS)(`npm start with REDIS_URL against a Bot API on loopback (${REDIS_SUITE})`, () => {
  const telegram = new FakeTelegram();
  let admin: Redis;
  beforeAll(async () => {
    admin = new Redis(REDIS_URL);
    await admin.del(`pandu:{${CHAT}}:s`, `pandu:{${CHAT}}:u`, `pandu:{${CHAT}}:l`);
    await telegram.start();
  });
  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await dropPrefix(admin, `pandu:{${CHAT}}`);
    admin.disconnect();
    await telegram.stop();
  });

  it("keeps a journey alive across a restart of the bot", async () => {
    let pandu = startPandu(telegram.url);
    let stderr = "";
    pandu.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    telegram.text(CHAT, "/start");
    await telegram.waitForMessages(CHAT, 1, 30_000);
    telegram.tap(CHAT, "🔑 Aktivasi / lupa password");
    const before = await telegram.waitForMessages(CHAT, 2);
    expect(before[1]?.text).toContain("ketik NIP atau NI PPPK");
    expect(await stopPandu(pandu)).toBe(0);

    pandu = startPandu(telegram.url);
    pandu.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    telegram.text(CHAT, "198609262015051001");
    const after = await telegram.waitForMessages(CHAT, 3, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${stderr}`);
    });
    expect(after[2]?.text).toContain("PNS · lahir 26-09-1986");
    // Updates fetched again after the restart are recognised by update_id: nothing was answered twice.
    await new Promise((r) => setTimeout(r, 300));
    expect(telegram.sent.filter((m) => m.chat_id === CHAT)).toHaveLength(3);
    expect(await stopPandu(pandu)).toBe(0);
    expect(stderr).not.toMatch(/"level":(50|60)/);
    expect(telegram.calls.some((c) => c.method === "setMyCommands")).toBe(true);
  }, 90_000);
});
