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
    /** PostgreSQL for the desk's records (cases, audit trail, routes, outbox); unset: in memory. */
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "harus berupa URL PostgreSQL: postgres://user:pass@host:5432/db")
        .optional(),
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
    WEBHOOK_SECRET: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,256}$/, "hanya A-Z, a-z, 0-9, _ dan -, maksimal 256 karakter")
        .optional(),
    ),
    PORT: z.preprocess(
      (v) => (v === "" || v === undefined ? "8080" : v),
      z.coerce.number().int().min(0).max(65535),
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
  });
export type Config = z.infer<typeof Config>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Parses the environment; a bad value throws a ConfigError naming every offending variable. Pure. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = Config.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const [name, ...rest] = i.path.map(String);
      return `• ${name}:${rest.length > 0 ? ` (bagian ${rest.map((r) => Number(r) + 1).join(".")})` : ""} ${i.message}`;
    });
    throw new ConfigError(`Konfigurasi tidak sah:\n${lines.join("\n")}`);
  }
  return result.data;
}
