import { beforeAll, describe, expect, it } from "vitest";
import { MemoryChatStore } from "../../src/adapters/memory/chat-store.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { maskDigits, maskEmail, maskName, maskText } from "../../src/core/mask.ts";
import { newSession } from "../../src/core/session.ts";
import { createTestBot } from "../helpers/bot-harness.ts";

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

const CHAT = 5150;
const NIP = "198609262015051001";
const PASSWORD = "Sentinel#Pw2026x";
const OTP = "739215";
const TOKEN = "Zq7Kx2Lm9P";

describe("credentials never leave the message they came in", () => {
  it("a password candidate is deleted, never echoed, stored or logged (debug level)", async () => {
    const store = new MemoryChatStore({ ttlSeconds: 3600 });
    store.poke(
      `tg:${CHAT}`,
      JSON.stringify({ ...newSession("aktivasi", "d-password", 0), vars: { nip: NIP } }),
    );
    const t = createTestBot(world, { store, logLevel: "debug" });
    const messageId = await t.text(CHAT, PASSWORD);
    expect(t.calls.some((c) => c.method === "deleteMessage" && c.payload.message_id === messageId)).toBe(
      true,
    );
    expect(JSON.stringify(t.calls)).not.toContain(PASSWORD);
    expect(JSON.stringify(await store.peek(`tg:${CHAT}`))).not.toContain(PASSWORD);
    expect(t.logs.lines.length).toBeGreaterThan(0);
    expect(t.logs.text).not.toContain(PASSWORD);
    expect(t.logs.text).not.toContain(NIP);
  });

  it.each([
    ["an authenticator OTP", OTP],
    ["an email token", TOKEN],
    ["a password", PASSWORD],
  ])("%s sent where none was asked is deleted with a warning", async (_label, secret) => {
    const store = new MemoryChatStore({ ttlSeconds: 3600 });
    store.poke(`tg:${CHAT}`, JSON.stringify(newSession("aktivasi", "d-kode", 0)));
    const t = createTestBot(world, { store, logLevel: "debug" });
    const messageId = await t.text(CHAT, secret);
    expect(t.calls.some((c) => c.method === "deleteMessage" && c.payload.message_id === messageId)).toBe(
      true,
    );
    const sent = t.calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text));
    expect(sent[0]).toContain("Jangan pernah mengirim password, token, atau OTP");
    expect(JSON.stringify(t.calls)).not.toContain(secret);
    expect(JSON.stringify(await store.peek(`tg:${CHAT}`))).not.toContain(secret);
    expect(t.logs.text).not.toContain(secret);
  });

  it("logs, down to debug (the flow steps), carry no message text and no NIP", async () => {
    const t = createTestBot(world, { logLevel: "debug" });
    await t.text(CHAT, "/start");
    await t.text(CHAT, "saya mau tanya soal NIP saya 198609262015051001 ya");
    await t.tap(CHAT, "b|menu|mulai|4|zzzz");
    expect(t.logs.lines.length).toBeGreaterThan(0);
    expect(t.logs.text).not.toContain("saya mau tanya");
    expect(t.logs.text).not.toContain(NIP);
  });
});

describe("masking for logs", () => {
  it.each([
    [maskDigits(NIP), "1986••••••••••1001"],
    [maskEmail("budi.santoso@gmail.com"), "b•••@g•••.com"],
    [maskName("Budi Santoso"), "B••• S•••"],
    [maskText(`NIP ${NIP} email budi@bkn.go.id`), "NIP 1986••••••••••1001 email b•••@b•••.id"],
    [maskText("tahun 2015 saja"), "tahun 2015 saja"],
  ])("%s", (actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe("masking for logs: any digits, any separators", () => {
  it.each([
    ["Arabic-Indic digits", "NIP ١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١", "NIP 1986••••••••••1001"],
    ["underscores and slashes", "19860926_201505/1_001", "1986••••••••••1001"],
  ])("%s", (_label, input, expected) => {
    expect(maskText(input)).toBe(expected);
  });
});
