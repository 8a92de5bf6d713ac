import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/config.ts";

describe("parseConfig", () => {
  it("has working defaults with an empty environment", () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      PORT: 8080,
      LOG_LEVEL: "info",
      FLOWS_DIR: "flows",
      ADMIN_IDS: [],
      SESSION_TTL_SECONDS: 604_800,
      FAQ_GAP_RETENTION_DAYS: 90,
    });
    expect(c.BOT_TOKEN).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
  });

  it("parses lists and numbers", () => {
    const c = parseConfig({ ADMIN_IDS: "12, 34", HR_CHAT_ID: "-100200", PORT: "3000" });
    expect(c.ADMIN_IDS).toEqual([12, 34]);
    expect(c.HR_CHAT_ID).toBe(-100200);
    expect(c.PORT).toBe(3000);
  });

  it.each([
    ["BOT_TOKEN", { BOT_TOKEN: "not-a-token" }],
    ["PORT", { PORT: "70000" }],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }],
    ["ADMIN_IDS", { ADMIN_IDS: "12,abc" }],
    ["WEBHOOK_URL", { WEBHOOK_URL: "not a url", WEBHOOK_SECRET: "x" }],
    ["WEBHOOK_SECRET", { WEBHOOK_URL: "https://pandu.example/hook" }],
    ["SESSION_TTL_SECONDS", { SESSION_TTL_SECONDS: "5" }],
    ["FAQ_GAP_RETENTION_DAYS", { FAQ_GAP_RETENTION_DAYS: "0" }],
  ])("a bad %s stops start-up with its name in the message", (name, env) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(new RegExp(`• ${name}:`));
  });
});
