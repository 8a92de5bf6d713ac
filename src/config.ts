import { z } from "zod";

const Level = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

const optionalUrl = z.preprocess((v) => (v === "" ? undefined : v), z.url().optional());
const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());

function intWithDefault(fallback: number, min: number, max: number) {
  return z.preprocess(
    (v) => (v === "" || v === undefined ? String(fallback) : v),
    z.coerce.number().int().min(min).max(max),
  );
}

const port = (fallback: number) => intWithDefault(fallback, 0, 65_535);

/** Every environment variable Pandu reads, parsed once in main.ts. */
export const Config = z
  .object({
    BOT_TOKEN: optionalString.pipe(
      z
        .string()
        .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "bukan token bot Telegram (bentuk: 123456:ABC…)")
        .optional(),
    ),
    TELEGRAM_API_ROOT: optionalUrl,
    REDIS_URL: optionalString,
    /** The HR desk's records; unset = the in-memory desk (lost on restart). */
    DATABASE_URL: optionalString.pipe(
      z.url({ protocol: /^postgres(ql)?$/, error: "bukan URL PostgreSQL (bentuk: postgres://…)" }).optional(),
    ),
    HR_CHAT_ID: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().optional()),
    ADMIN_IDS: z.preprocess(
      (v) =>
        typeof v === "string"
          ? v
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean)
          : (v ?? []),
      z.array(z.coerce.number().int().positive()),
    ),
    WEBHOOK_URL: optionalUrl,
    // Telegram accepts 1–256 characters; fewer than 32 is guessable, so start-up refuses it.
    WEBHOOK_SECRET: optionalString.pipe(
      z
        .string()
        .min(32, "minimal 32 karakter")
        .max(256, "maksimal 256 karakter")
        .regex(/^[A-Za-z0-9_-]+$/, "hanya A-Z, a-z, 0-9, _ dan - yang diterima Telegram")
        .optional(),
    ),
    /** Public listener: the webhook and /healthz. */
    PORT: port(8080),
    /** Operators' listener: /metrics, /readyz and /healthz. */
    METRICS_PORT: port(9464),
    METRICS_HOST: z.preprocess(
      (v) => (v === "" || v === undefined ? "127.0.0.1" : v),
      z.string().regex(/^[A-Za-z0-9.:_-]+$/, "bukan alamat IP atau nama host"),
    ),
    /**
     * Pandu's own supervisor dashboard as people reach it through the reverse proxy, ending in /dasbor
     * (https://pandu.example.go.id/dasbor): /dasbor sends sign-in links under it. Unset: no dashboard.
     */
    DASHBOARD_URL: optionalUrl.pipe(
      z
        .string()
        .refine((u) => /^https?:$/.test(new URL(u).protocol), "harus http:// atau https://")
        .refine(
          (u) => /^\/dasbor\/?$/.test(new URL(u).pathname) && new URL(u).search === "",
          "harus berakhir dengan /dasbor (alamat dasbor Pandu sendiri, tanpa ?…)",
        )
        .transform((u) => u.replace(/\/+$/, ""))
        .optional(),
    ),
    LOG_LEVEL: z.preprocess((v) => (v === "" || v === undefined ? "info" : v), Level),
    FLOWS_DIR: z.preprocess((v) => (v === "" || v === undefined ? "flows" : v), z.string()),
    /** Session lifetime since the last message; the default covers waiting a day or more for the email token. */
    SESSION_TTL_SECONDS: intWithDefault(7 * 24 * 3600, 60, 365 * 24 * 3600),
    /** A crashed holder frees a chat after this. */
    LOCK_TTL_MS: intWithDefault(30_000, 1_000, 300_000),
    /** How long an update waits for its busy chat before it is left for redelivery. */
    LOCK_WAIT_MS: intWithDefault(5_000, 10, 60_000),
    /** Updates of one chat that may wait behind the one being handled; beyond it they are dropped (a flood). */
    CHAT_BACKLOG: intWithDefault(10, 1, 1_000),
    /** Private chats handled at once per process. */
    CONCURRENCY_PRIVATE: intWithDefault(256, 1, 100_000),
    /** Groups handled at once per process (their own budget: groups cannot take the private chats'). */
    CONCURRENCY_GROUP: intWithDefault(16, 1, 10_000),
    /** A case nobody took is announced again in its group after this many minutes. */
    CASE_REMIND_MINUTES: intWithDefault(30, 1, 7 * 24 * 60),
    /** A resolved case can be reopened by the user within this many hours (same group). */
    CASE_REOPEN_HOURS: intWithDefault(72, 0, 90 * 24),
    /** Closed cases are deleted after this many days. */
    CASE_RETENTION_DAYS: intWithDefault(180, 1, 3650),
    /** Unanswered FAQ questions (masked) not asked again for this many days are deleted. */
    FAQ_GAP_RETENTION_DAYS: intWithDefault(90, 1, 3650),
    /** Messages a user may relay to HR per minute. */
    CASE_RELAY_PER_MINUTE: intWithDefault(10, 1, 600),
    /** Show the staff member's first name to the user ("true"/"false", default false). */
    SHOW_STAFF_NAME: z.preprocess(
      (v) => (v === "" || v === undefined ? "false" : v),
      z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1"),
    ),
  })
  .refine((c) => c.WEBHOOK_URL === undefined || c.WEBHOOK_SECRET !== undefined, {
    path: ["WEBHOOK_SECRET"],
    message:
      "wajib diisi bila WEBHOOK_URL diisi (Telegram mengirimnya di header X-Telegram-Bot-Api-Secret-Token)",
  })
  .refine((c) => c.METRICS_PORT === 0 || c.METRICS_PORT !== c.PORT, {
    path: ["METRICS_PORT"],
    message: "tidak boleh sama dengan PORT (metrik punya listener sendiri)",
  });
export type Config = z.infer<typeof Config>;

/** How to fix each variable: an example value, shown after the problem. */
export const CONFIG_HINTS: Record<keyof Config, string> = {
  BOT_TOKEN: "contoh: BOT_TOKEN=123456789:AAH… dari @BotFather (/newbot atau /token)",
  TELEGRAM_API_ROOT: "contoh: TELEGRAM_API_ROOT=http://127.0.0.1:8081, atau kosongkan",
  REDIS_URL: "contoh: REDIS_URL=redis://:sandi@127.0.0.1:6379/0, atau kosongkan (sesi di memori)",
  DATABASE_URL:
    "contoh: DATABASE_URL=postgres://pandu:sandi@127.0.0.1:5432/pandu, atau kosongkan (desk di memori)",
  HR_CHAT_ID: "contoh: HR_CHAT_ID=-1001234567890 (ketik /id di grup HR)",
  ADMIN_IDS: "contoh: ADMIN_IDS=11111111,22222222 (ketik /id di chat pribadi dengan bot)",
  WEBHOOK_URL:
    "contoh: WEBHOOK_URL=https://pandu.example.go.id/telegram/<acak>, atau kosongkan (long polling)",
  WEBHOOK_SECRET: "buat dengan: openssl rand -hex 32",
  PORT: "contoh: PORT=8080 (bilangan 0–65535)",
  METRICS_PORT: "contoh: METRICS_PORT=9464 (bilangan 0–65535, selain PORT)",
  METRICS_HOST: "contoh: METRICS_HOST=127.0.0.1 (atau 0.0.0.0 di dalam kontainer)",
  DASHBOARD_URL:
    "contoh: DASHBOARD_URL=https://pandu.example.go.id/dasbor (reverse proxy meneruskan /dasbor ke PORT), atau kosongkan",
  LOG_LEVEL: "salah satu dari: fatal, error, warn, info, debug, trace, silent",
  FLOWS_DIR: "contoh: FLOWS_DIR=flows",
  SESSION_TTL_SECONDS: "contoh: SESSION_TTL_SECONDS=604800 (60 s sampai 1 tahun)",
  LOCK_TTL_MS: "contoh: LOCK_TTL_MS=30000 (1000–300000)",
  LOCK_WAIT_MS: "contoh: LOCK_WAIT_MS=5000 (10–60000)",
  CHAT_BACKLOG: "contoh: CHAT_BACKLOG=10 (1–1000)",
  CONCURRENCY_PRIVATE: "contoh: CONCURRENCY_PRIVATE=256 (1–100000)",
  CONCURRENCY_GROUP: "contoh: CONCURRENCY_GROUP=16 (1–10000)",
  CASE_REMIND_MINUTES: "contoh: CASE_REMIND_MINUTES=30 (1–10080)",
  CASE_REOPEN_HOURS: "contoh: CASE_REOPEN_HOURS=72 (0–2160)",
  CASE_RETENTION_DAYS: "contoh: CASE_RETENTION_DAYS=180 (1–3650)",
  FAQ_GAP_RETENTION_DAYS: "contoh: FAQ_GAP_RETENTION_DAYS=90 (1–3650)",
  CASE_RELAY_PER_MINUTE: "contoh: CASE_RELAY_PER_MINUTE=10 (1–600)",
  SHOW_STAFF_NAME: "true atau false",
};

const WHERE_TO_FIX = "Perbaiki di file .env atau di environment (lihat .env.example), lalu jalankan lagi.";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Parses the environment; a bad value throws a ConfigError naming every offending variable and its fix. Pure. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = Config.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const [name = "", ...rest] = i.path.map(String);
      const hint = CONFIG_HINTS[name as keyof Config];
      return `• ${name}:${rest.length > 0 ? ` (bagian ${rest.map((r) => Number(r) + 1).join(".")})` : ""} ${i.message}${hint !== undefined ? ` → ${hint}` : ""}`;
    });
    throw new ConfigError(`Konfigurasi tidak sah:\n${lines.join("\n")}\n${WHERE_TO_FIX}`);
  }
  return result.data;
}

/** `parseConfig` for the Telegram bot (`npm start`), which cannot run without BOT_TOKEN. Pure. */
export function parseBotConfig(env: Record<string, string | undefined>): Config & { BOT_TOKEN: string } {
  const config = parseConfig(env);
  if (config.BOT_TOKEN === undefined) {
    throw new ConfigError(
      "BOT_TOKEN belum diisi: minta token ke @BotFather di Telegram, lalu isi BOT_TOKEN=… di file .env " +
        "(salin dari .env.example) atau di environment. Untuk mencoba tanpa Telegram: npm run chat",
    );
  }
  return { ...config, BOT_TOKEN: config.BOT_TOKEN };
}
