import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_HINTS, Config, ConfigError, parseBotConfig, parseConfig } from "../src/config.ts";

const TOKEN = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const SECRET = "a".repeat(32);

describe("parseConfig", () => {
  it("has working defaults with an empty environment", () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      PORT: 8080,
      METRICS_PORT: 9464,
      METRICS_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      FLOWS_DIR: "flows",
      ADMIN_IDS: [],
      SESSION_TTL_SECONDS: 604_800,
      FAQ_GAP_RETENTION_DAYS: 90,
    });
    expect(c.BOT_TOKEN).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.DASHBOARD_URL).toBeUndefined();
  });

  it("parses lists, numbers and URLs", () => {
    const c = parseConfig({
      ADMIN_IDS: "12, 34",
      HR_CHAT_ID: "-100200",
      PORT: "3000",
      METRICS_PORT: "9100",
      METRICS_HOST: "0.0.0.0",
      DATABASE_URL: "postgres://pandu:sandi@127.0.0.1:5432/pandu",
      DASHBOARD_URL: "https://pandu.example.go.id/dasbor",
    });
    expect(c.ADMIN_IDS).toEqual([12, 34]);
    expect(c.HR_CHAT_ID).toBe(-100200);
    expect(c.PORT).toBe(3000);
    expect(c.METRICS_PORT).toBe(9100);
    expect(c.METRICS_HOST).toBe("0.0.0.0");
    expect(c.DATABASE_URL).toBe("postgres://pandu:sandi@127.0.0.1:5432/pandu");
    expect(parseConfig({ DATABASE_URL: "postgresql://h/db" }).DATABASE_URL).toBe("postgresql://h/db");
  });

  it("accepts a webhook secret of 32 to 256 characters from Telegram's alphabet", () => {
    const c = parseConfig({ WEBHOOK_URL: "https://pandu.example/hook", WEBHOOK_SECRET: SECRET });
    expect(c.WEBHOOK_SECRET).toBe(SECRET);
    expect(parseConfig({ WEBHOOK_SECRET: "A-z_0".repeat(51) }).WEBHOOK_SECRET).toHaveLength(255);
  });

  it.each([
    ["BOT_TOKEN", { BOT_TOKEN: "not-a-token" }],
    ["PORT", { PORT: "70000" }],
    ["PORT", { PORT: "delapan" }],
    ["METRICS_PORT", { METRICS_PORT: "-1" }],
    ["METRICS_PORT", { PORT: "9000", METRICS_PORT: "9000" }],
    ["METRICS_HOST", { METRICS_HOST: "local host" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://h/db" }],
    ["DATABASE_URL", { DATABASE_URL: "bukan url" }],
    ["DASHBOARD_URL", { DASHBOARD_URL: "dasbor" }],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }],
    ["ADMIN_IDS", { ADMIN_IDS: "12,abc" }],
    ["WEBHOOK_URL", { WEBHOOK_URL: "not a url", WEBHOOK_SECRET: SECRET }],
    ["WEBHOOK_SECRET", { WEBHOOK_URL: "https://pandu.example/hook" }],
    ["WEBHOOK_SECRET", { WEBHOOK_SECRET: "a".repeat(31) }],
    ["WEBHOOK_SECRET", { WEBHOOK_SECRET: `${"a".repeat(32)}!` }],
    ["WEBHOOK_SECRET", { WEBHOOK_SECRET: "a".repeat(257) }],
    ["SESSION_TTL_SECONDS", { SESSION_TTL_SECONDS: "5" }],
    ["FAQ_GAP_RETENTION_DAYS", { FAQ_GAP_RETENTION_DAYS: "0" }],
  ])("a bad %s stops start-up with its name and how to fix it", (name, env) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`• ${name}:`));
    // The fix: the variable's hint (an example value) and where to change it.
    expect(message).toContain(CONFIG_HINTS[name as keyof typeof CONFIG_HINTS]);
    expect(message).toContain(".env");
  });

  it("says what a short or badly formed WEBHOOK_SECRET needs", () => {
    expect(() => parseConfig({ WEBHOOK_SECRET: "pendek" })).toThrow(/minimal 32 karakter/);
    expect(() => parseConfig({ WEBHOOK_SECRET: `${"a".repeat(40)} !` })).toThrow(/A-Z, a-z, 0-9, _ dan -/);
  });

  it("allows port 0 (any free port) for both listeners at once", () => {
    expect(parseConfig({ PORT: "0", METRICS_PORT: "0" })).toMatchObject({ PORT: 0, METRICS_PORT: 0 });
  });
});

describe("parseBotConfig", () => {
  it("requires BOT_TOKEN, naming it and where to get one", () => {
    expect(() => parseBotConfig({})).toThrow(ConfigError);
    expect(() => parseBotConfig({})).toThrow(/BOT_TOKEN belum diisi/);
    expect(() => parseBotConfig({})).toThrow(/@BotFather/);
    expect(() => parseBotConfig({})).toThrow(/\.env/);
    expect(parseBotConfig({ BOT_TOKEN: TOKEN }).BOT_TOKEN).toBe(TOKEN);
  });
});

describe(".env.example", () => {
  const example = readFileSync(".env.example", "utf8");
  const documented = new Map(
    [...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!] as const),
  );

  it.each(Object.keys(Config.shape))("documents %s with a comment, its default and an example", (name) => {
    expect(documented.has(name), `${name} is read by src/config.ts but missing in .env.example`).toBe(true);
    const block = example.slice(0, example.search(new RegExp(`^#?\\s?${name}=`, "m")));
    const comment = block.split(/\n\s*\n/).at(-1) ?? "";
    expect(comment, `${name}: a comment above it`).toMatch(/^# /m);
    expect(comment, `${name}: its default`).toMatch(/Default:/);
    expect(comment, `${name}: an example`).toMatch(new RegExp(`Example: ${name}=|Examples:|Make one with`));
    expect(CONFIG_HINTS[name as keyof typeof CONFIG_HINTS], `${name}: a hint in CONFIG_HINTS`).toBeTruthy();
  });

  it("lists nothing src/config.ts does not read, and every value it shows parses", () => {
    for (const name of documented.keys()) expect(Object.keys(Config.shape)).toContain(name);
    const values = Object.fromEntries([...documented].filter(([, v]) => v !== ""));
    expect(() => parseConfig(values)).not.toThrow();
  });
});
