/**
 * Nothing is lost when updates are acknowledged before they are handled: a
 * process killed (SIGKILL) with one update of a chat mid-turn and two waiting
 * in its inbox; the next process handles all three, once each, in order, and a
 * redelivery of one of them changes nothing. In webhook mode (answered 200 before
 * the turn) and in long polling (confirmed by the next getUpdates).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorld } from "../../src/app/world.ts";
import { createTestBot } from "../helpers/bot-harness.ts";
import { FakeTelegram } from "../helpers/fake-telegram.ts";
import { REDIS_SUITE, REDIS_URL, SKIP_REDIS } from "../helpers/redis.ts";

/** A database of its own (npm start writes under the fixed "pandu" prefix; db 7 is the other e2e tests'). */
const CRASH_REDIS = `${REDIS_URL.replace(/\/\d*$/, "")}/12`;
const SECRET = "crash-test-secret-0123456789-abcdefgh";
const COMMANDS = ["/start", "/privasi", "/bantuan"];

const children: ChildProcess[] = [];

function startPandu(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      ...process.env,
      BOT_TOKEN: "4242:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      REDIS_URL: CRASH_REDIS,
      LOCK_TTL_MS: "1000",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 0;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(SKIP_REDIS)(`a crash with updates acknowledged but not handled (${REDIS_SUITE})`, () => {
  let admin: Redis;
  let expected: string[];
  beforeAll(async () => {
    admin = new Redis(CRASH_REDIS);
    await admin.flushdb();
    // What the three commands produce, one after the other, in a process that does not crash.
    const reference = createTestBot(await loadWorld());
    for (const command of COMMANDS) await reference.text(77, command);
    expected = reference.calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text));
  });
  afterAll(async () => {
    for (const child of children) await kill(child);
    await admin.flushdb();
    admin.disconnect();
  });

  it("webhook: answered 200 before handling; after SIGKILL and a restart each update is handled once, in order", async () => {
    const telegram = new FakeTelegram();
    await telegram.start();
    const chat = 88_001;
    const port = await freePort();
    const env = {
      TELEGRAM_API_ROOT: telegram.url,
      PORT: String(port),
      WEBHOOK_URL: "https://pandu.example/tg/crash",
      WEBHOOK_SECRET: SECRET,
    };
    let pandu = startPandu(env);
    const post = (update: Record<string, unknown>) =>
      fetch(`http://127.0.0.1:${port}/tg/crash`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(update),
      }).then((r) => r.status);
    await until(() => telegram.calls.some((c) => c.method === "setWebhook"), "the webhook to be set");
    telegram.hold(chat);
    const updates = COMMANDS.map((command) => telegram.textUpdate(chat, command));
    for (const update of updates) expect(await post(update)).toBe(200);
    // The first turn hangs in sendMessage; the other two wait in the chat's inbox.
    await until(() => telegram.waiting(chat) === 1, "the first turn to reach sendMessage");
    await kill(pandu);
    await new Promise((r) => setTimeout(r, 300)); // the fake sees the dead connection before the held call goes on
    telegram.release(chat);
    expect(telegram.sent.filter((m) => m.chat_id === chat)).toEqual([]);

    pandu = startPandu(env);
    await until(
      () => telegram.sent.filter((m) => m.chat_id === chat).length >= expected.length,
      "the replies",
      40_000,
    );
    // Telegram delivering one of them again changes nothing.
    expect(await post(updates[1]!)).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(telegram.sent.filter((m) => m.chat_id === chat).map((m) => m.text)).toEqual(expected);
    await kill(pandu);
    await telegram.stop();
  }, 90_000);

  it("long polling: confirmed to Telegram once in the inbox; after SIGKILL and a restart each update is handled once, in order", async () => {
    const telegram = new FakeTelegram();
    await telegram.start();
    const chat = 88_002;
    let pandu = startPandu({ TELEGRAM_API_ROOT: telegram.url, PORT: "0" });
    telegram.hold(chat);
    const ids = COMMANDS.map((command) => telegram.text(chat, command));
    await until(() => telegram.waiting(chat) === 1, "the first turn to reach sendMessage");
    // The batch is confirmed (a getUpdates carries an offset past it): Telegram would not deliver it again.
    await until(
      () => telegram.calls.some((c) => c.method === "getUpdates" && Number(c.body.offset) > Math.max(...ids)),
      "the batch to be confirmed",
    );
    await kill(pandu);
    await new Promise((r) => setTimeout(r, 300));
    telegram.release(chat);
    expect(telegram.sent.filter((m) => m.chat_id === chat)).toEqual([]);
    pandu = startPandu({ TELEGRAM_API_ROOT: telegram.url, PORT: "0" });
    await until(
      () => telegram.sent.filter((m) => m.chat_id === chat).length >= expected.length,
      "the replies",
      40_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(telegram.sent.filter((m) => m.chat_id === chat).map((m) => m.text)).toEqual(expected);
    await kill(pandu);
    await telegram.stop();
  }, 90_000);
});
